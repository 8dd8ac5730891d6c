import { afterAll, describe, expect, it } from 'vitest';
import { ReadyResponse } from '@roomcast/shared';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';

/** The README's start command, exactly as a person runs it (here on free ports and a temp data dir). */
describe('README start command', () => {
  let server: RunningRoomcast | undefined;
  afterAll(async () => server?.stop());

  it('brings Roomcast up on its embedded defaults, answers /readyz and drains on SIGTERM', async () => {
    server = await startRoomcast({ command: ['bash', 'scripts/start.sh'], env: { SFU_WORKERS: undefined }, timeoutMs: 300_000 });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = ReadyResponse.parse(await ready.json());
    expect(body.checks.database).toEqual({ ok: true, detail: 'sqlite' });
    expect(body.checks.sfu?.ok).toBe(true);

    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">/);

    const migrated = await server.waitForLog((l) => typeof l.msg === 'string' && /migration/i.test(l.msg));
    expect(migrated).toBeDefined();

    expect(await server.stop()).toBe(0);
    expect(server.logs.some((l) => l.msg === 'draining')).toBe(true);
    expect(server.logs.some((l) => l.msg === 'closed')).toBe(true);
  });
});
