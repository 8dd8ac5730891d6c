// The tus protocol by hand (POST, HEAD, PATCH), so tests can cut an upload off where they choose.
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { Client } from './test-app.js';

const TUS = { 'Tus-Resumable': '1.0.0' };
const b64 = (text: string) => Buffer.from(text).toString('base64');

export interface TusReply {
  status: number;
  headers: Headers;
  text: string;
}

async function call(client: Client, method: string, url: string, headers: Record<string, string>, body?: Uint8Array): Promise<TusReply> {
  const res = await fetch(new URL(url, client.base), {
    method,
    headers: { ...TUS, ...headers, ...(client.cookie ? { cookie: client.cookie } : {}) },
    ...(body ? { body } : {}),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** POST: creates an upload; `location` is where it lives. */
export async function createUpload(client: Client, length: number, metadata: Record<string, string>): Promise<TusReply & { location: string | null }> {
  const meta = Object.entries(metadata).map(([k, v]) => `${k} ${b64(v)}`).join(',');
  const reply = await call(client, 'POST', '/api/uploads', { 'Upload-Length': String(length), 'Upload-Metadata': meta });
  return { ...reply, location: reply.headers.get('location') };
}

export async function headOffset(client: Client, location: string): Promise<{ status: number; offset: number }> {
  const reply = await call(client, 'HEAD', location, {});
  return { status: reply.status, offset: Number(reply.headers.get('upload-offset') ?? NaN) };
}

export function patch(client: Client, location: string, offset: number, bytes: Uint8Array): Promise<TusReply> {
  return call(client, 'PATCH', location, { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' }, bytes);
}

/**
 * A PATCH that announces the whole rest but sends only `bytes`, waits for `stored()` (the server
 * has them), then drops the connection as a phone leaving Wi-Fi would.
 */
export function patchCutOff(client: Client, location: string, offset: number, bytes: Uint8Array, announced: number, stored: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(location, client.base), {
      method: 'PATCH',
      headers: {
        ...TUS,
        'Upload-Offset': String(offset),
        'Content-Type': 'application/offset+octet-stream',
        'Content-Length': String(announced),
        ...(client.cookie ? { cookie: client.cookie } : {}),
      },
    });
    req.on('error', () => {}); // the drop is the point
    req.flushHeaders();
    req.write(bytes, (error) => {
      if (error) return reject(error);
      stored().then(() => {
        req.destroy();
        resolve();
      }, reject);
    });
  });
}

/** A whole upload in one PATCH. */
export async function uploadFile(client: Client, bytes: Uint8Array, metadata: Record<string, string>): Promise<TusReply> {
  const created = await createUpload(client, bytes.length, metadata);
  if (created.status !== 201 || !created.location) return created;
  return patch(client, created.location, 0, bytes);
}

/** Resolves once `file` holds at least `bytes` bytes (the server streams uploads to disk as they come). */
export async function fileReaches(file: string, bytes: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const size = (await stat(file).catch(() => null))?.size ?? 0;
    if (size >= bytes) return;
    if (Date.now() > deadline) throw new Error(`${file} has ${size} of ${bytes} bytes after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
