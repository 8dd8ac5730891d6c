import { describe, expect, it } from 'vitest';
import { orderTurnUrls, turnUrlRank } from './connectivity.js';

describe('TURN URL ladder', () => {
  it('ranks UDP, then TCP, then TLS', () => {
    expect(['turn:t:3478', 'turn:t:3478?transport=udp', 'turn:t:3478?transport=TCP', 'turns:t:443?transport=tcp'].map(turnUrlRank)).toEqual([0, 0, 1, 2]);
  });

  it('orders URLs UDP, then TCP, then TLS, keeping the given order within each', () => {
    const urls = ['turns:t:443?transport=tcp', 'turn:t:3478?transport=tcp', 'turns:t:5349?transport=tcp', 'turn:t:3478?transport=udp', 'turn:u:3478'];
    expect(orderTurnUrls(urls)).toEqual(['turn:t:3478?transport=udp', 'turn:u:3478', 'turn:t:3478?transport=tcp', 'turns:t:443?transport=tcp', 'turns:t:5349?transport=tcp']);
    expect(urls[0]).toBe('turns:t:443?transport=tcp'); // the input is not reordered in place
  });
});
