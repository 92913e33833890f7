/* bits.c: the packed status array of the Token Status List: entry i sits
 * at bit (i * bits) % 8 of byte (i * bits) / 8, least significant first,
 * and travels zlib-compressed (a fresh list is almost all zeros). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "amana/err.h"
#include "amana/status.h"
#include "status_internal.h"

int amana_status_bits_new(unsigned bits, size_t count, amana_status_bits_t **out)
{
	if (out == NULL)
		return AMANA_ERR_ARG;
	*out = NULL;
	if ((bits != 1 && bits != 2) || count == 0 || count > AMANA_STATUS_MAX_ENTRIES ||
	    (count * bits) % 8 != 0)
		return AMANA_ERR_RANGE;
	amana_status_bits_t *b = calloc(1, sizeof(*b));
	if (b == NULL)
		return AMANA_ERR_NOMEM;
	b->bits = bits;
	b->count = count;
	b->nbytes = count * bits / 8;
	b->bytes = calloc(1, b->nbytes);
	if (b->bytes == NULL) {
		free(b);
		return AMANA_ERR_NOMEM;
	}
	*out = b;
	return AMANA_OK;
}

void amana_status_bits_free(amana_status_bits_t **b)
{
	if (b == NULL || *b == NULL)
		return;
	free((*b)->bytes);
	free(*b);
	*b = NULL;
}

unsigned amana_status_bits_width(const amana_status_bits_t *b) { return b->bits; }
size_t amana_status_bits_count(const amana_status_bits_t *b) { return b->count; }

int amana_status_bits_set(amana_status_bits_t *b, size_t idx, unsigned value)
{
	if (b == NULL)
		return AMANA_ERR_ARG;
	if (idx >= b->count)
		return AMANA_ERR_STATUS_INDEX;
	unsigned mask = (1u << b->bits) - 1u;
	if (value > mask)
		return AMANA_ERR_RANGE;
	size_t bit = idx * b->bits;
	unsigned shift = (unsigned)(bit % 8);
	uint8_t *p = &b->bytes[bit / 8];
	*p = (uint8_t)((*p & ~(mask << shift)) | (value << shift));
	return AMANA_OK;
}

int amana_status_bits_get(const amana_status_bits_t *b, size_t idx, unsigned *value)
{
	if (b == NULL || value == NULL)
		return AMANA_ERR_ARG;
	if (idx >= b->count)
		return AMANA_ERR_STATUS_INDEX;
	size_t bit = idx * b->bits;
	*value = (b->bytes[bit / 8] >> (bit % 8)) & ((1u << b->bits) - 1u);
	return AMANA_OK;
}

int amana_status_bits_compress(const amana_status_bits_t *b, uint8_t **z, size_t *zlen)
{
	if (b == NULL || z == NULL || zlen == NULL)
		return AMANA_ERR_ARG;
	uLongf n = compressBound((uLong)b->nbytes);
	uint8_t *buf = malloc(n);
	if (buf == NULL)
		return AMANA_ERR_NOMEM;
	if (compress2(buf, &n, b->bytes, (uLong)b->nbytes, Z_BEST_COMPRESSION) != Z_OK) {
		free(buf);
		return AMANA_ERR_INTERNAL;
	}
	*z = buf;
	*zlen = n;
	return AMANA_OK;
}

int amana_status_bits_decompress(unsigned bits, const uint8_t *z, size_t zlen,
    amana_status_bits_t **out)
{
	if (z == NULL || out == NULL || zlen > UINT32_MAX)
		return AMANA_ERR_ARG;
	*out = NULL;
	if (bits != 1 && bits != 2)
		return AMANA_ERR_RANGE;
	/* Inflate into a buffer of the largest legal size plus one byte, so
	 * that an oversized list is detected without following it further. */
	size_t cap = (size_t)AMANA_STATUS_MAX_ENTRIES * bits / 8 + 1;
	uint8_t *buf = malloc(cap);
	if (buf == NULL)
		return AMANA_ERR_NOMEM;
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	int rc = AMANA_ERR_FORMAT;
	if (inflateInit(&zs) != Z_OK) {
		free(buf);
		return AMANA_ERR_NOMEM;
	}
	zs.next_in = (Bytef *)(uintptr_t)z;
	zs.avail_in = (uInt)zlen;
	zs.next_out = buf;
	zs.avail_out = (uInt)cap;
	int zr = inflate(&zs, Z_FINISH);
	size_t n = cap - zs.avail_out;
	if (zr != Z_STREAM_END) {
		rc = (zs.avail_out == 0) ? AMANA_ERR_LIMIT : AMANA_ERR_FORMAT;
		goto out;
	}
	if (zs.avail_in != 0 || n == 0)
		goto out; /* trailing bytes, or an empty list */
	if (n == cap) {
		rc = AMANA_ERR_LIMIT;
		goto out;
	}
	amana_status_bits_t *b = calloc(1, sizeof(*b));
	if (b == NULL) {
		rc = AMANA_ERR_NOMEM;
		goto out;
	}
	uint8_t *shrunk = realloc(buf, n);
	b->bytes = shrunk != NULL ? shrunk : buf;
	buf = NULL;
	b->bits = bits;
	b->nbytes = n;
	b->count = n * 8 / bits;
	*out = b;
	rc = AMANA_OK;
out:
	inflateEnd(&zs);
	free(buf);
	return rc;
}
