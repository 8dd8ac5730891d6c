import type { BroadcastView } from '@roomcast/shared';
import { useCallback, useEffect, useState } from 'react';
import { toApiError } from '../../api/errors';
import { channelsApi } from '../../api/http';
import { ArchivePlayer } from './ArchivePlayer';

/**
 * Recorded broadcasts: players for published ones (the audio is range-served, so they seek);
 * with `manage`, the owner also sees hidden ones and publishes, hides or deletes them.
 */
export function Archives({ handle, manage = false, version = '' }: { handle: string; manage?: boolean; /** A change reloads the list (a broadcast just ended). */ version?: string }) {
  const [items, setItems] = useState<BroadcastView[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const load = useCallback(() => channelsApi.archives(handle).then((page) => setItems(page.broadcasts), (e: unknown) => setMessage(toApiError(e).message)), [handle]);
  useEffect(() => void load(), [load, version]);

  async function act(run: () => Promise<unknown>) {
    try {
      await run();
      setMessage(null);
      await load();
    } catch (e) {
      setMessage(toApiError(e).message);
    }
  }

  if (items.length === 0 && !message) return null;
  return (
    <section aria-labelledby={`archives-${handle}`}>
      <h2 id={`archives-${handle}`} className="section-title">
        Archives
      </h2>
      <ul className="dj-archives" data-testid="dj-archives">
        {items.map((b) => (
          <li key={b.id} data-testid="dj-archive" data-archive-id={b.id} data-published={b.published ? 'true' : 'false'}>
            <strong>{b.title}</strong> {!b.published && <span className="badge">hidden</span>}
            {b.startedAt && <time className="small muted"> {new Date(b.startedAt).toLocaleString()}</time>}
            {b.description && <p className="small">{b.description}</p>}
            <ArchivePlayer handle={handle} archive={b} />
            {manage && (
              <span className="controls">
                <button type="button" className="button" onClick={() => void act(() => channelsApi.editArchive(handle, b.id, { published: !b.published }))} data-testid="dj-archive-publish">
                  {b.published ? 'Hide' : 'Publish'}
                </button>
                <button type="button" className="button button-danger" onClick={() => void act(() => channelsApi.deleteArchive(handle, b.id))} data-testid="dj-archive-delete">
                  Delete
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
      {message && <p className="notice notice-warning">{message}</p>}
    </section>
  );
}
