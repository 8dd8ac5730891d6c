import { useEffect, useState } from 'react';

/** The page's own pause between likes; the server enforces its own limit regardless. */
export const LIKE_COOLDOWN_MS = 10_000;

export function LikeButton({ onLike }: { onLike(): Promise<string | null> }) {
  const [until, setUntil] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const [, tick] = useState(0);
  const waiting = until > Date.now();
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => tick((n) => n + 1), until - Date.now());
    return () => clearTimeout(timer);
  }, [until, waiting]);

  async function like() {
    setUntil(Date.now() + LIKE_COOLDOWN_MS);
    setMessage(await onLike());
  }

  return (
    <div className="dj-like">
      <button type="button" className="button" onClick={like} disabled={waiting} aria-label="Like this broadcast" data-testid="dj-like">
        ♥ Like
      </button>
      {message && <span className="small muted">{message}</span>}
    </div>
  );
}
