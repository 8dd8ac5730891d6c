import { describe, expect, it } from 'vitest';
import { MemorySocketRegistry } from './socket-registry.js';

describe('MemorySocketRegistry', () => {
  it('finds connections by account and by sign-in, and refuses past the per-account limit', async () => {
    const registry = new MemorySocketRegistry();
    expect(await registry.add({ socketId: 's1', userId: 'u1', sessionKey: 'k1' }, 2)).toBe(true);
    expect(await registry.add({ socketId: 's2', userId: 'u1', sessionKey: 'k2' }, 2)).toBe(true);
    expect(await registry.add({ socketId: 's3', userId: 'u1', sessionKey: 'k1' }, 2)).toBe(false);
    expect(await registry.add({ socketId: 's4', userId: 'u2', sessionKey: 'k3' }, 2)).toBe(true);
    expect(await registry.byAccount('u1')).toEqual(['s1', 's2']);
    expect(await registry.bySession('k1')).toEqual(['s1']);
    await registry.remove('s1');
    expect(await registry.bySession('k1')).toEqual([]);
    expect(await registry.add({ socketId: 's3', userId: 'u1', sessionKey: 'k1' }, 2)).toBe(true);
    expect(await registry.count()).toBe(3);
  });
});
