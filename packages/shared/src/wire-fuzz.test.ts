import { describe, expect, it } from 'vitest';
import { fc, fuzzSeed, messageFor, textFor } from '@roomcast/testkit/fuzz';
import { ChatWire, parseChatWire } from './dj.js';
import { AgentRequest, AgentResponse, decodeChunk, parseAgentMessage } from './library.js';
import { MeshMessage, parseMeshMessage } from './party.js';

// The data-channel parsers take whatever a peer sends: 10,000+ generated messages each, valid,
// mutated and garbage, and every one is either a value the schema accepts or a clean refusal.
const seed = fuzzSeed();
const RUNS = 12_000;
const settings = { seed, numRuns: RUNS, endOnFailure: true } as const;
const polluted = () => ({}) as Record<string, unknown>;

describe(`data-channel parsers under fuzz (seed ${seed}, FUZZ_SEED replays)`, () => {
  it(`mesh messages: parseMeshMessage never throws and returns only schema-valid messages (${RUNS})`, () => {
    fc.assert(fc.property(fc.oneof(textFor(MeshMessage), messageFor(MeshMessage)), (raw) => {
      const out = parseMeshMessage(raw);
      if (out !== undefined) expect(MeshMessage.safeParse(out).success).toBe(true);
    }), settings);
    expect(polluted().polluted).toBeUndefined();
  });

  it(`DJ chat wire: parseChatWire never throws, text or bytes (${RUNS})`, () => {
    fc.assert(fc.property(textFor(ChatWire), fc.boolean(), (text, asBytes) => {
      const out = parseChatWire(asBytes ? new TextEncoder().encode(text).buffer : text);
      if (out !== undefined) expect(ChatWire.safeParse(out).success).toBe(true);
    }), settings);
    expect(parseChatWire(JSON.stringify({ type: 'delete', id: 'x'.repeat(5000) }))).toBeUndefined();
    expect(polluted().polluted).toBeUndefined();
  });

  it(`library agent protocol: parseAgentMessage answers a typed error or a valid request; decodeChunk never throws (${RUNS} each)`, () => {
    fc.assert(fc.property(textFor(AgentRequest), (text) => {
      const out = parseAgentMessage(AgentRequest, text);
      if (out.ok) expect(AgentRequest.safeParse(out.value).success).toBe(true);
      else expect(['bad_request', 'payload_too_large']).toContain(out.error.code);
    }), settings);
    fc.assert(fc.property(textFor(AgentResponse), (text) => {
      const out = parseAgentMessage(AgentResponse, text);
      if (!out.ok) expect(out.id === null || (Number.isInteger(out.id) && out.id >= 0)).toBe(true);
    }), settings);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 70_000 }), fc.boolean(), (bytes, asBuffer) => {
      const out = decodeChunk(asBuffer ? bytes.buffer : bytes);
      if (out) expect(out.bytes.byteLength).toBe(bytes.byteLength - 4);
    }), { ...settings, numRuns: 2_000 });
    expect(polluted().polluted).toBeUndefined();
  });
});
