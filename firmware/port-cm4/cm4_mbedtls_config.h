/*
 * cm4_mbedtls_config.h: the mbedTLS 2.28 configuration of the Cortex-M4
 * image (MBEDTLS_CONFIG_FILE). Only what CTAP2 needs: P-256 ECDSA and ECDH,
 * AES-256-CBC, SHA-256, HMAC, HKDF. Sized for 64 KiB of RAM:
 * - AES tables in flash (ROM_TABLES) and only one of the four (FEWER_TABLES);
 * - ECP window 3 (measured: 11 % fewer instructions per getAssertion than
 *   2 at the same arena peak; 4 outgrows the 4 KiB arena) and no
 *   fixed-point cache (it would live in RAM and die with each group);
 * - big numbers come from a static arena (memory_buffer_alloc over
 *   cm4_crypto_arena[]), never from the C library heap, which is not linked;
 * - deterministic ECDSA (RFC 6979), so a weak random source cannot leak the
 *   credential key through the nonce (docs/0681-cm4-rng.md).
 */
#ifndef AMANA_CM4_MBEDTLS_CONFIG_H
#define AMANA_CM4_MBEDTLS_CONFIG_H

#include <stddef.h>

/* System */
#define MBEDTLS_HAVE_ASM            /* bignum multiply-accumulate (UMAAL) */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_DEPRECATED_REMOVED

/* Platform: no stdio, no heap; printf from self-tests goes nowhere. */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_MEMORY_DEBUG        /* peak arena use, printed by selftest */
#define MBEDTLS_MEMORY_ALIGN_MULTIPLE 8
int cm4_mbedtls_printf(const char *fmt, ...);
#define MBEDTLS_PLATFORM_PRINTF_MACRO cm4_mbedtls_printf
#define MBEDTLS_PLATFORM_FPRINTF_MACRO(f, ...) cm4_mbedtls_printf(__VA_ARGS__)
/* Until cm4_crypto_arena_init() runs, allocation fails instead of reaching
 * the C library; the arena allocator's fatal errors end QEMU (exit 98). */
void *cm4_mbedtls_no_calloc(size_t n, size_t size);
void cm4_mbedtls_no_free(void *p);
void cm4_mbedtls_exit(int status);
#define MBEDTLS_PLATFORM_STD_CALLOC cm4_mbedtls_no_calloc
#define MBEDTLS_PLATFORM_STD_FREE cm4_mbedtls_no_free
#define MBEDTLS_PLATFORM_EXIT_MACRO cm4_mbedtls_exit

/* Symmetric */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CIPHER_MODE_CBC
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_MD_C
#define MBEDTLS_HKDF_C
#define MBEDTLS_HMAC_DRBG_C         /* RFC 6979 nonces */

/* Public key */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_WINDOW_SIZE 3
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_ECDH_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_MPI_MAX_SIZE 64
#define MBEDTLS_MPI_WINDOW_SIZE 1

/* On-target self-tests (the functions are dropped from images that do not
 * call them by --gc-sections). */
#define MBEDTLS_SELF_TEST

#include "mbedtls/check_config.h"

#endif /* AMANA_CM4_MBEDTLS_CONFIG_H */
