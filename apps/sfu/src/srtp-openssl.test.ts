import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The worker's SRTP crypto for AES_CM_128_HMAC_SHA1_80/32 (the suite browsers negotiate) comes
// from OpenSSL instead of libsrtp2's NSS backend (worker-build/subprojects/libsrtp3/
// srtp_openssl.c). The C cross-check builds against the same Debian libraries as the worker.
const build = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../worker-build');
const dir = mkdtempSync(path.join(os.tmpdir(), 'srtp-openssl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('OpenSSL AES-128-ICM and HMAC-SHA1 for libsrtp2', () => {
  it('pass the RFC 3711 / RFC 2202 vectors and match libsrtp2 packet for packet, both ways', () => {
    const bin = path.join(dir, 'srtp_openssl_test');
    execFileSync('cc', ['-O2', '-Wall', '-Werror', `-I${build}/subprojects/libsrtp3`, '-o', bin, `${build}/test/srtp_openssl_test.c`, `${build}/subprojects/libsrtp3/srtp_openssl.c`, '-lsrtp2', '-lcrypto']);
    const out = execFileSync(bin, { encoding: 'utf8' });
    expect(out).toMatch(/^ok: RFC 3711 B\.2 and RFC 2202 self-tests passed; 16000 packets/);
  });

  it('stay off when the worker is told ROOMCAST_SRTP_CRYPTO=nss', () => {
    const bin = path.join(dir, 'srtp_openssl_test');
    // The check that the OpenSSL type is registered must then fail.
    expect(() => execFileSync(bin, { encoding: 'utf8', stdio: 'pipe', env: { ...process.env, ROOMCAST_SRTP_CRYPTO: 'nss' } })).toThrow(/is not the OpenSSL type/);
  });
});
