import type { PeerView, ServerEventPayload } from '@roomcast/shared';
import type { ClientErrorCode } from '../api/errors';

/**
 * Pure rules of the room view: kept apart from the room client so they can be tested without
 * a browser, a socket or WebRTC.
 */

/**
 * What the page shows in `data-testid="room-status"`; exactly these words. `failed` waits for
 * the person to try again; `closed` is for good (the room was closed).
 */
export type RoomStatus = 'joining' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** The participant list: self first, then others in join order, each peer once. */
export function participants(self: PeerView | null, peers: readonly PeerView[]): PeerView[] {
  const seen = new Set<string>();
  const out: PeerView[] = [];
  for (const peer of self ? [self, ...peers] : peers) {
    if (seen.has(peer.peerId)) continue;
    seen.add(peer.peerId);
    out.push(peer);
  }
  return out;
}

/** Adds or refreshes a peer (a rejoining peer may reuse its id with new details). */
export function upsertPeer(peers: readonly PeerView[], peer: PeerView): PeerView[] {
  const i = peers.findIndex((p) => p.peerId === peer.peerId);
  if (i === -1) return [...peers, peer];
  const next = peers.slice();
  next[i] = peer;
  return next;
}

export function removePeer(peers: readonly PeerView[], peerId: string): PeerView[] {
  return peers.some((p) => p.peerId === peerId) ? peers.filter((p) => p.peerId !== peerId) : (peers as PeerView[]);
}

/**
 * Audio levels by peer. Each event lists only the peers currently above the SFU's threshold,
 * so anyone absent from the latest event is silent, not "unchanged".
 */
export function levelsFromEvent(event: ServerEventPayload<'room:audioLevels'>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { peerId, volume } of event.levels) out[peerId] = Math.max(out[peerId] ?? -Infinity, volume);
  return out;
}

/** mediasoup reports dBov (−127 silent … 0 loudest); speech mostly sits between −70 and −10. */
export function levelToPercent(volume: number | undefined): number {
  if (volume === undefined || !Number.isFinite(volume)) return 0;
  const pct = ((volume + 70) / 60) * 100;
  return Math.round(Math.min(100, Math.max(0, pct)));
}

/** Failures that another join attempt cannot fix; everything else is worth retrying. */
const FATAL: ReadonlySet<ClientErrorCode> = new Set<ClientErrorCode>([
  'not_found',
  'unauthenticated',
  'forbidden',
  'room_full',
  'banned',
  'protocol_mismatch',
  'bad_request',
  'payload_too_large',
  'limit_exceeded',
  'unsupported_media_type',
  'unknown_event',
]);

export function isFatal(code: ClientErrorCode): boolean {
  return FATAL.has(code);
}

/** Words for a person, for the failures a room page is likely to meet. */
export function describeRoomError(code: ClientErrorCode, fallback: string): string {
  switch (code) {
    case 'not_found':
      return 'This room does not exist (or was closed).';
    case 'unauthenticated':
      return 'You are not signed in (or your session expired). Sign in or join as a guest.';
    case 'forbidden':
      return 'You are not allowed to join this room.';
    case 'room_full':
      return 'This room is full — try again when someone leaves.';
    case 'banned':
      return 'A moderator removed you from this room; you cannot rejoin it yet.';
    case 'protocol_mismatch':
      return 'This page is out of date with the server. Reload the page to get the new version.';
    case 'timeout':
      return 'The server did not answer in time.';
    case 'network_error':
      return 'Cannot reach the server.';
    case 'unavailable':
      return 'The media server is unavailable right now.';
    case 'limit_exceeded':
      return 'You have too many connections open (other tabs or devices). Close one and try again.';
    case 'rate_limited':
      return 'The server asked us to slow down.';
    default:
      return fallback;
  }
}
