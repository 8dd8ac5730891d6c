import { useEffect, useState, useSyncExternalStore } from 'react';

/** What the hook needs of a room use (RoomUse and its subclasses). */
interface Use<S> {
  readonly connection: { closed(): boolean };
  getSnapshot(): S;
  subscribe(listener: (state: S) => void): () => void;
  start(): void;
  close(): void;
}

/**
 * One room use (a DJ listener, a studio) for as long as the component is mounted, and its
 * snapshot as React state. A new `key` (the room) starts a new visit.
 */
export function useRoomUse<U extends Use<ReturnType<U['getSnapshot']>>>(make: () => U, key: string): { use: U; snapshot: ReturnType<U['getSnapshot']> } {
  const [use, setUse] = useState<U>(make);
  useEffect(() => {
    // A remount (React's StrictMode, a new key) finds the last visit closed: start a fresh one.
    const next = use.connection.closed() ? make() : use;
    if (next !== use) setUse(next);
    next.start();
    return () => next.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `make` is new every render; the visit follows `key`.
  }, [key]);
  const snapshot = useSyncExternalStore(
    (listener) => use.subscribe(() => listener()),
    () => use.getSnapshot(),
  );
  return { use, snapshot };
}
