// The job store's leases on SQLite and PostgreSQL: one claim wins, a stale worker's commit is
// refused, a dead worker's last attempt ends failed.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.js';
import { shortId } from '../db/ids.js';
import { testDatabases, type TestDatabase } from '../testing/databases.js';

execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/prisma-generate.mjs', import.meta.url))], { stdio: 'inherit' });
const { openDatabase } = await import('../db/index.js');

const output = { renditions: [{ container: 'mp4' as const, width: 640, height: 360, file: '360p-x.mp4', bytes: 1 }], poster: null, sprite: null, thumbnails: null };

describe.each(testDatabases)('transcode jobs on $name', ({ create }) => {
  let target: TestDatabase;
  let db: Database;
  let ownerId: string;
  // Jobs are due from their creation (database time): the injected times start after it.
  const t0 = Date.now() + 60_000;
  const at = (ms: number) => new Date(t0 + ms);
  const video = async () =>
    db.videos.create({ id: shortId(), ownerId, title: 'v', sourceName: 'v.mp4', sourceBytes: 1, durationMs: 1000, width: 640, height: 360, hasAudio: false });

  beforeAll(async () => {
    target = await create();
    db = await openDatabase(target.url);
    ownerId = (await db.users.create({ displayName: 'Owner' })).id;
  });
  afterAll(async () => {
    await db?.close();
    await target?.drop();
  });

  it('one of many concurrent claims wins; the lease holder alone commits', async () => {
    const v = await video();
    const job = await db.transcodeJobs.add(v.id, 3);
    const claims = await Promise.all(['a', 'b', 'c', 'd'].map((w) => db.transcodeJobs.claim(w, 1000, at(0))));
    const winners = claims.filter((c) => c?.id === job.id);
    expect(winners).toHaveLength(1);
    const holder = winners[0]!.lockedBy!;
    expect(await db.transcodeJobs.renew(job.id, 'someone-else', at(2000), 50)).toBe(false);
    expect(await db.transcodeJobs.renew(job.id, holder, at(2000), 50)).toBe(true);
    expect(await db.videos.findById(v.id)).toMatchObject({ status: 'processing', progress: 50 });

    // The lease runs out (the holder stalled): another worker takes over; the stale commit is refused.
    const taken = await db.transcodeJobs.claim('e', 1000, at(2001));
    expect(taken).toMatchObject({ id: job.id, lockedBy: 'e', attempts: 2 });
    expect(await db.transcodeJobs.complete(job.id, holder, output, at(2100))).toBe(false);
    expect(await db.transcodeJobs.fail(job.id, holder, 'late', at(0), at(2100))).toBe('lost');
    expect(await db.transcodeJobs.complete(job.id, 'e', output, at(2200))).toBe(true);
    expect(await db.transcodeJobs.complete(job.id, 'e', output, at(2300))).toBe(false);
    expect(await db.videos.findById(v.id)).toMatchObject({ status: 'ready', renditions: [expect.objectContaining({ file: '360p-x.mp4' })] });
  });

  it('retries after a failed attempt, then fails for good; a dead worker on the last attempt ends failed', async () => {
    const v = await video();
    const job = await db.transcodeJobs.add(v.id, 2);
    await db.transcodeJobs.claim('a', 1000, at(0));
    expect(await db.transcodeJobs.fail(job.id, 'a', 'boom', at(5000), at(10))).toBe('retry');
    expect(await db.videos.findById(v.id)).toMatchObject({ status: 'queued', progress: 0 });
    expect(await db.transcodeJobs.claim('b', 1000, at(4000))).toBeNull(); // backoff not over
    expect(await db.transcodeJobs.claim('b', 1000, at(5000))).toMatchObject({ id: job.id, attempts: 2 });
    expect(await db.transcodeJobs.fail(job.id, 'b', 'boom again', at(9000), at(5010))).toBe('failed');
    expect(await db.videos.findById(v.id)).toMatchObject({ status: 'failed', error: 'boom again' });

    const w = await video();
    const last = await db.transcodeJobs.add(w.id, 1);
    await db.transcodeJobs.claim('c', 1000, at(0));
    expect(await db.transcodeJobs.claim('d', 1000, at(1001))).toBeNull();
    expect((await db.transcodeJobs.findByVideo(w.id))[0]).toMatchObject({ id: last.id, state: 'failed', error: expect.stringMatching(/worker .* stopped/) });
    expect(await db.videos.findById(w.id)).toMatchObject({ status: 'failed' });
  });

  it('a released job is queued again without spending an attempt', async () => {
    const v = await video();
    const job = await db.transcodeJobs.add(v.id, 1);
    await db.transcodeJobs.claim('a', 1000, at(0));
    expect(await db.transcodeJobs.release(job.id, 'a')).toBe(true);
    expect(await db.transcodeJobs.claim('b', 1000, at(1))).toMatchObject({ id: job.id, attempts: 1 });
  });
});
