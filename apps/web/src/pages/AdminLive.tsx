import type { AdminRoomView, AdminStatsResponse } from '@roomcast/shared';
import { Link } from 'react-router';
import { adminApi, roomsApi } from '../api/http';
import { Alert } from '../components/Alert';
import { useLoaded } from '../hooks/useLoaded';

/** Where a room's page is, by kind (a DJ room is reached through its channel, which the list does not know). */
const roomPath = (room: AdminRoomView) => (room.kind === 'watch' ? `/party/${room.id}` : room.kind === 'voice' ? `/r/${room.id}` : null);

const fetchLive = async (signal?: AbortSignal): Promise<{ stats: AdminStatsResponse; rooms: AdminRoomView[] }> => {
  const [stats, { rooms }] = await Promise.all([adminApi.stats(signal), adminApi.rooms(signal)]);
  return { stats, rooms };
};

/** The server now, for an administrator: media workers and live counts, open rooms and who is in them; closes a room. */
export function AdminLive() {
  const { value, error, reload, change } = useLoaded(fetchLive);
  const stats = value?.stats ?? null;
  const rooms = value?.rooms ?? [];

  function close(room: AdminRoomView) {
    if (window.confirm(`Close “${room.name}”? ${room.participants} people in it will be told.`)) void change(() => roomsApi.close(room.id));
  }

  const refused = stats ? Object.entries(stats.refused).sort(([, a], [, b]) => b - a) : [];
  return (
    <>
      <h2>Server</h2>
      <button type="button" className="button button-quiet" onClick={() => void reload()} data-testid="admin-refresh">Refresh</button>
      {error && <Alert>{error}</Alert>}
      {stats && (
        <div data-testid="admin-stats">
          <dl className="admin-stats">
            <dt>Accounts</dt><dd data-testid="stat-users">{stats.users}</dd>
            <dt>Rooms in use</dt><dd data-testid="stat-rooms">{stats.live.rooms}</dd>
            <dt>People in rooms</dt><dd data-testid="stat-peers">{stats.live.peers}</dd>
            <dt>Streams published</dt><dd data-testid="stat-producers">{stats.live.producers}</dd>
            <dt>Refused requests</dt>
            <dd>{refused.length ? refused.map(([code, n]) => `${code} ${n}`).join(', ') : 'none'}</dd>
          </dl>
          <table className="admin-users">
            <thead><tr><th>Media worker</th><th>Process</th><th>State</th><th>Rooms</th><th>Consumers</th><th>CPU</th></tr></thead>
            <tbody>
              {stats.sfu.workers.map((w) => (
                <tr key={w.index} data-testid="admin-worker">
                  <td>#{w.index}</td><td>{w.pid}</td><td>{w.alive ? 'running' : 'down'}</td><td>{w.rooms}</td><td>{w.consumers}</td>
                  <td>{(w.cpuMs / 1000).toFixed(1)} s</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Rooms</h2>
      <table className="admin-users">
        <thead><tr><th>Room</th><th>Kind</th><th>Owner</th><th>People now</th><th /></tr></thead>
        <tbody>
          {rooms.map((room) => {
            const path = roomPath(room);
            return (
              <tr key={room.id} data-testid="admin-room">
                <td>{path ? <Link to={path}>{room.name}</Link> : room.name}</td>
                <td>{room.kind}</td>
                <td>{room.ownerName}</td>
                <td data-testid="admin-room-people">
                  {room.participants}
                  {room.people.length > 0 && `: ${room.people.map((p) => `${p.displayName}${p.isGuest ? ' (guest)' : ''}`).join(', ')}`}
                </td>
                <td className="admin-actions">
                  <button type="button" className="button button-danger" onClick={() => close(room)} aria-label={`Close ${room.name}`}>Close</button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rooms.length === 0 && <p>No open rooms.</p>}
    </>
  );
}
