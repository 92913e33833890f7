/*
 * fuzz_token_store.c: libFuzzer target over the store's mount on arbitrary
 * flash contents (8 pages of 256 bytes; the input is the flash image, the
 * rest erased). Whatever the flash holds, mount must not crash and must
 * leave a store that accepts a write and reads it back after a remount.
 */
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE 256u
#define PAGES 8u
static uint8_t mem[PAGE * PAGES];

static int f_read(void *c, uint32_t p, uint32_t o, uint8_t *b, size_t n)
{
	(void)c;
	if (p >= PAGES || o + n > PAGE)
		abort();
	memcpy(b, mem + p * PAGE + o, n);
	return AMANA_OK;
}

static int f_erase(void *c, uint32_t p)
{
	(void)c;
	if (p >= PAGES)
		abort();
	memset(mem + p * PAGE, 0xFF, PAGE);
	return AMANA_OK;
}

static int f_prog(void *c, uint32_t p, uint32_t o, const uint8_t *b, size_t n)
{
	(void)c;
	if (p >= PAGES || o + n > PAGE)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (mem[p * PAGE + o + i] != 0xFF)
			abort(); /* programmed twice: the store broke its own rule */
		mem[p * PAGE + o + i] = b[i];
	}
	return AMANA_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	token_hal_t h;
	store_t s;
	uint8_t buf[STORE_VALUE_MAX];
	size_t n = 0;
	memset(mem, 0xFF, sizeof(mem));
	memcpy(mem, data, size < sizeof(mem) ? size : sizeof(mem));
	memset(&h, 0, sizeof(h));
	h.flash_page_size = PAGE;
	h.flash_page_count = PAGES;
	h.flash_read = f_read;
	h.flash_erase = f_erase;
	h.flash_program = f_prog;
	if (store_mount(&s, &h) != AMANA_OK)
		abort();
	for (uint16_t k = 1; k < 0x500; k++) {
		size_t len = store_len(&s, k);
		if (len > STORE_VALUE_MAX)
			abort();
		if (len > 0 && store_get(&s, k, buf, sizeof(buf), &n) != AMANA_OK)
			abort();
	}
	static const uint8_t v[] = "fuzz";
	int rc = store_put(&s, 0x0042, v, sizeof(v));
	if (rc != AMANA_OK && rc != AMANA_ERR_NOSPACE)
		abort();
	if (rc == AMANA_OK) {
		store_t r;
		if (store_mount(&r, &h) != AMANA_OK ||
		    store_get(&r, 0x0042, buf, sizeof(buf), &n) != AMANA_OK ||
		    n != sizeof(v) || memcmp(buf, v, n) != 0)
			abort();
	}
	return 0;
}
