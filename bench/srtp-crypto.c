/*
 * SRTP protect cost per packet on AES_CM_128_HMAC_SHA1_80 (the suite browsers negotiate):
 * Debian libsrtp2's own NSS types against the OpenSSL types the worker registers
 * (apps/sfu/worker-build/subprojects/libsrtp3/srtp_openssl.c), alternating, process CPU time.
 * Built and run by srtp-crypto.ts.
 */
#include <openssl/rand.h>
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "srtp_openssl.h"

#define PACKETS 200000
#define PAYLOAD 240 /* ~ Opus at 96 kb/s in 20 ms */

static double cpu_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* µs of CPU per packet protected by a fresh outbound session of the currently registered types. */
static double protect_cost(void) {
  uint8_t key[30], buf[12 + PAYLOAD + SRTP_MAX_TRAILER_LEN];
  RAND_bytes(key, sizeof key);
  srtp_policy_t policy;
  memset(&policy, 0, sizeof policy);
  srtp_crypto_policy_set_rtp_default(&policy.rtp);
  srtp_crypto_policy_set_rtp_default(&policy.rtcp);
  policy.ssrc.type = ssrc_any_outbound;
  policy.key = key;
  policy.window_size = 1024;
  srtp_t session;
  if (srtp_create(&session, &policy) != srtp_err_status_ok) return -1;
  RAND_bytes(buf, sizeof buf);
  double t0 = cpu_now();
  for (int i = 0; i < PACKETS; i++) {
    buf[0] = 0x80, buf[1] = 111, buf[2] = (uint8_t)(i >> 8), buf[3] = (uint8_t)i;
    int len = 12 + PAYLOAD;
    if (srtp_protect(session, buf, &len) != srtp_err_status_ok) return -1;
  }
  double us = (cpu_now() - t0) / PACKETS * 1e6;
  srtp_dealloc(session);
  return us;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 3;
  if (srtp_init() != srtp_err_status_ok) return 1;
  printf("SRTP protect, AES_CM_128_HMAC_SHA1_80, %d-byte RTP packets, %d per window, CPU µs per packet\n", 12 + PAYLOAD, PACKETS);
  printf("round | libsrtp2 NSS | OpenSSL types | NSS / OpenSSL\n");
  for (int r = 1; r <= rounds; r++) {
    /* Types are process-wide: NSS, then switch to OpenSSL, then back for the next round. */
    setenv("ROOMCAST_SRTP_CRYPTO", "nss", 1);
    srtp_shutdown();
    srtp_init();
    double nss = protect_cost();
    unsetenv("ROOMCAST_SRTP_CRYPTO");
    if (roomcast_srtp_use_openssl() != srtp_err_status_ok) return 1;
    double ossl = protect_cost();
    printf("%5d | %12.3f | %13.3f | %13.2f\n", r, nss, ossl, nss / ossl);
  }
  return 0;
}
