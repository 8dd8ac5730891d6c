/*
 * libsrtp 3 API subset used by the mediasoup worker, implemented on libsrtp2 (2.5).
 * See include/srtp.h for the why. Semantics follow libsrtp 3:
 *  - policies are opaque handles built with srtp_policy_* setters;
 *  - protect/unprotect take a separate output buffer, size_t lengths, and the
 *    output length is an in/out parameter (capacity in, bytes written out);
 *  - in-place operation (input == output) is allowed.
 * Only what mediasoup uses is supported: one master key, no MKI (a non-empty
 * MKI is rejected with srtp_err_status_bad_param, mki_index is ignored), no
 * header-extension encryption, no cryptex.
 */
#define SRTP3_COMPAT_IMPLEMENTATION 1
#include "srtp.h"
#include "srtp_openssl.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct srtp3_compat_policy
{
	srtp_ssrc_t ssrc;
	srtp_profile_t profile;
	bool has_profile;
	/* v2 takes the master key and salt concatenated in one buffer. */
	unsigned char key[SRTP_MAX_KEY_LEN];
	size_t key_len;
	bool has_key;
	bool allow_repeat_tx;
	size_t window_size;
};

srtp_err_status_t srtp_policy_create(srtp_policy_t *policy)
{
	if (policy == NULL)
		return srtp_err_status_bad_param;

	*policy = (srtp_policy_t)calloc(1, sizeof(struct srtp3_compat_policy));

	if (*policy == NULL)
		return srtp_err_status_alloc_fail;

	(*policy)->window_size = 128; /* libsrtp default */

	return srtp_err_status_ok;
}

void srtp_policy_destroy(srtp_policy_t policy)
{
	if (policy == NULL)
		return;

	/* Do not leave key material in freed memory. */
	memset(policy, 0, sizeof(*policy));
	free(policy);
}

srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc)
{
	if (policy == NULL)
		return srtp_err_status_bad_param;

	policy->ssrc = ssrc;

	return srtp_err_status_ok;
}

srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile)
{
	srtp_crypto_policy_t probe;

	if (policy == NULL)
		return srtp_err_status_bad_param;

	/* Reject profiles that v2 does not know (or was built without). */
	if (srtp_crypto_policy_set_from_profile_for_rtp(&probe, profile) != srtp_err_status_ok)
		return srtp_err_status_bad_param;

	policy->profile     = profile;
	policy->has_profile = true;

	return srtp_err_status_ok;
}

srtp_err_status_t srtp_policy_add_key(srtp_policy_t policy,
                                      const uint8_t *key,
                                      size_t key_len,
                                      const uint8_t *salt,
                                      size_t salt_len,
                                      const uint8_t *mki,
                                      size_t mki_len)
{
	(void)mki;

	if (policy == NULL || key == NULL || (salt == NULL && salt_len != 0))
		return srtp_err_status_bad_param;

	/* Only a single master key without MKI is supported. */
	if (mki_len != 0 || policy->has_key)
		return srtp_err_status_bad_param;

	if (key_len + salt_len > sizeof(policy->key))
		return srtp_err_status_bad_param;

	memcpy(policy->key, key, key_len);

	if (salt_len != 0)
		memcpy(policy->key + key_len, salt, salt_len);

	policy->key_len = key_len + salt_len;
	policy->has_key = true;

	return srtp_err_status_ok;
}

srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow)
{
	if (policy == NULL)
		return srtp_err_status_bad_param;

	policy->allow_repeat_tx = allow;

	return srtp_err_status_ok;
}

srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, size_t window_size)
{
	if (policy == NULL)
		return srtp_err_status_bad_param;

	/* Same bounds as libsrtp (64 <= window size < 2^15). */
	if (window_size < 64 || window_size >= 0x8000)
		return srtp_err_status_bad_param;

	policy->window_size = window_size;

	return srtp_err_status_ok;
}

srtp_err_status_t srtp3_compat_init(void)
{
	srtp_err_status_t status = srtp_init();
	return status != srtp_err_status_ok ? status : roomcast_srtp_use_openssl();
}

