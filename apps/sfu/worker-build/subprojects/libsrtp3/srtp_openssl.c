/*
 * OpenSSL primitives for Debian's libsrtp2, whose crypto backend is NSS.
 *
 * Why: on the AES_CM_128_HMAC_SHA1_80 suite that Chromium negotiates, libsrtp2's NSS backend
 * creates and destroys a PK11 context for every packet (AES-ICM set_iv, HMAC start), under
 * NSS's locks; a perf profile of the worker at 200 consumers put ~26 % of its CPU there.
 * libsrtp2 lets a program replace a cipher or auth type by id (srtp_replace_cipher_type /
 * srtp_replace_auth_type, public since 2.0): this file registers AES-128-ICM and HMAC-SHA1 types
 * that keep one OpenSSL context per stream, modelled on libsrtp's own OpenSSL backend
 * (crypto/cipher/aes_icm_ossl.c, crypto/hash/hmac_ossl.c). Everything else — key derivation,
 * replay windows, ROC, SRTCP indices, the GCM suites — stays libsrtp2's.
 *
 * libsrtp2 self-tests a type before accepting it: the test data below are RFC 3711 B.2 (AES-CM
 * keystream) and RFC 2202 test case 1 (HMAC-SHA1). srtp_openssl_test.c cross-checks packets
 * against the NSS types both ways.
 *
 * ROOMCAST_SRTP_CRYPTO=nss in the worker's environment keeps libsrtp2's own types (for A/B
 * measurements, or as a way back).
 */
#include "srtp_openssl.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <stdlib.h>
#include <string.h>

#define ICM_KEY_LEN 16
#define ICM_SALT_LEN 14
#define SHA1_LEN 20

/* ---- AES-128-ICM (counter mode with the SRTP salt as counter offset) ---------------------- */

typedef struct {
  EVP_CIPHER_CTX *ctx;
  uint8_t offset[16]; /* salt, last two octets zero: the block counter's place */
} icm_state;

static const srtp_cipher_type_t ossl_aes_icm_128;

static srtp_err_status_t icm_alloc(srtp_cipher_pointer_t *cp, int key_len, int tag_len)
{
  (void)tag_len;
  if (key_len != ICM_KEY_LEN + ICM_SALT_LEN) return srtp_err_status_bad_param;
  srtp_cipher_t *c = calloc(1, sizeof *c);
  icm_state *s = calloc(1, sizeof *s);
  if (c == NULL || s == NULL || (s->ctx = EVP_CIPHER_CTX_new()) == NULL) {
    free(c);
    free(s);
    return srtp_err_status_alloc_fail;
  }
  c->type = &ossl_aes_icm_128;
  c->state = s;
  c->key_len = key_len;
  c->algorithm = SRTP_AES_ICM_128;
  *cp = c;
  return srtp_err_status_ok;
}

static srtp_err_status_t icm_dealloc(srtp_cipher_pointer_t c)
{
  icm_state *s = c->state;
  EVP_CIPHER_CTX_free(s->ctx);
  OPENSSL_cleanse(s, sizeof *s);
  free(s);
  free(c);
  return srtp_err_status_ok;
}

static srtp_err_status_t icm_init(void *state, const uint8_t *key)
{
  icm_state *s = state;
  memset(s->offset, 0, sizeof s->offset);
  memcpy(s->offset, key + ICM_KEY_LEN, ICM_SALT_LEN);
  /* The key schedule once per key; per packet only the counter changes. */
  return EVP_EncryptInit_ex(s->ctx, EVP_aes_128_ctr(), NULL, key, NULL) == 1 ? srtp_err_status_ok : srtp_err_status_init_fail;
}

static srtp_err_status_t icm_set_iv(void *state, uint8_t *iv, srtp_cipher_direction_t direction)
{
  (void)direction;
  icm_state *s = state;
  uint8_t counter[16];
  for (int k = 0; k < 16; k++) counter[k] = s->offset[k] ^ iv[k];
  return EVP_EncryptInit_ex(s->ctx, NULL, NULL, NULL, counter) == 1 ? srtp_err_status_ok : srtp_err_status_cipher_fail;
}

/* In place; successive calls continue the keystream (libsrtp's key derivation relies on it). */
static srtp_err_status_t icm_encrypt(void *state, uint8_t *buffer, unsigned int *octets)
{
  icm_state *s = state;
  int out = 0;
  if (*octets > INT32_MAX || EVP_EncryptUpdate(s->ctx, buffer, &out, buffer, (int)*octets) != 1 || (unsigned int)out != *octets)
    return srtp_err_status_cipher_fail;
  return srtp_err_status_ok;
}

/* RFC 3711 appendix B.2: the first 32 octets of keystream for this key, salt and index 0. */
static const uint8_t icm_test_key[ICM_KEY_LEN + ICM_SALT_LEN] = {
  0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
  0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,
};
static uint8_t icm_test_iv[16] = { 0 };
static const uint8_t icm_test_plaintext[32] = { 0 };
static const uint8_t icm_test_ciphertext[32] = {
  0xe0, 0x3e, 0xad, 0x09, 0x35, 0xc9, 0x5e, 0x80, 0xe1, 0x66, 0xb1, 0x6d, 0xd9, 0x2b, 0x4e, 0xb4,
  0xd2, 0x35, 0x13, 0x16, 0x2b, 0x02, 0xd0, 0xf7, 0x2a, 0x43, 0xa2, 0xfe, 0x4a, 0x5f, 0x97, 0xab,
};
static const srtp_cipher_test_case_t icm_test = {
  sizeof icm_test_key, icm_test_key, icm_test_iv, sizeof icm_test_plaintext, icm_test_plaintext,
  sizeof icm_test_ciphertext, icm_test_ciphertext, 0, NULL, 0, NULL,
};

