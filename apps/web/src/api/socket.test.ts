import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './errors';
import { describeConnectError, request, type AckEmitter } from './socket';

/** An emitter answering every request with `answer` (or never, when it is undefined). */
function emitter(answer?: unknown): AckEmitter & { sent: { event: string; payload: unknown }[] } {
  const sent: { event: string; payload: unknown }[] = [];
  return {
    sent,
    emit(event, payload, ack) {
      sent.push({ event, payload });
      if (answer !== undefined) queueMicrotask(() => ack(answer));
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('request', () => {
  it('resolves with the data of an ok ack', async () => {
    const socket = emitter({ ok: true, data: { producerId: 'p1' } });
    await expect(request(socket, 'sfu:produce', { transportId: 't1', kind: 'audio', rtpParameters: {} })).resolves.toEqual({ producerId: 'p1' });
    expect(socket.sent).toEqual([{ event: 'sfu:produce', payload: { transportId: 't1', kind: 'audio', rtpParameters: {} } }]);
  });

  it('rejects with the typed error of a failed ack', async () => {
    const socket = emitter({ ok: false, error: { code: 'not_found', message: 'no such room' } });
    const err = await request(socket, 'room:join', { roomId: 'r1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'not_found', message: 'no such room' });
  });

  it('rejects a malformed ack instead of resolving undefined', async () => {
    await expect(request(emitter({ nope: true }), 'room:leave', {})).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('times out, and ignores an answer arriving afterwards', async () => {
    vi.useFakeTimers();
    let late: ((response: unknown) => void) | undefined;
    const socket: AckEmitter = { emit: (_e, _p, ack) => void (late = ack) };
    const pending = request(socket, 'room:leave', {}, 10_000);
    vi.advanceTimersByTime(10_000);
    await expect(pending).rejects.toMatchObject({ code: 'timeout' });
    expect(() => late?.({ ok: true, data: {} })).not.toThrow();
  });
});

describe('describeConnectError', () => {
  it('reads the code from data, nested data, or the message', () => {
    expect(describeConnectError({ message: 'x', data: { code: 'unauthenticated', message: 'sign in' } }, false)).toMatchObject({
      code: 'unauthenticated',
      fatal: true,
    });
    expect(describeConnectError({ message: 'x', data: { error: { code: 'protocol_mismatch', message: 'v2' } } }, false).code).toBe(
      'protocol_mismatch',
    );
    expect(describeConnectError({ message: 'protocol_mismatch' }, false).code).toBe('protocol_mismatch');
    expect(describeConnectError({ message: 'x', data: { code: 'unauthenticated' } }, false).code).toBe('unauthenticated');
  });

  it('treats auth and version refusals as fatal even while socket.io would retry', () => {
    expect(describeConnectError({ message: 'unauthenticated' }, true).fatal).toBe(true);
    expect(describeConnectError({ message: 'protocol_mismatch' }, true).message).toMatch(/reload/i);
  });

  it('treats a network failure as transient while socket.io retries', () => {
    expect(describeConnectError({ message: 'websocket error' }, true)).toMatchObject({ code: 'network_error', fatal: false });
    expect(describeConnectError({ message: 'websocket error' }, false).fatal).toBe(true);
  });
});
