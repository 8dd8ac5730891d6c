import type { LiveNow } from '@roomcast/shared';
import { useState } from 'react';
import { Link } from 'react-router';

/** "<channel> is live now": a followed channel went on air while this page is in a room. */
export function LiveNowNotice({ liveNow }: { liveNow: LiveNow | null }) {
  const [dismissed, setDismissed] = useState<string | null>(null);
  if (!liveNow || dismissed === liveNow.broadcast.id) return null;
  return (
    <p className="notice" role="status" data-testid="dj-live-now" data-handle={liveNow.channel.handle}>
      <strong>{liveNow.channel.title}</strong> is live now: {liveNow.broadcast.title}.{' '}
      <Link to={`/c/${liveNow.channel.handle}`} data-testid="dj-live-now-link">
        Listen
      </Link>{' '}
      <button type="button" className="button button-small" onClick={() => setDismissed(liveNow.broadcast.id)} aria-label="Dismiss">
        ✕
      </button>
    </p>
  );
}
