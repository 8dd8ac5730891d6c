import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBlob, jsonWithin } from './common.js';
import { LIMITS } from './limits.js';

// A plain recursive reference for small values: how many containers deep, and the size estimate
// jsonWithin uses (strings: length + 2, other scalars: 8, each key or array slot: length + 4).
function nesting(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(v).map(nesting));
}
function estimate(v: unknown): number {
  if (v === null || typeof v !== 'object') return typeof v === 'string' ? v.length + 2 : 8;
  const entries = Array.isArray(v) ? v.map((c) => ['', c] as const) : Object.entries(v);
  return entries.reduce((sum, [key, child]) => sum + key.length + 4 + estimate(child), 0);
}

/** `[[[…]]]` or `{"a":{"a":…}}` n containers deep, built without recursion. */
function deep(n: number, kind: 'array' | 'object'): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

describe('jsonWithin', () => {
  it('agrees with the recursive definition on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 4096 }), (value, maxDepth, maxBytes) => {
        expect(jsonWithin(value, maxDepth, maxBytes)).toBe(nesting(value) <= maxDepth && estimate(value) <= maxBytes);
      }),
      { numRuns: 500 },
    );
  });

  it('answers for any nesting, however deep, without overflowing the stack', () => {
    // Depths near the bound and far beyond it (5,000 levels overflowed the old recursive check).
    const around = fc.oneof(fc.integer({ min: -2, max: 2 }), fc.integer({ min: 0, max: 20_000 }));
    fc.assert(
      fc.property(around, fc.constantFrom('array' as const, 'object' as const), fc.integer({ min: 2, max: 64 }), (offset, kind, maxDepth) => {
        const n = maxDepth + offset;
        expect(jsonWithin(deep(n, kind), maxDepth, Number.POSITIVE_INFINITY)).toBe(n <= maxDepth);
      }),
      { numRuns: 200 },
    );
  });

  it('is monotone in both bounds', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.nat(8), fc.nat(2048), (value, d, b) => {
        if (jsonWithin(value, d, b)) expect(jsonWithin(value, d + 1, b) && jsonWithin(value, d, b + 1)).toBe(true);
      }),
    );
  });

  it('makes JsonBlob refuse a 5,000-level value with a parse error, not a crash', () => {
    const result = JsonBlob.safeParse({ codecs: deep(5_000, 'array') });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(new RegExp(`deeper than ${LIMITS.jsonBlobDepth}`));
    expect(JsonBlob.safeParse({ codecs: deep(LIMITS.jsonBlobDepth - 1, 'object') }).success).toBe(true);
  });
});
