import type { DjCounts } from '@roomcast/shared';

/** Live and peak listeners and likes, as the server last pushed them. */
export function Counts({ counts }: { counts: DjCounts }) {
  return (
    <dl className="dj-counts" aria-live="polite">
      <div>
        <dt>Listening</dt>
        <dd data-testid="dj-listeners">{counts.listeners}</dd>
      </div>
      <div>
        <dt>Peak</dt>
        <dd data-testid="dj-peak">{counts.peak}</dd>
      </div>
      <div>
        <dt>Likes</dt>
        <dd data-testid="dj-likes">{counts.likes}</dd>
      </div>
    </dl>
  );
}
