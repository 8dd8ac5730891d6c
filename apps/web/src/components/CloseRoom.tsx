import { useState } from 'react';
import { toApiError } from '../api/errors';
import { roomsApi } from '../api/http';

/**
 * For the room's owner (or an admin): closes the room for everyone. Asks once more first; the
 * server then tells every member (`room:closed`), this page included.
 */
export function CloseRoom({ roomId }: { roomId: string }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onClose() {
    setBusy(true);
    setError(null);
    try {
      await roomsApi.close(roomId);
      setConfirming(false);
    } catch (raw) {
      setError(`Could not close the room: ${toApiError(raw).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="close-room" role="group" aria-label="Close the room">
      {confirming ? (
        <>
          <span>Close this room for everyone in it?</span>
          <button type="button" className="button button-danger" onClick={() => void onClose()} disabled={busy} data-testid="close-room-confirm">
            {busy ? 'Closing…' : 'Yes, close it'}
          </button>
          <button type="button" className="button button-quiet" onClick={() => setConfirming(false)} disabled={busy}>
            Cancel
          </button>
        </>
      ) : (
        <button type="button" className="button button-danger" onClick={() => setConfirming(true)} data-testid="close-room">
          Close room
        </button>
      )}
      {error && (
        <p className="notice notice-warning" role="alert" data-testid="close-room-error">
          {error}
        </p>
      )}
    </div>
  );
}
