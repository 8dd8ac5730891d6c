import { describe, expect, it } from 'vitest';
import { AgentRequest, decodeChunk, encodeChunk, LIMITS, PairingCode, parseAgentMessage, RelayFrame, Signal } from './index.js';

describe('library wire types', () => {
  it('normalises a typed pairing code and refuses ambiguous characters', () => {
    expect(PairingCode.parse(' abcd-efgh ')).toBe('ABCDEFGH');
    expect(PairingCode.safeParse('ABCD0EFG').success).toBe(false);
    expect(PairingCode.safeParse('ABC').success).toBe(false);
  });

  it('round-trips a binary chunk and refuses an oversize one', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const decoded = decodeChunk(encodeChunk(0xfffffffe, bytes));
    expect(decoded?.id).toBe(0xfffffffe);
    expect([...decoded!.bytes]).toEqual([1, 2, 3]);
    expect(decodeChunk(new Uint8Array(LIMITS.library.chunkBytes + 5))).toBeNull();
    expect(decodeChunk(new Uint8Array(2))).toBeNull();
  });

  it('answers bad agent messages with a typed error that keeps the request id', () => {
    expect(parseAgentMessage(AgentRequest, '{"id":7,"op":"read","trackId":"../etc/passwd","start":0}')).toMatchObject({ ok: false, id: 7, error: { code: 'bad_request' } });
    expect(parseAgentMessage(AgentRequest, 'nope')).toMatchObject({ ok: false, id: null });
    expect(parseAgentMessage(AgentRequest, 'x'.repeat(LIMITS.library.messageBytes + 1))).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    expect(parseAgentMessage(AgentRequest, '{"id":1,"op":"artists"}')).toEqual({ ok: true, value: { id: 1, op: 'artists', offset: 0, limit: 100 } });
  });

  it('bounds signals and relay frames', () => {
    expect(Signal.safeParse({ type: 'offer', sdp: 'x'.repeat(LIMITS.library.signalBytes + 1) }).success).toBe(false);
    expect(RelayFrame.safeParse({ sessionId: 's1', data: new Uint8Array(LIMITS.library.chunkBytes + 100) }).success).toBe(false);
    expect(RelayFrame.safeParse({ sessionId: 's1', data: new Uint8Array(10) }).success).toBe(true);
    expect(RelayFrame.safeParse({ sessionId: 's1', data: { not: 'binary' } }).success).toBe(false);
  });
});
