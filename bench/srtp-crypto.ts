/**
 * SRTP crypto cost per packet: libsrtp2's NSS types (Debian) vs the OpenSSL types our worker
 * registers, in one process, alternating. Needs cc, libsrtp2-dev and libssl-dev (the worker build's).
 *
 *   pnpm bench:srtp [rounds=3]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const compat = path.resolve(here, '../apps/sfu/worker-build/subprojects/libsrtp3');
const dir = mkdtempSync(path.join(os.tmpdir(), 'srtp-crypto-'));
try {
  const bin = path.join(dir, 'srtp-crypto');
  execFileSync('cc', ['-O2', `-I${compat}`, '-o', bin, path.join(here, 'srtp-crypto.c'), path.join(compat, 'srtp_openssl.c'), '-lsrtp2', '-lcrypto']);
  execFileSync(bin, [process.argv[2] ?? '3'], { stdio: 'inherit' });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
