import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentRequest, AgentResponse, ErrorCode, parseAgentMessage } from '@roomcast/shared';
import { fc, fuzzSeed, textFor } from '@roomcast/testkit/fuzz';
import type { Carrier } from './carrier.js';
import { Catalog } from './catalog.js';
import { FairLimiter } from './fair-limiter.js';
import { IndexDb } from './index-db.js';
import { PeerServer, TranscodeSlots } from './peer-server.js';
import { scan } from './scanner.js';
import { FIXTURE, makeTrack } from './testing/fixture.js';

// The agent answers strangers' data-channel messages: 10,000+ generated requests (valid-shaped
// with the real track's id mixed in, mutated, garbage) each get one typed answer or, when no id
// can be read, silence — never a throw, never `internal`.
const seed = fuzzSeed();
const RUNS = 10_000;

/** A carrier that records what the agent sends and wakes whoever waits for an answer id. */
class RecordingCarrier implements Carrier {
  readonly kind = 'relay';
  readonly closed = false;
  bytesSent = 0;
  readonly answers: AgentResponse[] = [];
  #waiters = new Map<number, (r: AgentResponse) => void>();
  sendText(text: string): void {
    const answer = AgentResponse.parse(JSON.parse(text));
    this.answers.push(answer);
    this.#waiters.get(answer.id)?.(answer);
    this.#waiters.delete(answer.id);
  }
  sendBinary(bytes: Uint8Array): void {
    this.bytesSent += bytes.byteLength;
  }
  async ready(): Promise<void> {}
  release(): void {}
  acked(): void {}
  next(id: number): Promise<AgentResponse> {
    return new Promise((resolve) => this.#waiters.set(id, resolve));
  }
}

let work: string;
let index: IndexDb;
let trackId: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'roomcast-agent-fuzz-'));
  await makeTrack(path.join(work, 'Music/A/B/01 Tone.wav'), FIXTURE[6]!, 1);
  index = IndexDb.open(path.join(work, 'index.sqlite'));
  await scan(index, [path.join(work, 'Music')]);
  trackId = new Catalog(index).tracks({ offset: 0, limit: 1 }).tracks[0]!.id;
});
afterAll(async () => {
  index?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe(`agent protocol handler under fuzz (seed ${seed}, FUZZ_SEED replays)`, () => {
  it(`answers ${RUNS} generated requests with a typed answer each, or nothing when no id can be read`, async () => {
    const carrier = new RecordingCarrier();
    // No ffmpeg slots: a valid transcode is answered rate_limited after every check but the spawn
    // (transcode.test.ts runs ffmpeg; hundreds of encodes here would only measure the CPU).
    const server = new PeerServer(new Catalog(index), carrier, new FairLimiter(undefined), 'fuzzer', new TranscodeSlots(0));
    // Valid-shaped requests name the real track now and then, so reads and covers run to the end.
    const withTrack = textFor(AgentRequest).map((t) => t.replace(/"trackId":"[^"]*"/, (m) => (m.length % 3 === 0 ? `"trackId":"${trackId}"` : m)));
    let answered = 0;
    let acks = 0;
    await fc.assert(fc.asyncProperty(withTrack, async (text) => {
      const parsed = parseAgentMessage(AgentRequest, text);
      // An ack has no id: it is answered by nothing.
      const id = parsed.ok ? ('id' in parsed.value ? parsed.value.id : null) : parsed.id;
      // Ack-shaped texts (valid or mutated) carry no id, so nothing answers them.
      if (text.includes('"ack"')) acks++;
      const answer = id === null ? undefined : carrier.next(id);
      server.receive(text);
      if (!answer) return;
      const got = await answer;
      answered++;
      if (!got.ok) {
        expect(ErrorCode.options).toContain(got.error.code);
        expect(got.error.code, JSON.stringify({ text: text.slice(0, 300), got })).not.toBe('internal');
      }
    }), { seed, numRuns: RUNS, endOnFailure: true });
    server.close();
    expect(answered).toBeGreaterThan((RUNS - acks) / 2);
  }, 60_000);
});
