import { describe, expect, it } from 'vitest';
import { toDataChannelIce } from './ice.js';

describe('toDataChannelIce', () => {
  it('keeps TURN REST credentials intact and skips what libdatachannel cannot use', () => {
    const servers = toDataChannelIce([
      { urls: ['turn:10.0.0.1:3478', 'turn:10.0.0.1:3478?transport=tcp', 'turns:relay.example.org:443?transport=tcp', 'bogus'], username: '1700000000:user', credential: 'a+b/c=' },
      { urls: 'stun:stun.example.org' },
    ]);
    expect(servers).toEqual([
      { hostname: '10.0.0.1', port: 3478, username: '1700000000:user', password: 'a+b/c=', relayType: 'TurnUdp' },
      { hostname: 'relay.example.org', port: 443, username: '1700000000:user', password: 'a+b/c=', relayType: 'TurnTls' },
      { hostname: 'stun.example.org', port: 3478 },
    ]);
  });
});