srtp_err_status_t srtp3_compat_create(srtp_t *session, const srtp_policy_t policy)
{
	srtp2_policy_t p;
	srtp_err_status_t err;

	if (session == NULL)
		return srtp_err_status_bad_param;

	/* v3 allows a NULL policy: an empty session. */
	if (policy == NULL)
		return srtp_create(session, NULL);

	if (!policy->has_profile || !policy->has_key)
		return srtp_err_status_bad_param;

	memset(&p, 0, sizeof(p));

	err = srtp_crypto_policy_set_from_profile_for_rtp(&p.rtp, policy->profile);

	if (err != srtp_err_status_ok)
		return err;

	err = srtp_crypto_policy_set_from_profile_for_rtcp(&p.rtcp, policy->profile);

	if (err != srtp_err_status_ok)
		return err;

	/* The cipher key length v2 expects (key + salt) must match what was added. */
	if ((size_t)p.rtp.cipher_key_len != policy->key_len)
		return srtp_err_status_bad_param;

	p.ssrc            = policy->ssrc;
	p.key             = (unsigned char *)policy->key;
	p.window_size     = (unsigned long)policy->window_size;
	p.allow_repeat_tx = policy->allow_repeat_tx ? 1 : 0;
	p.next            = NULL;

	/* v2 copies the key into the session, the policy can be destroyed afterwards. */
	return srtp_create(session, &p);
}

srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	/* Both APIs take the SSRC in network byte order. */
	return srtp_remove_stream(session, (unsigned int)ssrc);
}

/* Copies `in` to `out` (unless in place), checking capacity and int range. */
static srtp_err_status_t compat_prepare(
  const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t extra, int *len)
{
	if (in == NULL || out == NULL)
		return srtp_err_status_bad_param;

	if (in_len > (size_t)INT_MAX - extra)
		return srtp_err_status_bad_param;

	if (out_cap < in_len + extra)
		return srtp_err_status_buffer_small;

	if (out != in)
		memmove(out, in, in_len);

	*len = (int)in_len;

	return srtp_err_status_ok;
}

srtp_err_status_t srtp3_compat_protect(srtp_t ctx,
                                       const uint8_t *rtp,
                                       size_t rtp_len,
                                       uint8_t *srtp,
                                       size_t *srtp_len,
                                       size_t mki_index)
{
	srtp_err_status_t err;
	int len;

	(void)mki_index; /* no MKI support: ignored, as in v3 when MKI is not in use */

	if (srtp_len == NULL)
		return srtp_err_status_bad_param;

	/* v2 may write up to SRTP_MAX_TRAILER_LEN bytes after the packet. */
	err = compat_prepare(rtp, rtp_len, srtp, *srtp_len, SRTP_MAX_TRAILER_LEN, &len);

	if (err != srtp_err_status_ok)
		return err;

	err = srtp_protect(ctx, srtp, &len);

	if (err != srtp_err_status_ok)
		return err;

	*srtp_len = (size_t)len;

	return srtp_err_status_ok;
}

srtp_err_status_t srtp3_compat_unprotect(srtp_t ctx,
                                         const uint8_t *srtp,
                                         size_t srtp_len,
                                         uint8_t *rtp,
                                         size_t *rtp_len)
{
	srtp_err_status_t err;
	int len;

	if (rtp_len == NULL)
		return srtp_err_status_bad_param;

	err = compat_prepare(srtp, srtp_len, rtp, *rtp_len, 0, &len);

	if (err != srtp_err_status_ok)
		return err;

	err = srtp_unprotect(ctx, rtp, &len);

	if (err != srtp_err_status_ok)
		return err;

	*rtp_len = (size_t)len;

	return srtp_err_status_ok;
}

srtp_err_status_t srtp3_compat_protect_rtcp(srtp_t ctx,
                                            const uint8_t *rtcp,
                                            size_t rtcp_len,
                                            uint8_t *srtcp,
                                            size_t *srtcp_len,
                                            size_t mki_index)
{
	srtp_err_status_t err;
	int len;

	(void)mki_index;

	if (srtcp_len == NULL)
		return srtp_err_status_bad_param;

	/* v2 may write SRTP_MAX_TRAILER_LEN + 4 (E flag + SRTCP index) bytes. */
	err = compat_prepare(rtcp, rtcp_len, srtcp, *srtcp_len, SRTP_MAX_TRAILER_LEN + 4, &len);

	if (err != srtp_err_status_ok)
		return err;

	err = srtp_protect_rtcp(ctx, srtcp, &len);

	if (err != srtp_err_status_ok)
		return err;

	*srtcp_len = (size_t)len;

	return srtp_err_status_ok;
}

srtp_err_status_t srtp3_compat_unprotect_rtcp(srtp_t ctx,
                                              const uint8_t *srtcp,
                                              size_t srtcp_len,
                                              uint8_t *rtcp,
                                              size_t *rtcp_len)
{
	srtp_err_status_t err;
	int len;

	if (rtcp_len == NULL)
		return srtp_err_status_bad_param;

	err = compat_prepare(srtcp, srtcp_len, rtcp, *rtcp_len, 0, &len);

	if (err != srtp_err_status_ok)
		return err;

	err = srtp_unprotect_rtcp(ctx, rtcp, &len);

	if (err != srtp_err_status_ok)
		return err;

	*rtcp_len = (size_t)len;

	return srtp_err_status_ok;
}
