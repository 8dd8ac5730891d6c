/*
 * Cross-check of srtp_openssl.c against Debian libsrtp2's own (NSS) types, both ways, for the
 * two AES-CM + HMAC-SHA1 profiles: thousands of random RTP and RTCP packets (sequence numbers
 * across a rollover, random payload sizes) protected by NSS sessions, then by OpenSSL sessions
 * with the same keys — the bytes must be identical — and each side's output unprotected by the
 * other side's session. Registering the types runs libsrtp2's self-test with the RFC 3711 B.2
 * and RFC 2202 vectors. A flipped bit must fail authentication. Exit status 0 on success.
 *
 *   cc -O2 -I../subprojects/libsrtp3 srtp_openssl_test.c ../subprojects/libsrtp3/srtp_openssl.c -lsrtp2 -lcrypto
 */
#include <openssl/rand.h>
#include <srtp2/cipher.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srtp_openssl.h"

#define PACKETS 4000
#define MAX_PAYLOAD 1200
#define BUF (12 + MAX_PAYLOAD + SRTP_MAX_TRAILER_LEN + 16)

srtp_err_status_t srtp_crypto_kernel_alloc_cipher(srtp_cipher_type_id_t id, srtp_cipher_pointer_t *cp, int key_len, int tag_len);

typedef struct {
  uint8_t data[BUF];
  int len;
} packet;

static int failures;
#define CHECK(cond, ...)                  \
  do {                                    \
    if (!(cond)) {                        \
      fprintf(stderr, "FAIL: " __VA_ARGS__); \
      fprintf(stderr, "\n");              \
      if (++failures > 20) exit(1);       \
    }                                     \
  } while (0)

static unsigned rnd(unsigned n) {
  unsigned v;
  RAND_bytes((uint8_t *)&v, sizeof v);
  return v % n;
}

static srtp_t session(const char *name, void (*profile)(srtp_crypto_policy_t *), uint8_t *key, srtp_ssrc_type_t direction) {
  srtp_policy_t policy;
  memset(&policy, 0, sizeof policy);
  profile(&policy.rtp);
  profile(&policy.rtcp);
  policy.ssrc.type = direction;
  policy.key = key;
  policy.window_size = 1024;
  srtp_t s = NULL;
  srtp_err_status_t status = srtp_create(&s, &policy);
  if (status != srtp_err_status_ok) {
    fprintf(stderr, "FAIL: srtp_create %s: %d\n", name, status);
    exit(1);
  }
  return s;
}

typedef struct {
  const char *name;
  void (*profile)(srtp_crypto_policy_t *);
  uint8_t key[30];
  packet rtp[PACKETS], rtcp[PACKETS];           /* plaintext */
  packet nss_rtp[PACKETS], nss_rtcp[PACKETS];   /* protected by NSS */
  srtp_t nss_in;
} suite;

static void make_packets(suite *s) {
  uint32_t ssrc;
  RAND_bytes((uint8_t *)&ssrc, sizeof ssrc);
  uint16_t seq = (uint16_t)(65535 - PACKETS / 2); /* the ROC rolls over halfway */
  for (int i = 0; i < PACKETS; i++, seq++) {
    packet *p = &s->rtp[i];
    int payload = 1 + (int)rnd(MAX_PAYLOAD);
    p->data[0] = 0x80;
    p->data[1] = 111;
    p->data[2] = (uint8_t)(seq >> 8);
    p->data[3] = (uint8_t)seq;
    uint32_t ts = 960u * (uint32_t)i;
    for (int k = 0; k < 4; k++) p->data[4 + k] = (uint8_t)(ts >> (24 - 8 * k)), p->data[8 + k] = (uint8_t)(ssrc >> (24 - 8 * k));
    RAND_bytes(p->data + 12, payload);
    p->len = 12 + payload;
    packet *c = &s->rtcp[i];
    int words = 1 + (int)rnd(MAX_PAYLOAD / 4);
    c->data[0] = 0x80;
    c->data[1] = 201; /* RR */
    c->data[2] = (uint8_t)(words >> 8);
    c->data[3] = (uint8_t)words;
    for (int k = 0; k < 4; k++) c->data[4 + k] = (uint8_t)(ssrc >> (24 - 8 * k));
    RAND_bytes(c->data + 8, 4 * words - 4);
    c->len = 4 + 4 * words;
  }
}

