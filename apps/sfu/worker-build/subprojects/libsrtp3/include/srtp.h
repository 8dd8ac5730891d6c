/*
 * libsrtp 3 API (as used by the mediasoup worker) on top of Debian's libsrtp2 (2.5).
 *
 * The mediasoup worker includes <srtp.h> and is written against libsrtp 3
 * (mediasoup's fork, v3.0.0-beta). Debian 12 only ships libsrtp2, whose header
 * lives at <srtp2/srtp.h>. This header sits first on the include path, pulls in
 * the v2 header and adds the v3 entry points the worker calls, implemented in
 * srtp3_compat.c.
 *
 * Conflicts with v2:
 *  - `srtp_policy_t` is a struct in v2 but an opaque handle in v3: the v2 name
 *    is renamed to `srtp2_policy_t` around the include.
 *  - srtp_create / srtp_protect / srtp_unprotect / srtp_protect_rtcp /
 *    srtp_unprotect_rtcp keep their names but change signatures: the v3
 *    versions are provided as srtp3_compat_* and mapped with macros, so the
 *    linker never confuses them with the v2 symbols.
 */
#ifndef ROOMCAST_SRTP3_COMPAT_H
#define ROOMCAST_SRTP3_COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define srtp_policy_t srtp2_policy_t
#include <srtp2/srtp.h>
#undef srtp_policy_t

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes added in libsrtp 3. */
#define srtp_err_status_buffer_small ((srtp_err_status_t)28)
#define srtp_err_status_cryptex_err ((srtp_err_status_t)29)

/* v3: opaque policy handle. */
typedef struct srtp3_compat_policy *srtp_policy_t;

srtp_err_status_t srtp_policy_create(srtp_policy_t *policy);
void srtp_policy_destroy(srtp_policy_t policy);
srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc);
srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile);
srtp_err_status_t srtp_policy_add_key(srtp_policy_t policy,
                                      const uint8_t *key,
                                      size_t key_len,
                                      const uint8_t *salt,
                                      size_t salt_len,
                                      const uint8_t *mki,
                                      size_t mki_len);
srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow);
srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, size_t window_size);

/* srtp_init, then AES-128-ICM and HMAC-SHA1 from OpenSSL instead of libsrtp2's NSS backend
 * (srtp_openssl.c: NSS set up a crypto context per packet on the suite browsers negotiate). */
srtp_err_status_t srtp3_compat_init(void);

srtp_err_status_t srtp3_compat_create(srtp_t *session, const srtp_policy_t policy);
srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc);

srtp_err_status_t srtp3_compat_protect(srtp_t ctx,
                                       const uint8_t *rtp,
                                       size_t rtp_len,
                                       uint8_t *srtp,
                                       size_t *srtp_len,
                                       size_t mki_index);
srtp_err_status_t srtp3_compat_unprotect(srtp_t ctx,
                                         const uint8_t *srtp,
                                         size_t srtp_len,
                                         uint8_t *rtp,
                                         size_t *rtp_len);
srtp_err_status_t srtp3_compat_protect_rtcp(srtp_t ctx,
                                            const uint8_t *rtcp,
                                            size_t rtcp_len,
                                            uint8_t *srtcp,
                                            size_t *srtcp_len,
                                            size_t mki_index);
srtp_err_status_t srtp3_compat_unprotect_rtcp(srtp_t ctx,
                                              const uint8_t *srtcp,
                                              size_t srtcp_len,
                                              uint8_t *rtcp,
                                              size_t *rtcp_len);

#ifdef __cplusplus
}
#endif

/* Map the v3 names onto the compat implementations (not inside srtp3_compat.c,
 * which needs the v2 functions under their real names). */
#ifndef SRTP3_COMPAT_IMPLEMENTATION
#define srtp_init srtp3_compat_init
#define srtp_create srtp3_compat_create
#define srtp_protect srtp3_compat_protect
#define srtp_unprotect srtp3_compat_unprotect
#define srtp_protect_rtcp srtp3_compat_protect_rtcp
#define srtp_unprotect_rtcp srtp3_compat_unprotect_rtcp
#endif

#endif /* ROOMCAST_SRTP3_COMPAT_H */
