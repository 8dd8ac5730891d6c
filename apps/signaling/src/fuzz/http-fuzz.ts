import { gzipSync } from 'node:zlib';
import { ErrorCode, HTTP_STATUS, HttpError, LIMITS } from '@roomcast/shared';
import { fc, garbage, hostileValue, messageFor } from '@roomcast/testkit/fuzz';
import type { RouteEntry } from '../http/route-table.js';

export interface HttpMessage {
  route: RouteEntry;
  url: string;
  body: Buffer | string | undefined;
  headers: Record<string, string>;
  /** Which of the fuzzer's sessions sends it (index into the cookie list; -1: none). */
  who: number;
}

/** Percent-encodes a segment; a lone surrogate (not encodable) goes in as raw bytes' escapes. */
function encodeSegment(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

/** A path parameter: a real id now and then, a plausible one, or something hostile. */
function segment(realIds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...realIds),
    fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    hostileValue.map((v) => String(typeof v === 'object' ? JSON.stringify(v) : v).slice(0, 3000)),
    fc.constantFrom('..', '%2e%2e%2f', '%00', '%ff%fe', '__proto__', 'constructor', '%E0%A4%A', 'a'.repeat(5000)),
  ).map((s) => (/%/.test(s) ? s : encodeSegment(s)));
}

/** A query string: the route's schema when it has one, or any keys at all (repeated ones become arrays). */
function query(route: RouteEntry): fc.Arbitrary<string> {
  const fromSchema = route.query ? messageFor(route.query) : fc.constant(undefined);
  const pairs = fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 })), { maxLength: 4 });
  return fc.oneof(
    fromSchema.map((v) => (v && typeof v === 'object' ? new URLSearchParams(Object.entries(v).map(([k, x]): [string, string] => [k, typeof x === 'object' ? String(JSON.stringify(x)) : String(x)])).toString() : '')),
    pairs.map((p) => new URLSearchParams(p).toString()),
    fc.constantFrom('', 'a[b][c][d]=1', 'limit=1e309&offset=-1', '__proto__[x]=1', '%', 'x=%ZZ', `q=${'a'.repeat(10_000)}`),
  );
}

const JSON_TYPE = 'application/json';

/** A body: the route's schema (valid-shaped or mutated) as JSON, or text that is not what it claims. */
type Payload = { body: Buffer | string | undefined; headers: Record<string, string> };

function body(route: RouteEntry): fc.Arbitrary<Payload> {
  const json = route.body ? messageFor(route.body) : garbage;
  return fc.oneof(
    { weight: 6, arbitrary: json.map((v): Payload => ({ body: JSON.stringify(v) ?? 'null', headers: { 'content-type': JSON_TYPE } })) },
    { weight: 1, arbitrary: fc.constant<Payload>({ body: undefined, headers: {} }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }).map((s): Payload => ({ body: s, headers: { 'content-type': JSON_TYPE } })) },
    {
      weight: 1,
      arbitrary: fc.tuple(json, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/offset+octet-stream', '', 'application/json; charset=utf-16')).map(([v, type]): Payload => ({ body: JSON.stringify(v) ?? '', headers: { 'content-type': type } })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Payload>(
        { body: 'x'.repeat(LIMITS.httpBodyBytes + 10), headers: { 'content-type': JSON_TYPE } },
        { body: gzipSync(Buffer.alloc(2_000_000, 0x20)), headers: { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' } },
        { body: '{"a":1}', headers: { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' } },
        { body: '{"a":1}', headers: { 'content-type': JSON_TYPE, 'content-encoding': 'compress' } },
        { body: `${'['.repeat(20_000)}${']'.repeat(20_000)}`, headers: { 'content-type': JSON_TYPE } },
        { body: Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff]), headers: { 'content-type': JSON_TYPE } },
        { body: '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}', headers: { 'content-type': JSON_TYPE } },
      ),
    },
  );
}

/** Every message for one route: its path filled in, a query, a body and one of the sessions. */
export function httpMessages(route: RouteEntry, realIds: readonly string[], sessions: number): fc.Arbitrary<HttpMessage> {
  const names = route.path.match(/:\w+/g) ?? [];
  return fc
    .record({
      params: fc.tuple(...names.map(() => segment(realIds))),
      query: query(route),
      payload: body(route),
      who: fc.integer({ min: -1, max: sessions - 1 }),
      headers: fc.dictionary(fc.constantFrom('origin', 'x-forwarded-for', 'accept', 'range', 'tus-resumable', 'upload-length', 'upload-offset', 'upload-metadata'), fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')), { maxKeys: 3 }),
    })
    .map(({ params, query: q, payload, who, headers }) => {
      let i = 0;
      const path = route.path.replace(/:\w+/g, () => params[i++]!);
      const noBody = route.method === 'GET' || route.method === 'HEAD';
      return { route, url: q ? `${path}?${q}` : path, body: noBody ? undefined : payload.body, headers: { ...headers, ...(noBody ? {} : payload.headers) }, who };
    });
}

/** What is wrong with an answer, or undefined for a success or a typed refusal with the right status. */
export async function judgeResponse(route: RouteEntry, res: Response): Promise<string | undefined> {
  const text = await res.text();
  if (res.status >= 500) return `status ${res.status}: ${text.slice(0, 300)}`;
  // 431: Node's HTTP parser refuses a request line and headers over 16 KiB before any handler runs.
  if (res.status < 400 || route.foreign || res.status === 431) return undefined;
  let parsed: ReturnType<typeof HttpError.safeParse>;
  try {
    parsed = HttpError.safeParse(JSON.parse(text));
  } catch {
    return `status ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  if (!parsed.success) return `status ${res.status} without { error: { code } }: ${text.slice(0, 200)}`;
  const code = parsed.data.error.code;
  if (!ErrorCode.options.includes(code) || HTTP_STATUS[code] !== res.status) return `status ${res.status} with code ${code} (expected ${HTTP_STATUS[code]})`;
  return undefined;
}
