import fc from 'fast-check';
import type { z } from 'zod';

/**
 * Messages for fuzzing, derived from the wire's zod schemas: valid-shaped values (walked from
 * the schema, so a new field or event is covered with no edit here), the same values mutated
 * where a hostile client would (wrong types, huge or odd strings, deep nesting, prototype keys,
 * NaN and huge numbers), and plain garbage.
 */
export { fc };

/** The seed of a fuzz run: FUZZ_SEED to replay one, otherwise fixed so CI is repeatable. */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = Number(env.FUZZ_SEED);
  return Number.isInteger(given) ? given : 20_261_202;
}

type Def = { type: string; [key: string]: unknown };
type Bag = { minimum?: number; maximum?: number; minLength?: number; maxLength?: number; patterns?: Set<RegExp>; format?: string };
const internals = (schema: unknown): { def: Def; bag: Bag } => (schema as { _zod: { def: Def; bag: Bag } })._zod;

const MAX_DEPTH = 6;

/** A value of roughly the schema's shape, mostly valid (formats and patterns are followed). */
export function zodArbitrary(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  const { def, bag } = internals(schema);
  if (depth > MAX_DEPTH) return fc.constant(null);
  const inner = (s: unknown) => zodArbitrary(s as z.ZodType, depth + 1);
  switch (def.type) {
    case 'string': {
      const pattern = bag.patterns ? [...bag.patterns][0] : undefined;
      if (bag.format === 'email') return fc.emailAddress();
      if (pattern) return fc.stringMatching(pattern);
      const minLength = bag.minLength ?? 0;
      return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(bag.maxLength ?? 64, 256)), unit: 'grapheme' });
    }
    case 'number':
    case 'int': {
      const min = Number.isFinite(bag.minimum) ? bag.minimum! : -1e9;
      const max = Number.isFinite(bag.maximum) ? bag.maximum! : 1e9;
      const isInt = def.type === 'int' || bag.format === 'safeint' || bag.format === 'int32' || bag.format === 'uint32';
      return isInt ? fc.integer({ min: Math.ceil(Math.max(min, -(2 ** 31))), max: Math.floor(Math.min(max, 2 ** 31)) }) : fc.double({ min, max, noNaN: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'undefined':
    case 'void':
      return fc.constant(undefined);
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, unknown>));
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      return fc.record(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, inner(v)])));
    }
    case 'array':
      return fc.array(inner(def.element), { minLength: bag.minLength ?? 0, maxLength: Math.max(bag.minLength ?? 0, Math.min(bag.maxLength ?? 4, 8)) });
    case 'tuple':
      return fc.tuple(...(def.items as unknown[]).map(inner));
    case 'record':
      return fc.dictionary(fc.string({ maxLength: 16 }), inner(def.valueType), { maxKeys: 4 });
    case 'union':
      return fc.oneof(...(def.options as unknown[]).map(inner));
    case 'intersection':
      return fc.tuple(inner(def.left), inner(def.right)).map(([a, b]) => (isPlainObject(a) && isPlainObject(b) ? { ...a, ...b } : a));
    case 'optional':
      return fc.option(inner(def.innerType), { nil: undefined, freq: 4 });
    case 'nullable':
      return fc.option(inner(def.innerType), { nil: null, freq: 4 });
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return inner(def.innerType);
    case 'pipe':
      return inner(def.in);
    case 'lazy':
      return inner((def.getter as () => unknown)());
    default:
      // unknown, any, transform, custom: anything JSON can carry.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `[[[…]]]` n deep, built without recursion. */
export function deepNesting(n: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < n; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** Values a hostile client puts where a field should be. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(NaN, Infinity, -Infinity, -0, -1, 2 ** 53, -(2 ** 53), 1e308, 4_294_967_296, '', ' ', null, undefined, true, false, [], {}, '0', 'null', '__proto__', 'constructor'),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 32 }).map((s) => s.repeat(1 + (s.length % 7) * 300)),
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 10, max: 400 }).map((n) => deepNesting(n)),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true}}') as unknown),
  fc.constant({ constructor: { prototype: { polluted: true } } }),
  fc.double(),
  fc.bigInt().map((b) => Number(b)),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A valid-shaped value with one spot replaced, a key added or the whole wrapped. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), hostileValue, fc.constantFrom('replace', 'addKey', 'protoKey', 'drop', 'wrap')).map(([value, pick, hostile, how]) => {
    const copy = structuredCloneSafe(value);
    const spots = objectSpots(copy);
    if (spots.length === 0 || how === 'wrap') return how === 'wrap' ? [copy, hostile] : hostile;
    const [holder, key] = spots[pick % spots.length]!;
    if (how === 'replace') holder[key] = hostile;
    else if (how === 'drop') delete holder[key];
    else if (how === 'addKey') holder[`k${pick % 1000}`] = hostile;
    else Object.defineProperty(holder, pick % 2 ? '__proto__' : 'constructor', { value: hostile, enumerable: true, configurable: true, writable: true });
    return copy;
  });
}

function structuredCloneSafe(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value) ?? 'null') as unknown);
}

/** Every (container, key) inside a value, so a mutation can land at any depth. */
function objectSpots(value: unknown): [Record<string, unknown>, string][] {
  const out: [Record<string, unknown>, string][] = [];
  const stack = [value];
  while (stack.length > 0 && out.length < 200) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    for (const key of Object.keys(v)) {
      out.push([v as Record<string, unknown>, key]);
      stack.push((v as Record<string, unknown>)[key]);
    }
  }
  return out;
}

/** Anything at all, with no regard for the schema. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(fc.anything({ maxDepth: 3 }), hostileValue, fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)));

/** For one schema: valid-shaped, mutated or garbage, in roughly 2:2:1 proportion. */
export function messageFor(schema: z.ZodType): fc.Arbitrary<unknown> {
  const valid = zodArbitrary(schema);
  return fc.oneof({ arbitrary: valid, weight: 2 }, { arbitrary: mutated(valid), weight: 2 }, { arbitrary: garbage, weight: 1 });
}

/** JSON text for a schema, as a data channel would carry it: valid, mutated, or not JSON at all. */
export function textFor(schema: z.ZodType): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: messageFor(schema).map((v) => JSON.stringify(v) ?? 'undefined'), weight: 8 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: 200_000 }).map((n) => `{"a":"${'x'.repeat(n)}"}`), weight: 1 },
  );
}
