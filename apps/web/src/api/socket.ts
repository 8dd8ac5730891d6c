import {
  clientRequests,
  type Ack,
  type ClientRequest,
  type ClientToServerEvents,
  type RequestOf,
  type ResponseOf,
  type ServerToClientEvents,
} from '@roomcast/shared';
import { io, type Socket } from 'socket.io-client';
import { ApiError, asErrorBody, asErrorCode, type ClientErrorCode } from './errors';
import { socketOptions } from './socket-options';

export type RoomcastSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long a request waits for its ack before the caller gets a `timeout` error. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** Opens the one socket the app uses (see socketOptions). */
export function connectSocket(): RoomcastSocket {
  return io(socketOptions());
}

/** The least a request needs from a socket; lets tests drive the helper with a fake. */
export interface AckEmitter {
  emit(event: string, payload: unknown, ack: (response: unknown) => void): unknown;
}

/**
 * Sends one request and resolves with its data, checked against the request's response schema
 * in packages/shared, or rejects with an ApiError carrying the server's code (`bad_response`
 * for an answer that does not fit). socket.io buffers emits while disconnected, so the timeout
 * also covers "never got through".
 */
export function request<E extends ClientRequest>(
  socket: RoomcastSocket | AckEmitter,
  event: E,
  payload: RequestOf<E>,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<ResponseOf<E>> {
  // The typed Socket's emit is overloaded per event; the union of events defeats it, so the
  // call goes through the minimal shape. Payload and answer types are fixed by the signature.
  return answerOf(event, new Promise((resolve) => (socket as AckEmitter).emit(event, payload, resolve)), timeoutMs);
}

/**
 * Reads the ack of a request already sent (by `request`, or by the entry's early join) as its
 * data, checked against the response schema, or as an ApiError; `timeout` if none comes.
 */
export function answerOf<E extends ClientRequest>(event: E, ack: Promise<unknown>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ResponseOf<E>> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new ApiError('timeout', `the server did not answer ${event} in time`));
    }, timeoutMs);
    void ack.then((response: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const answer = response as Ack<unknown> | null | undefined;
      if (answer && answer.ok === true) {
        const data = clientRequests[event].response.safeParse(answer.data);
        if (data.success) resolve(data.data as ResponseOf<E>);
        else reject(new ApiError('bad_response', `the answer to ${event} does not fit its schema: ${data.error.issues[0]?.message ?? ''}`));
      } else if (answer && answer.ok === false) {
        const body = asErrorBody(answer.error);
        reject(body ? ApiError.fromBody(body) : new ApiError('bad_response', `malformed error answer to ${event}`));
      } else reject(new ApiError('bad_response', `malformed answer to ${event}`));
    });
  });
}

/** A connect_error as the UI needs it: the code, words for a person, and whether retrying can help. */
export interface ConnectFailure {
  code: ClientErrorCode;
  message: string;
  /** True when the server refused us (socket.io will not retry); false for a network blip. */
  fatal: boolean;
}

const CONNECT_MESSAGES: Partial<Record<ClientErrorCode, string>> = {
  unauthenticated: 'You are not signed in (or your session expired). Sign in or join as a guest.',
  protocol_mismatch: 'This page is out of date with the server. Reload the page to get the new version.',
  forbidden: 'The server refused this connection.',
  rate_limited: 'Too many connection attempts. Wait a moment and try again.',
};

/**
 * Classifies a socket.io connect_error. The server puts the code in `err.data` (an ErrorBody,
 * possibly wrapped in `{error}`) or as the message itself; either is accepted.
 * `active` is socket.active: false once socket.io has given up, i.e. a middleware refusal.
 */
export function describeConnectError(err: { message?: string; data?: unknown }, active: boolean): ConnectFailure {
  const body = asErrorBody(err.data);
  const code = body?.code ?? asErrorCode(err.data && typeof err.data === 'object' && 'code' in err.data ? err.data.code : undefined) ?? asErrorCode(err.message);
  if (code) {
    const known = CONNECT_MESSAGES[code];
    return { code, message: known ?? body?.message ?? err.message ?? code, fatal: !active || code === 'unauthenticated' || code === 'protocol_mismatch' };
  }
  return {
    code: 'network_error',
    message: active ? 'Cannot reach the server, retrying…' : `Could not connect: ${err.message || 'unknown error'}`,
    fatal: !active,
  };
}
