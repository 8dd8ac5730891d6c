import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/index.js';
import { Sweeper, type Schedule } from './sweep.js';

const HOUR = 3_600_000;

/** A schedule the test fires by hand: no timers, no sleeps. */
function manualSchedule() {
  const calls: { fn: () => Promise<void>; ms: number; cancelled: boolean }[] = [];
  const schedule: Schedule = (fn, ms) => {
    const call = { fn, ms, cancelled: false };
    calls.push(call);
    return () => (call.cancelled = true);
  };
  const fire = async () => {
    const call = calls.at(-1)!;
    expect(call.cancelled).toBe(false);
    await call.fn();
  };
  return { schedule, calls, fire };
}

function logCapture() {
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  return {
    lines,
    log: {
      info: (obj: object, msg?: string) => lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
      warn: (obj: object, msg?: string) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    } as never,
  };
}

describe('Sweeper on a real database', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roomcast-sweep-'));
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase(`file:${path.join(dir, 'sweep.db')}`);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prunes expired sessions, then guests without a session past the retention, on its own schedule', async () => {
    const start = Date.now();
    let now = start;
    const { schedule, calls, fire } = manualSchedule();
    const { log, lines } = logCapture();
    const sweeper = new Sweeper(db, { intervalMs: HOUR, guestRetentionMs: 24 * HOUR, log, now: () => now, schedule });

    const signedIn = await db.users.create({ displayName: 'Guest with a session', isGuest: true });
    await db.sessions.create({ userId: signedIn.id, tokenHash: 'token-a', expiresAt: new Date(start + HOUR) });
    const signedOut = await db.users.create({ displayName: 'Guest without one', isGuest: true });
    const account = await db.users.createAccount({ email: 'owner@example.org', passwordHash: 'h', displayName: 'Owner' });

    sweeper.start();
    expect(calls.map((c) => c.ms)).toEqual([0]); // the first pass at once
    await fire();
    expect(calls.map((c) => c.ms)).toEqual([0, HOUR]); // then every interval
    expect(await db.users.findById(signedOut.id)).not.toBeNull(); // too young
    expect(lines).toEqual([]); // nothing pruned, nothing logged

    now = start + 2 * HOUR; // the session has expired
    await fire();
    expect(await db.sessions.findValidByTokenHash('token-a', new Date(start))).toBeNull();
    expect(await db.users.findById(signedIn.id)).not.toBeNull(); // its guest is still young
    expect(lines.at(-1)).toMatchObject({ obj: { sessions: 1, guests: 0 } });

    now = start + 25 * HOUR; // both guests are past the retention and hold no session
    await fire();
    expect(await db.users.findById(signedIn.id)).toBeNull();
    expect(await db.users.findById(signedOut.id)).toBeNull();
    expect(await db.users.findById(account.id)).not.toBeNull(); // accounts are never swept
    expect(lines.at(-1)).toMatchObject({ obj: { sessions: 0, guests: 2 } });

    await sweeper.stop();
    expect(calls.at(-1)!.cancelled).toBe(true);
    expect(calls).toHaveLength(4);
    await sweeper.stop(); // idempotent
  });
});

describe('Sweeper schedule', () => {
  it('logs a failed sweep and still schedules the next one; stop() waits for a running sweep', async () => {
    const { schedule, calls, fire } = manualSchedule();
    const { log, lines } = logCapture();
    let fail = true;
    let release: () => void = () => undefined;
    const db = {
      sessions: {
        deleteExpired: async () => {
          if (fail) throw new Error('database is closed');
          await new Promise<void>((resolve) => (release = resolve));
          return 3;
        },
      },
      users: { deleteStaleGuests: async () => 0 },
    } as unknown as Database;
    const sweeper = new Sweeper(db, { intervalMs: 1_000, guestRetentionMs: 1, log, schedule });
    sweeper.start();
    await fire();
    expect(lines).toMatchObject([{ level: 'warn', msg: 'session sweep failed' }]);
    expect(calls.map((c) => c.ms)).toEqual([0, 1_000]);

    fail = false;
    const firing = fire();
    let stopped = false;
    const stopping = sweeper.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false); // still waiting for the sweep in flight
    release();
    await Promise.all([firing, stopping]);
    expect(lines.at(-1)).toMatchObject({ obj: { sessions: 3, guests: 0 } });
    expect(calls).toHaveLength(2); // stopped: nothing more scheduled
  });
});
