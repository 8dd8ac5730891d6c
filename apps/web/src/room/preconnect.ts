import { io, type Socket } from 'socket.io-client';
import { socketOptions } from '../api/socket-options';
import { markFirst } from '../lib/marks';

/**
 * The socket opened by the entry module on a room link, before the room's code has loaded:
 * its handshake (and the join) overlap the download of mediasoup-client and the app. Part of
 * the entry, so kept small (no schemas, no mediasoup). Only a room link uses it.
 */
let early: Socket | null = null;
let earlyJoin: { roomId: string; ack: Promise<unknown> } | null = null;

/**
 * Opens the socket and, as soon as it connects, asks to join `roomId`: the answer then arrives
 * while the room's code is still loading. If the room's code takes the socket first, it joins
 * by itself and this early join is never sent.
 */
export function preconnect(roomId: string): void {
  if (early) return;
  markFirst('socket-open');
  const socket = io(socketOptions());
  early = socket;
  socket.once('connect', () => {
    if (early !== socket) return;
    markFirst('join-request');
    earlyJoin = { roomId, ack: new Promise((resolve) => socket.emit('room:join', { roomId }, resolve)) };
  });
}

/** The ack of the early `room:join` for `roomId`, once; null if none was sent. */
export function takeEarlyJoin(roomId: string): Promise<unknown> | null {
  const join = earlyJoin;
  earlyJoin = null;
  return join?.roomId === roomId ? join.ack : null;
}

/**
 * The early socket, once, if it is connected or still trying; one the server already refused
 * is dropped, so a fresh one meets (and reports) the refusal itself.
 */
export function takePreconnected(): Socket | null {
  const socket = early;
  early = null;
  if (socket && !socket.connected && !socket.active) {
    socket.disconnect();
    return null;
  }
  return socket;
}
