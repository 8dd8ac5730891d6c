import { describe, expect, it } from 'vitest';
import type { SfuControl } from '@roomcast/shared';
import { sfuReadiness } from './health-routes.js';

/** Only the readiness rule is under test here; the SFU answers are what `server.health` returns. */
const sfuAnswering = (health: { configured: number; running: number; degraded: boolean }) =>
  ({ request: async () => health, on: () => undefined, off: () => undefined }) as unknown as SfuControl;

describe('sfuReadiness', () => {
  it('is ready with every worker running, and reports the SFU degraded with fewer', async () => {
    expect(await sfuReadiness(sfuAnswering({ configured: 2, running: 2, degraded: false }), () => true)()).toEqual({ ok: true, detail: '2/2 worker(s) running' });
    expect(await sfuReadiness(sfuAnswering({ configured: 2, running: 1, degraded: true }), () => true)()).toEqual({ ok: false, detail: 'degraded: 1/2 worker(s) running' });
  });

  it('is not ready while draining', async () => {
    expect((await sfuReadiness(sfuAnswering({ configured: 1, running: 1, degraded: false }), () => false)()).ok).toBe(false);
  });
});
