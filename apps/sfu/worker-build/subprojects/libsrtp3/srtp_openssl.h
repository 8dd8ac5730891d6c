/*
 * OpenSSL AES-128-ICM and HMAC-SHA1 for libsrtp2 (see srtp_openssl.c). Call once, right after
 * srtp_init() and before any session exists.
 */
#ifndef ROOMCAST_SRTP_OPENSSL_H
#define ROOMCAST_SRTP_OPENSSL_H

#include <srtp2/srtp.h>

#ifdef __cplusplus
extern "C" {
#endif

srtp_err_status_t roomcast_srtp_use_openssl(void);

#ifdef __cplusplus
}
#endif

#endif
