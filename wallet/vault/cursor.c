/* cursor.c: the bounded reader every vault parser uses, and the growable
 * writer the serializers use. Integers are little-endian. The writer wipes
 * what it reallocates away from, since it holds manifest plaintext. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "vault_int.h"

int vcur_bytes(vcur_t *c, void *dst, size_t n)
{
	if (c->left < n)
		return AMANA_ERR_TRUNCATED;
	if (n > 0)
		memcpy(dst, c->p, n);
	c->p += n;
	c->left -= n;
	return AMANA_OK;
}

int vcur_u8(vcur_t *c, uint8_t *v)
{
	return vcur_bytes(c, v, 1);
}

int vcur_u32(vcur_t *c, uint32_t *v)
{
	uint8_t b[4];
	int err = vcur_bytes(c, b, 4);
	if (err == AMANA_OK)
		*v = vrd32(b);
	return err;
}

int vcur_u64(vcur_t *c, uint64_t *v)
{
	uint8_t b[8];
	int err = vcur_bytes(c, b, 8);
	if (err != AMANA_OK)
		return err;
	uint64_t x = 0;
	for (int i = 7; i >= 0; i--)
		x = (x << 8) | b[i];
	*v = x;
	return AMANA_OK;
}

int vcur_str(vcur_t *c, char **s)
{
	uint8_t b[2];
	*s = NULL;
	int err = vcur_bytes(c, b, 2);
	if (err != AMANA_OK)
		return err;
	size_t n = (size_t)b[0] | ((size_t)b[1] << 8);
	if (n > AMANA_VAULT_STR_MAX)
		return AMANA_ERR_LIMIT;
	if (c->left < n)
		return AMANA_ERR_TRUNCATED;
	if (memchr(c->p, 0, n) != NULL)
		return AMANA_ERR_FORMAT;
	char *t = malloc(n + 1);
	if (t == NULL)
		return AMANA_ERR_NOMEM;
	memcpy(t, c->p, n);
	t[n] = '\0';
	c->p += n;
	c->left -= n;
	*s = t;
	return AMANA_OK;
}

static void vbuf_reserve(vbuf_t *b, size_t n)
{
	if (b->oom)
		return;
	if (n > SIZE_MAX - b->len) {
		b->oom = true;
		return;
	}
	if (b->len + n <= b->cap)
		return;
	size_t cap = b->cap > 0 ? b->cap : 256;
	while (cap < b->len + n) {
		if (cap > SIZE_MAX / 2) {
			b->oom = true;
			return;
		}
		cap *= 2;
	}
	uint8_t *p = malloc(cap);
	if (p == NULL) {
		b->oom = true;
		return;
	}
	if (b->p != NULL) {
		memcpy(p, b->p, b->len);
		sodium_memzero(b->p, b->cap);
		free(b->p);
	}
	b->p = p;
	b->cap = cap;
}

void vbuf_bytes(vbuf_t *b, const void *src, size_t n)
{
	vbuf_reserve(b, n);
	if (b->oom || n == 0)
		return;
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

void vbuf_u8(vbuf_t *b, uint8_t v)
{
	vbuf_bytes(b, &v, 1);
}

void vle32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void vle64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint32_t vrd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	    ((uint32_t)p[3] << 24);
}

void vbuf_u32(vbuf_t *b, uint32_t v)
{
	uint8_t t[4];
	vle32(t, v);
	vbuf_bytes(b, t, 4);
}

void vbuf_u64(vbuf_t *b, uint64_t v)
{
	uint8_t t[8];
	vle64(t, v);
	vbuf_bytes(b, t, 8);
}

void vbuf_str(vbuf_t *b, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	if (n > AMANA_VAULT_STR_MAX) {
		b->oom = true; /* callers check lengths first; never truncate */
		return;
	}
	uint8_t t[2] = {(uint8_t)n, (uint8_t)(n >> 8)};
	vbuf_bytes(b, t, 2);
	vbuf_bytes(b, s, n);
}

void vbuf_wipe(vbuf_t *b)
{
	if (b->p != NULL) {
		sodium_memzero(b->p, b->cap);
		free(b->p);
	}
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}
