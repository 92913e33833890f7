/*
 * cm4_crypto_arena.h: the static arena mbedTLS's big numbers are carved
 * from (memory_buffer_alloc), the on-target random source, and a stack
 * high-water probe.
 *
 * mbedTLS 2.28's bignum module allocates its limbs; on the token that memory
 * is this fixed array, so the image still has no heap and a peak that the
 * self-test measures (CM4_CRYPTO_ARENA_SIZE must exceed it with margin).
 */
#ifndef AMANA_CM4_CRYPTO_ARENA_H
#define AMANA_CM4_CRYPTO_ARENA_H

#include <stddef.h>
#include <stdint.h>

/* Measured peak: about 2.3 KiB (P-256 ECDSA, ECDH; printed by the self-test
 * and by the token image). The peak is not the limit: memory_buffer_alloc
 * is first-fit, and with 4 KiB about one self-test in six failed its ECDSA
 * verify with MBEDTLS_ERR_MPI_ALLOC_FAILED (fragmentation depends on the
 * random key). 5 KiB: no failure in 150 runs; it is what the RAM budget
 * (12 KiB kept for the stack, cm4.ld) still allows. */
#define CM4_CRYPTO_ARENA_SIZE 5120u

/* Hands the arena to mbedTLS; call once before any mbedTLS call. */
void cm4_crypto_arena_init(void);
/* Peak bytes in use since init (mbedTLS's own accounting, headers included). */
size_t cm4_crypto_arena_peak(void);

/* Fills buf with len bytes from the host's /dev/urandom (semihosting).
 * Returns 0, or -1 if the source cannot be read. */
int cm4_rng_fill(uint8_t *buf, size_t len);
/* The same with mbedTLS's f_rng signature (ctx unused). */
int cm4_rng_mbedtls(void *ctx, unsigned char *buf, size_t len);

/* Fills the unused stack with a pattern; cm4_stack_peak() later reports how
 * many bytes below the top were ever written. */
void cm4_stack_paint(void);
size_t cm4_stack_peak(void);

#endif /* AMANA_CM4_CRYPTO_ARENA_H */
