import { createHash, createHmac, randomBytes } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { crc32 } from 'node:zlib';

/**
 * STUN/TURN message encoding (RFC 8489, RFC 8656): just what an Allocate → CreatePermission →
 * Send/Data loop needs, with long-term-credential MESSAGE-INTEGRITY and FINGERPRINT.
 */

export const MAGIC_COOKIE = 0x2112a442;
export const Method = { Binding: 0x001, Allocate: 0x003, Refresh: 0x004, Send: 0x006, Data: 0x007, CreatePermission: 0x008 } as const;
export const Class = { Request: 0x000, Indication: 0x010, Success: 0x100, Error: 0x110 } as const;
export const Attr = {
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  Lifetime: 0x000d,
  XorPeerAddress: 0x0012,
  Data: 0x0013,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorRelayedAddress: 0x0016,
  RequestedAddressFamily: 0x0017,
  RequestedTransport: 0x0019,
  XorMappedAddress: 0x0020,
  Fingerprint: 0x8028,
} as const;

export interface Address {
  ip: string;
  port: number;
}

export interface StunMessage {
  method: number;
  cls: number;
  transactionId: Buffer;
  attrs: { type: number; value: Buffer }[];
}

export const attr = (m: StunMessage, type: number): Buffer | undefined => m.attrs.find((a) => a.type === type)?.value;

export function newTransactionId(): Buffer {
  return randomBytes(12);
}

/** MD5(username:realm:password): the long-term credential key. */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return createHash('md5').update(`${username}:${realm}:${password}`).digest();
}

function header(method: number, cls: number, bodyLength: number, transactionId: Buffer): Buffer {
  const h = Buffer.alloc(20);
  // The class bits sit at positions 4 and 8 of the type; methods below 0x10 need no shuffling.
  h.writeUInt16BE(method | cls, 0);
  h.writeUInt16BE(bodyLength, 2);
  h.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(h, 8);
  return h;
}

function tlv(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

/** Encodes a message; with `key` it appends MESSAGE-INTEGRITY, and always FINGERPRINT. */
export function encode(m: Omit<StunMessage, 'attrs'> & { attrs: { type: number; value: Buffer }[] }, key?: Buffer): Buffer {
  let body = Buffer.concat(m.attrs.map((a) => tlv(a.type, a.value)));
  if (key) {
    // The length field covers MESSAGE-INTEGRITY itself while the HMAC is computed.
    const mac = createHmac('sha1', key).update(Buffer.concat([header(m.method, m.cls, body.length + 24, m.transactionId), body])).digest();
    body = Buffer.concat([body, tlv(Attr.MessageIntegrity, mac)]);
  }
  const crc = crc32(Buffer.concat([header(m.method, m.cls, body.length + 8, m.transactionId), body]));
  const fp = Buffer.alloc(4);
  fp.writeUInt32BE((crc ^ 0x5354554e) >>> 0, 0);
  body = Buffer.concat([body, tlv(Attr.Fingerprint, fp)]);
  return Buffer.concat([header(m.method, m.cls, body.length, m.transactionId), body]);
}

/** Length of the STUN message at the start of `buf` (for TCP framing), or 0 when incomplete. */
export function frameLength(buf: Buffer): number {
  if (buf.length < 20) return 0;
  const total = 20 + buf.readUInt16BE(2);
  return buf.length >= total ? total : 0;
}

export function decode(buf: Buffer): StunMessage | null {
  if (buf.length < 20 || (buf[0]! & 0xc0) !== 0 || buf.readUInt32BE(4) !== MAGIC_COOKIE) return null;
  const type = buf.readUInt16BE(0);
  const length = buf.readUInt16BE(2);
  if (buf.length < 20 + length) return null;
  const attrs: StunMessage['attrs'] = [];
  for (let at = 20; at + 4 <= 20 + length; ) {
    const t = buf.readUInt16BE(at);
    const len = buf.readUInt16BE(at + 2);
    attrs.push({ type: t, value: buf.subarray(at + 4, at + 4 + len) });
    at += 4 + Math.ceil(len / 4) * 4;
  }
  return { method: type & 0x3eef, cls: type & 0x0110, transactionId: buf.subarray(8, 20), attrs };
}

export function xorAddress(address: Address, transactionId: Buffer): Buffer {
  const v4 = isIPv4(address.ip);
  const out = Buffer.alloc(v4 ? 8 : 20);
  out.writeUInt8(v4 ? 0x01 : 0x02, 1);
  out.writeUInt16BE(address.port ^ (MAGIC_COOKIE >>> 16), 2);
  const raw = v4 ? Buffer.from(address.ip.split('.').map(Number)) : ipv6Bytes(address.ip);
  const mask = Buffer.concat([Buffer.from([0x21, 0x12, 0xa4, 0x42]), transactionId]);
  for (let i = 0; i < raw.length; i++) out[4 + i] = raw[i]! ^ mask[i]!;
  return out;
}

/** @throws Error on a value too short for its address family (a malformed or hostile message). */
export function readXorAddress(value: Buffer, transactionId: Buffer): Address {
  const v4 = value.length >= 2 && value.readUInt8(1) === 0x01;
  if (value.length < (v4 ? 8 : 20)) throw new Error(`malformed XOR address attribute (${value.length} bytes)`);
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const mask = Buffer.concat([Buffer.from([0x21, 0x12, 0xa4, 0x42]), transactionId]);
  const raw = Buffer.alloc(v4 ? 4 : 16);
  for (let i = 0; i < raw.length; i++) raw[i] = value[4 + i]! ^ mask[i]!;
  if (v4) return { ip: [...raw].join('.'), port };
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(raw.readUInt16BE(i).toString(16));
  return { ip: groups.join(':'), port };
}

/** Expands any IPv6 text form (`::`, embedded IPv4 as in `::ffff:127.0.0.1`) to 16 bytes. */
export function ipv6Bytes(ip: string): Buffer {
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return out;
}

export function errorCode(m: StunMessage): { code: number; reason: string } | undefined {
  const v = attr(m, Attr.ErrorCode);
  if (!v || v.length < 4) return undefined;
  return { code: (v[2]! & 0x07) * 100 + v[3]!, reason: v.subarray(4).toString('utf8') };
}