int main(void) {
  suite *suites = calloc(2, sizeof *suites);
  suites[0].name = "AES_CM_128_HMAC_SHA1_80";
  suites[0].profile = srtp_crypto_policy_set_rtp_default; /* AES_CM_128_HMAC_SHA1_80 */
  suites[1].name = "AES_CM_128_HMAC_SHA1_32";
  suites[1].profile = srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32;

  if (srtp_init() != srtp_err_status_ok) return 1;
  /* 1. libsrtp2's own types (NSS). */
  for (int n = 0; n < 2; n++) {
    suite *s = &suites[n];
    RAND_bytes(s->key, sizeof s->key);
    make_packets(s);
    srtp_t out = session("nss out", s->profile, s->key, ssrc_any_outbound);
    s->nss_in = session("nss in", s->profile, s->key, ssrc_any_inbound);
    for (int i = 0; i < PACKETS; i++) {
      s->nss_rtp[i] = s->rtp[i];
      s->nss_rtcp[i] = s->rtcp[i];
      CHECK(srtp_protect(out, s->nss_rtp[i].data, &s->nss_rtp[i].len) == srtp_err_status_ok, "%s nss protect %d", s->name, i);
      CHECK(srtp_protect_rtcp(out, s->nss_rtcp[i].data, &s->nss_rtcp[i].len) == srtp_err_status_ok, "%s nss protect_rtcp %d", s->name, i);
    }
    srtp_dealloc(out);
  }

  /* 2. The OpenSSL types (self-tested with the RFC vectors as they are registered). */
  srtp_err_status_t status = roomcast_srtp_use_openssl();
  if (status != srtp_err_status_ok) {
    fprintf(stderr, "FAIL: roomcast_srtp_use_openssl: %d (self-test with the RFC vectors)\n", status);
    return 1;
  }
  srtp_cipher_t *probe = NULL;
  if (srtp_crypto_kernel_alloc_cipher(SRTP_AES_ICM_128, &probe, 30, 0) != srtp_err_status_ok || strstr(probe->type->description, "OpenSSL") == NULL) {
    fprintf(stderr, "FAIL: AES-128-ICM is not the OpenSSL type after registration\n");
    return 1;
  }
  srtp_cipher_dealloc(probe);

  long compared = 0;
  for (int n = 0; n < 2; n++) {
    suite *s = &suites[n];
    srtp_t out = session("openssl out", s->profile, s->key, ssrc_any_outbound);
    srtp_t in = session("openssl in", s->profile, s->key, ssrc_any_inbound);
    for (int i = 0; i < PACKETS; i++) {
      packet p = s->rtp[i], c = s->rtcp[i];
      /* OpenSSL protects: the same bytes as NSS; NSS unprotects it. */
      CHECK(srtp_protect(out, p.data, &p.len) == srtp_err_status_ok, "%s openssl protect %d", s->name, i);
      CHECK(p.len == s->nss_rtp[i].len && memcmp(p.data, s->nss_rtp[i].data, p.len) == 0, "%s SRTP %d differs from NSS", s->name, i);
      CHECK(srtp_protect_rtcp(out, c.data, &c.len) == srtp_err_status_ok, "%s openssl protect_rtcp %d", s->name, i);
      CHECK(c.len == s->nss_rtcp[i].len && memcmp(c.data, s->nss_rtcp[i].data, c.len) == 0, "%s SRTCP %d differs from NSS", s->name, i);
      CHECK(srtp_unprotect(s->nss_in, p.data, &p.len) == srtp_err_status_ok && p.len == s->rtp[i].len && memcmp(p.data, s->rtp[i].data, p.len) == 0,
            "%s NSS cannot unprotect OpenSSL's SRTP %d", s->name, i);
      CHECK(srtp_unprotect_rtcp(s->nss_in, c.data, &c.len) == srtp_err_status_ok && c.len == s->rtcp[i].len && memcmp(c.data, s->rtcp[i].data, c.len) == 0,
            "%s NSS cannot unprotect OpenSSL's SRTCP %d", s->name, i);
      /* NSS protected: OpenSSL unprotects (a flipped bit first: authentication must fail). */
      packet q = s->nss_rtp[i], d = s->nss_rtcp[i];
      if (i % 7 == 0) {
        packet bad = q;
        bad.data[12 + rnd((unsigned)bad.len - 12)] ^= (uint8_t)(1u << rnd(8));
        CHECK(srtp_unprotect(in, bad.data, &bad.len) == srtp_err_status_auth_fail, "%s flipped bit in SRTP %d not refused", s->name, i);
      }
      CHECK(srtp_unprotect(in, q.data, &q.len) == srtp_err_status_ok && q.len == s->rtp[i].len && memcmp(q.data, s->rtp[i].data, q.len) == 0,
            "%s OpenSSL cannot unprotect NSS's SRTP %d", s->name, i);
      CHECK(srtp_unprotect_rtcp(in, d.data, &d.len) == srtp_err_status_ok && d.len == s->rtcp[i].len && memcmp(d.data, s->rtcp[i].data, d.len) == 0,
            "%s OpenSSL cannot unprotect NSS's SRTCP %d", s->name, i);
      compared += 2;
    }
    srtp_dealloc(out);
    srtp_dealloc(in);
    srtp_dealloc(s->nss_in);
  }
  srtp_shutdown();
  if (failures) return 1;
  printf("ok: RFC 3711 B.2 and RFC 2202 self-tests passed; %ld packets (SRTP + SRTCP, 2 suites) identical to libsrtp2's NSS types and unprotected both ways\n", compared);
  return 0;
}
