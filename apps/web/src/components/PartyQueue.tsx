import type { QueueItem, VideoView } from '@roomcast/shared';
import { useEffect, useState } from 'react';
import { videosApi } from '../api/http';
import type { PartyRoom } from '../party/party-room';

/**
 * What plays next. Whoever may control can play the next one now, remove or move items, and
 * add one of their own ready videos (the list comes from "My videos"; none shown if it fails).
 */
export function PartyQueue({ room, queue, canControl, playingId }: { room: PartyRoom; queue: QueueItem[]; canControl: boolean; playingId: string }) {
  const [mine, setMine] = useState<VideoView[]>([]);
  useEffect(() => {
    if (!canControl) return;
    const controller = new AbortController();
    videosApi.mine(controller.signal).then(
      ({ videos }) => setMine(videos.filter((v) => v.status === 'ready')),
      () => setMine([]),
    );
    return () => controller.abort();
  }, [canControl]);

  const addable = mine.filter((v) => v.id !== playingId && !queue.some((q) => q.videoId === v.id));
  if (queue.length === 0 && (!canControl || addable.length === 0)) return null;
  return (
    <section className="party-queue" aria-label="Queue">
      <h2 className="section-title">Up next</h2>
      <ol className="queue-list">
        {queue.map((item, i) => (
          <li key={item.videoId} data-testid="queue-item" data-video-id={item.videoId}>
            <span>{item.title}</span>
            {canControl && (
              <span className="queue-actions">
                {i > 0 && (
                  <button type="button" className="button button-small" onClick={() => void room.queue({ op: 'move', videoId: item.videoId, index: i - 1 })} aria-label={`Move ${item.title} up`}>
                    ↑
                  </button>
                )}
                <button type="button" className="button button-small" onClick={() => void room.queue({ op: 'remove', videoId: item.videoId })} aria-label={`Remove ${item.title}`}>
                  Remove
                </button>
              </span>
            )}
          </li>
        ))}
      </ol>
      {canControl && queue.length > 0 && (
        <button type="button" className="button" onClick={() => void room.queue({ op: 'next' })} data-testid="queue-next">
          Play next now
        </button>
      )}
      {canControl && addable.length > 0 && (
        <label className="small">
          Add one of my videos{' '}
          <select value="" onChange={(e) => e.target.value && void room.queue({ op: 'add', videoId: e.target.value })} data-testid="queue-add">
            <option value="">Choose…</option>
            {addable.map((v) => (
              <option key={v.id} value={v.id}>
                {v.title}
              </option>
            ))}
          </select>
        </label>
      )}
    </section>
  );
}
