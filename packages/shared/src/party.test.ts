import { describe, expect, it } from 'vitest';
import { applyCommand, PARTY, parseMeshMessage, positionAt, type PlaybackState } from './party.js';

const start: PlaybackState = { videoId: 'v1', paused: false, rate: 1, position: 10, at: 1_000_000, seq: 4 };

describe('the party clock', () => {
  it('moves at the rate while playing and stands still while paused', () => {
    expect(positionAt(start, 1_002_000)).toBe(12);
    expect(positionAt({ ...start, rate: 1.5 }, 1_002_000)).toBe(13);
    expect(positionAt({ ...start, paused: true }, 1_002_000)).toBe(10);
  });

  it('applies each command at its effect time, the same for everyone', () => {
    const paused = applyCommand(start, { id: 'cmd-00001', action: 'pause', effectAt: 1_003_000 });
    expect(paused).toEqual({ ...start, paused: true, position: 13, at: 1_003_000, seq: 5, commandId: 'cmd-00001' });
    const rated = applyCommand(start, { id: 'cmd-00002', action: 'rate', rate: 2, effectAt: 1_001_000 });
    expect(positionAt(rated, 1_002_000)).toBe(13);
    const seeked = applyCommand(paused, { id: 'cmd-00003', action: 'seek', position: 2, effectAt: 1_004_000 });
    expect(positionAt(seeked, 1_009_000)).toBe(2);
    const played = applyCommand(seeked, { id: 'cmd-00004', action: 'play', effectAt: 1_005_000 });
    expect(positionAt(played, 1_006_000)).toBe(3);
  });
});

describe('mesh messages', () => {
  it('are validated by the receiver: size first, then shape', () => {
    expect(parseMeshMessage(JSON.stringify({ type: 'chat', id: 'chat-0001', text: 'hi', at: 5 }))).toMatchObject({ text: 'hi' });
    expect(parseMeshMessage(JSON.stringify({ type: 'chat', id: 'chat-0001', text: 'x'.repeat(PARTY.meshMessageBytes), at: 5 }))).toBeUndefined();
    expect(parseMeshMessage('{"type":"command","command":{"id":"c","action":"play","effectAt":1},"seq":1}')).toBeUndefined();
    expect(parseMeshMessage('not json')).toBeUndefined();
    expect(parseMeshMessage({ type: 'ping', t: 1 })).toBeUndefined();
  });
});
