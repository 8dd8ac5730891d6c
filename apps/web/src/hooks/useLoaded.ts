import { useCallback, useEffect, useState } from 'react';
import { toApiError } from '../api/errors';

/**
 * What `fetcher` answers, loaded on mount (aborted on unmount) and again on `reload`; `change`
 * runs a request and then shows what the server has now. Failures become the message to show.
 * `fetcher` must be stable (a module-level function or a memoised one).
 */
export function useLoaded<T>(fetcher: (signal?: AbortSignal) => Promise<T>) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async (signal?: AbortSignal) => {
    try {
      setValue(await fetcher(signal));
      setError(null);
    } catch (raw) {
      if (!signal?.aborted) setError(toApiError(raw).message);
    }
  }, [fetcher]);
  useEffect(() => {
    const abort = new AbortController();
    void reload(abort.signal);
    return () => abort.abort();
  }, [reload]);

  const change = useCallback(async (request: () => Promise<unknown>) => {
    try {
      await request();
      await reload();
    } catch (raw) {
      setError(toApiError(raw).message);
    }
  }, [reload]);

  return { value, error, setError, reload, change };
}