static const srtp_cipher_type_t ossl_aes_icm_128 = {
  icm_alloc, icm_dealloc, icm_init, NULL, icm_encrypt, icm_encrypt, icm_set_iv, NULL,
  "AES-128 counter mode (OpenSSL, roomcast)", &icm_test, SRTP_AES_ICM_128,
};

/* ---- HMAC-SHA1 ------------------------------------------------------------------------------ */

static EVP_MAC *hmac_algorithm;

static const srtp_auth_type_t ossl_hmac_sha1;

static srtp_err_status_t hmac_alloc(srtp_auth_pointer_t *ap, int key_len, int out_len)
{
  if (key_len < 0 || key_len > SHA1_LEN || out_len < 0 || out_len > SHA1_LEN) return srtp_err_status_bad_param;
  srtp_auth_t *a = calloc(1, sizeof *a);
  EVP_MAC_CTX *ctx = a ? EVP_MAC_CTX_new(hmac_algorithm) : NULL;
  if (ctx == NULL) {
    free(a);
    return srtp_err_status_alloc_fail;
  }
  a->type = &ossl_hmac_sha1;
  a->state = ctx;
  a->out_len = out_len;
  a->key_len = key_len;
  a->prefix_len = 0;
  *ap = a;
  return srtp_err_status_ok;
}

static srtp_err_status_t hmac_dealloc(srtp_auth_pointer_t a)
{
  EVP_MAC_CTX_free(a->state);
  free(a);
  return srtp_err_status_ok;
}

static srtp_err_status_t hmac_init(void *state, const uint8_t *key, int key_len)
{
  OSSL_PARAM params[2] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA1", 0), OSSL_PARAM_construct_end() };
  return EVP_MAC_init(state, key, (size_t)key_len, params) == 1 ? srtp_err_status_ok : srtp_err_status_init_fail;
}

/* A new message with the same key: OpenSSL restarts from the precomputed inner/outer pads. */
static srtp_err_status_t hmac_start(void *state)
{
  return EVP_MAC_init(state, NULL, 0, NULL) == 1 ? srtp_err_status_ok : srtp_err_status_auth_fail;
}

static srtp_err_status_t hmac_update(void *state, const uint8_t *message, int octets)
{
  return octets >= 0 && EVP_MAC_update(state, message, (size_t)octets) == 1 ? srtp_err_status_ok : srtp_err_status_auth_fail;
}

static srtp_err_status_t hmac_compute(void *state, const uint8_t *message, int octets, int tag_len, uint8_t *result)
{
  uint8_t digest[SHA1_LEN];
  size_t len = 0;
  if (tag_len < 0 || tag_len > SHA1_LEN) return srtp_err_status_bad_param;
  if (hmac_update(state, message, octets) != srtp_err_status_ok || EVP_MAC_final(state, digest, &len, sizeof digest) != 1 || len != SHA1_LEN)
    return srtp_err_status_auth_fail;
  memcpy(result, digest, (size_t)tag_len);
  return srtp_err_status_ok;
}

/* RFC 2202 section 3, test case 1. */
static const uint8_t hmac_test_key[SHA1_LEN] = {
  0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
};
static const uint8_t hmac_test_data[8] = { 'H', 'i', ' ', 'T', 'h', 'e', 'r', 'e' };
static const uint8_t hmac_test_tag[SHA1_LEN] = {
  0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b, 0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00,
};
static const srtp_auth_test_case_t hmac_test = {
  sizeof hmac_test_key, hmac_test_key, sizeof hmac_test_data, hmac_test_data, sizeof hmac_test_tag, hmac_test_tag, NULL,
};

static const srtp_auth_type_t ossl_hmac_sha1 = {
  hmac_alloc, hmac_dealloc, hmac_init, hmac_compute, hmac_update, hmac_start,
  "HMAC-SHA1 (OpenSSL, roomcast)", &hmac_test, SRTP_HMAC_SHA1,
};

/* ---- registration --------------------------------------------------------------------------- */

srtp_err_status_t roomcast_srtp_use_openssl(void)
{
  const char *choice = getenv("ROOMCAST_SRTP_CRYPTO");
  if (choice != NULL && strcmp(choice, "nss") == 0) return srtp_err_status_ok;
  if (hmac_algorithm == NULL && (hmac_algorithm = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL) return srtp_err_status_init_fail;
  /* Each replacement runs libsrtp2's self-test of the type with the test data above first. */
  srtp_err_status_t status = srtp_replace_cipher_type(&ossl_aes_icm_128, SRTP_AES_ICM_128);
  if (status != srtp_err_status_ok) return status;
  return srtp_replace_auth_type(&ossl_hmac_sha1, SRTP_HMAC_SHA1);
}
