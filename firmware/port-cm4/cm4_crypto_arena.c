/*
 * cm4_crypto_arena.c: see cm4_crypto_arena.h.
 */
#include "cm4_crypto_arena.h"

#include <stdarg.h>

#include "mbedtls/memory_buffer_alloc.h"
#include "semihost.h"

static unsigned char arena[CM4_CRYPTO_ARENA_SIZE] __attribute__((aligned(8)));

int cm4_mbedtls_printf(const char *fmt, ...)
{
	/* mbedTLS self-tests print only when verbose; we run them quietly and
	 * report pass/fail ourselves, so there is no printf in the image. */
	(void)fmt;
	return 0;
}

void *cm4_mbedtls_no_calloc(size_t n, size_t size)
{
	(void)n;
	(void)size;
	return NULL;
}

void cm4_mbedtls_no_free(void *p)
{
	(void)p;
}

void cm4_mbedtls_exit(int status)
{
	cm4_semihost_puts("cm4: mbedTLS arena corrupted\n");
	(void)status;
	cm4_semihost_exit(98);
}

void cm4_crypto_arena_init(void)
{
	mbedtls_memory_buffer_alloc_init(arena, sizeof(arena));
}

size_t cm4_crypto_arena_peak(void)
{
	size_t used = 0, blocks = 0;
	mbedtls_memory_buffer_alloc_max_get(&used, &blocks);
	return used;
}

static int rng_fd = -1;

int cm4_rng_fill(uint8_t *buf, size_t len)
{
	if (rng_fd < 0)
		rng_fd = cm4_semihost_open("/dev/urandom", 1);
	if (rng_fd < 0)
		return -1;
	return cm4_semihost_read(rng_fd, buf, len) == 0 ? 0 : -1;
}

int cm4_rng_mbedtls(void *ctx, unsigned char *buf, size_t len)
{
	(void)ctx;
	/* MBEDTLS_ERR_ENTROPY_SOURCE_FAILED without pulling entropy.h in. */
	return cm4_rng_fill(buf, len) == 0 ? 0 : -0x003C;
}

extern uint32_t cm4_stack_top;
extern uint32_t *cm4_stack_limit; /* above the MPU guard (startup.c) */
#define STACK_PAINT 0xA5C3E1F7u

void cm4_stack_paint(void)
{
	uintptr_t sp;
	__asm__ volatile("mov %0, sp" : "=r"(sp));
	/* Leave 64 bytes below our own frame untouched. */
	volatile uint32_t *p = cm4_stack_limit;
	while ((uintptr_t)p < sp - 64u)
		*p++ = STACK_PAINT;
}

size_t cm4_stack_peak(void)
{
	const uint32_t *p = cm4_stack_limit;
	while (p < &cm4_stack_top && *p == STACK_PAINT)
		p++;
	return (size_t)((const uint8_t *)&cm4_stack_top - (const uint8_t *)p);
}
