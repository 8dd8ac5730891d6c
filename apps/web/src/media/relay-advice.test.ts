import { describe, expect, it } from 'vitest';
import { adviceFor, selfTestSummary } from './relay-advice';

const failed = (error: string, url = 'turn:203.0.113.5:3478?transport=udp') => ({ url, ok: false, error });

describe('adviceFor', () => {
  it('says what to configure when the relay refuses a private address', () => {
    const advice = adviceFor(failed('403 Forbidden IP'))!;
    expect(advice).toMatch(/private address/);
    expect(advice).toMatch(/TURN_EXTERNAL_IP/);
    expect(advice).toMatch(/SFU_ANNOUNCED_ADDRESS/);
    expect(advice).toMatch(/README/);
  });

  it('names the fix for refused credentials, closed ports, unreachable hosts and bad certificates', () => {
    expect(adviceFor(failed('401 Unauthorized'))).toMatch(/TURN_SECRET.*static-auth-secret/);
    expect(adviceFor(failed('connect ECONNREFUSED 203.0.113.5:3478', 'turn:203.0.113.5:3478?transport=tcp'))).toMatch(
      /Nothing answers at 203\.0\.113\.5:3478.*coturn is not running/,
    );
    expect(adviceFor(failed('timed out', 'turns:relay.example.org:5349?transport=tcp'))).toMatch(/relay\.example\.org:5349.*TLS over TCP/);
    expect(adviceFor(failed('getaddrinfo ENOTFOUND relay.example.org'))).toMatch(/does not resolve/);
    expect(adviceFor(failed('self-signed certificate'))).toMatch(/certificate/);
    expect(adviceFor(failed('timed out waiting for the looped packet'))).toMatch(/port range/);
    expect(adviceFor(failed('508 Insufficient Capacity'))).toMatch(/min-port/);
  });

  it('passes an unknown reason on, and says nothing for a passing probe', () => {
    expect(adviceFor(failed('599 Something New'))).toMatch(/599 Something New/);
    expect(adviceFor({ url: 'turn:x:3478', ok: true, rttMs: 3 })).toBeNull();
  });
});

describe('selfTestSummary', () => {
  const at = '2026-01-01T00:00:00Z';
  it('tells all, some, none and not configured apart', () => {
    const ok = { url: 'turn:a', ok: true, rttMs: 1 };
    const bad = failed('timed out');
    expect(selfTestSummary({ configured: true, ok: true, results: [ok, ok], checkedAt: at })).toBe('All relays work.');
    expect(selfTestSummary({ configured: true, ok: false, results: [bad, bad, bad], checkedAt: at })).toBe('All relays failed.');
    expect(selfTestSummary({ configured: true, ok: false, results: [ok, bad, bad], checkedAt: at })).toBe('2 of 3 relays failed.');
    expect(selfTestSummary({ configured: false, ok: false, results: [], checkedAt: at })).toMatch(/No relay server is configured/);
  });
});
