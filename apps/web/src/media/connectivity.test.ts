import { describe, expect, it, vi } from 'vitest';
import { connectWatchdog, orderIceServers, rungFromStats } from './connectivity';

const report = (local: Record<string, unknown>, remote: Record<string, unknown> = { candidateType: 'host' }) =>
  new Map<string, Record<string, unknown>>([
    ['T1', { type: 'transport', selectedCandidatePairId: 'P1' }],
    ['P1', { type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R', state: 'succeeded', nominated: true }],
    ['L', { type: 'local-candidate', ...local }],
    ['R', { type: 'remote-candidate', ...remote }],
  ]);

describe('link rung', () => {
  it('names direct and each relay protocol from the selected pair', () => {
    expect(rungFromStats(report({ candidateType: 'host' }))).toBe('direct');
    expect(rungFromStats(report({ candidateType: 'srflx' }))).toBe('direct');
    expect(rungFromStats(report({ candidateType: 'relay', relayProtocol: 'udp' }))).toBe('relay-udp');
    expect(rungFromStats(report({ candidateType: 'relay', relayProtocol: 'tcp' }))).toBe('relay-tcp');
    expect(rungFromStats(report({ candidateType: 'relay', relayProtocol: 'tls' }))).toBe('relay-tls');
    expect(rungFromStats(report({ candidateType: 'host' }, { candidateType: 'relay' }))).toBe('relay-udp');
  });

  it('falls back to the nominated pair, and says null before any pair succeeded', () => {
    const r = report({ candidateType: 'relay', relayProtocol: 'tcp' });
    r.delete('T1');
    expect(rungFromStats(r)).toBe('relay-tcp');
    r.set('P1', { ...r.get('P1'), state: 'in-progress' });
    expect(rungFromStats(r)).toBeNull();
  });
});

describe('ICE servers', () => {
  it('orders URLs UDP, TCP, TLS', () => {
    const [s] = orderIceServers([{ urls: ['turns:t:443?transport=tcp', 'turn:t:3478?transport=tcp', 'turn:t:3478?transport=udp'], username: 'u', credential: 'c' }]);
    expect(s!.urls).toEqual(['turn:t:3478?transport=udp', 'turn:t:3478?transport=tcp', 'turns:t:443?transport=tcp']);
  });
});

describe('connect watchdog', () => {
  it('fires once after the timeout unless connected or cancelled', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    connectWatchdog(1000, () => false, fired);
    const cancel = connectWatchdog(1000, () => false, fired);
    cancel();
    connectWatchdog(1000, () => true, fired);
    vi.advanceTimersByTime(999);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });
});
