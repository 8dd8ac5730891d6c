import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { ReadyResponse } from '@roomcast/shared';
import { freePort } from './harness/ports.js';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';

/** The README's start command, exactly as a person runs it (here on free ports and a temp data dir). */
describe('README start command', () => {
  let server: RunningRoomcast | undefined;
  afterAll(async () => server?.stop());

  it('brings Roomcast up on its embedded defaults, answers /readyz and drains on SIGTERM', async () => {
    const turnPort = await freePort();
    server = await startRoomcast({
      command: ['bash', 'scripts/start.sh'],
      env: { SFU_WORKERS: undefined, TURN_PORT: String(turnPort), TURN_PUBLIC_HOST: '127.0.0.1' },
      timeoutMs: 300_000,
    });
    const up = await server.waitForLog((l) => l.msg === 'roomcast is up');
    // coturn is installed on our machines, so the start command ran it and handed its URLs to signaling.
    expect(up.turn).toEqual([`turn:127.0.0.1:${turnPort}?transport=udp`, `turn:127.0.0.1:${turnPort}?transport=tcp`]);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = ReadyResponse.parse(await ready.json());
    expect(body.checks.database).toEqual({ ok: true, detail: 'sqlite' });
    expect(body.checks.sfu?.ok).toBe(true);

    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">/);

    const workers = server.logs.filter((l) => l.msg === 'sfu worker started');
    expect(workers).toHaveLength(os.availableParallelism());
    expect(server.logs.some((l) => /^applied [1-9]\d* database migration/.test(String(l.msg)))).toBe(true);

    expect(await server.stop()).toBe(0);
    expect(server.logs.some((l) => l.msg === 'draining')).toBe(true);
    expect(server.logs.some((l) => l.msg === 'closed')).toBe(true);
  });
});
