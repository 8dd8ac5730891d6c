import type { BroadcastView } from '@roomcast/shared';
import type { ClientErrorCode } from '../../api/errors';
import type { RoomStatus } from '../../room/room-state';
import { RoomError } from '../RoomError';
import { Elapsed } from './Elapsed';

interface OnAirStatusProps {
  live: BroadcastView | null;
  /** What to call "not live" (before the state is known too). */
  offLabel: string;
  status: RoomStatus;
  error: { code: ClientErrorCode; message: string } | null;
  onRetry(): void;
}

/** LIVE or not, the broadcast's title and time on air, and the room connection's state. */
export function OnAirStatus({ live, offLabel, status, error, onRetry }: OnAirStatusProps) {
  return (
    <>
      <p className="dj-status">
        <span className={live ? 'badge badge-live' : 'badge'} data-testid="dj-live-status" data-live={live ? 'true' : 'false'}>
          {live ? 'LIVE' : offLabel}
        </span>{' '}
        {live && (
          <>
            <strong data-testid="dj-broadcast-title">{live.title}</strong>
            {live.startedAt && (
              <>
                {' · '}
                <Elapsed since={live.startedAt} />
              </>
            )}
          </>
        )}
        <span className="small muted" data-testid="room-status" data-status={status}>
          {' '}
          {status}
        </span>
      </p>
      {error && <RoomError error={error} status={status} onRetry={onRetry} />}
    </>
  );
}
