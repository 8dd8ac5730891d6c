import { describe, expect, it } from 'vitest';
import { MemoryModerationStore } from './memory-moderation-store.js';

describe('MemoryModerationStore', () => {
  it('bans an account for the configured time by its clock, then lets it back', async () => {
    let now = 10_000;
    const store = new MemoryModerationStore(60_000, () => now);
    await store.setMuted('r1', 'u-x', true);
    expect(await store.ban('r1', 'u-x')).toBe(70_000);
    // A ban replaces a mute: the account is out, not muted.
    expect(await store.view('r1', 'u-x')).toEqual({ moderated: false, muted: false, bannedUntil: 70_000 });
    expect((await store.view('r1', 'u-y')).bannedUntil).toBeUndefined();
    now = 70_000;
    expect((await store.view('r1', 'u-x')).bannedUntil).toBeUndefined();
  });

  it('keeps mutes and the moderated flag per room until forgotten', async () => {
    const store = new MemoryModerationStore(1_000);
    await store.setModerated('r1', true);
    await store.setMuted('r1', 'u-b', true);
    expect(await store.view('r1', 'u-b')).toMatchObject({ moderated: true, muted: true });
    expect(await store.view('r2', 'u-b')).toMatchObject({ moderated: false, muted: false });
    await store.setMuted('r1', 'u-b', false);
    expect((await store.view('r1', 'u-b')).muted).toBe(false);
    await store.forget('r1');
    expect(await store.view('r1', 'u-b')).toEqual({ moderated: false, muted: false, bannedUntil: undefined });
  });
});
