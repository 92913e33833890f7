/* compact.c: payload <-> compact frame (zlib deflate behind a 2-byte
 * header). Inflation is bounded: a few hundred bytes of zlib can claim
 * megabytes, so output stops at AMANA_QR_MAX_PAYLOAD. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "amana/err.h"
#include "qr_internal.h"

int amana_qr_compact_encode(const uint8_t *payload, size_t len,
    uint8_t **frame, size_t *frame_len)
{
	if ((payload == NULL && len > 0) || frame == NULL || frame_len == NULL)
		return AMANA_ERR_ARG;
	*frame = NULL;
	*frame_len = 0;
	if (len > AMANA_QR_MAX_PAYLOAD)
		return AMANA_ERR_LIMIT;
	uLong bound = compressBound((uLong)len);
	uint8_t *buf = malloc(QR_FRAME_HEADER + (bound > len ? bound : len));
	if (buf == NULL)
		return AMANA_ERR_NOMEM;
	uLongf zlen = bound;
	int zr = compress2(buf + QR_FRAME_HEADER, &zlen, payload, (uLong)len,
	    Z_BEST_COMPRESSION);
	buf[0] = QR_MAGIC;
	if (zr == Z_OK && zlen < len) {
		buf[1] = QR_KIND_ZLIB;
		*frame_len = QR_FRAME_HEADER + (size_t)zlen;
	} else {
		/* Signatures, digests and keys do not compress: store them and
		 * save the zlib overhead. */
		buf[1] = QR_KIND_STORED;
		if (len > 0)
			memcpy(buf + QR_FRAME_HEADER, payload, len);
		*frame_len = QR_FRAME_HEADER + len;
	}
	*frame = buf;
	return AMANA_OK;
}

static int compact_inflate(const uint8_t *in, size_t len, uint8_t **out,
    size_t *out_len)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return AMANA_ERR_NOMEM;
	size_t cap = len * 4 + 256;
	if (cap > AMANA_QR_MAX_PAYLOAD)
		cap = AMANA_QR_MAX_PAYLOAD;
	uint8_t *buf = malloc(cap);
	int rc = AMANA_ERR_QR_FRAME;
	if (buf == NULL) {
		rc = AMANA_ERR_NOMEM;
		goto out;
	}
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	size_t used = 0;
	for (;;) {
		if (used == cap) {
			if (cap == AMANA_QR_MAX_PAYLOAD) {
				rc = AMANA_ERR_LIMIT;
				goto out;
			}
			size_t ncap = cap * 2 > AMANA_QR_MAX_PAYLOAD ? AMANA_QR_MAX_PAYLOAD : cap * 2;
			uint8_t *nb = realloc(buf, ncap);
			if (nb == NULL) {
				rc = AMANA_ERR_NOMEM;
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		zs.next_out = buf + used;
		zs.avail_out = (uInt)(cap - used);
		int zr = inflate(&zs, Z_NO_FLUSH);
		used = cap - zs.avail_out;
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_BUF_ERROR && zs.avail_in == 0)
			goto out; /* input ended inside the stream: truncated */
		if (zr != Z_OK && zr != Z_BUF_ERROR)
			goto out;
	}
	if (zs.avail_in != 0)
		goto out; /* trailing bytes after the stream */
	*out = buf;
	*out_len = used;
	buf = NULL;
	rc = AMANA_OK;
out:
	inflateEnd(&zs);
	free(buf);
	return rc;
}

int amana_qr_compact_decode(const uint8_t *frame, size_t len,
    uint8_t **payload, size_t *payload_len)
{
	if ((frame == NULL && len > 0) || payload == NULL || payload_len == NULL)
		return AMANA_ERR_ARG;
	*payload = NULL;
	*payload_len = 0;
	if (len < QR_FRAME_HEADER || frame[0] != QR_MAGIC)
		return AMANA_ERR_QR_FRAME;
	const uint8_t *body = frame + QR_FRAME_HEADER;
	size_t blen = len - QR_FRAME_HEADER;
	if (frame[1] == QR_KIND_ZLIB) {
		if (len > UINT32_MAX)
			return AMANA_ERR_LIMIT;
		return compact_inflate(body, blen, payload, payload_len);
	}
	if (frame[1] != QR_KIND_STORED)
		return AMANA_ERR_QR_FRAME;
	if (blen > AMANA_QR_MAX_PAYLOAD)
		return AMANA_ERR_LIMIT;
	uint8_t *buf = malloc(blen > 0 ? blen : 1);
	if (buf == NULL)
		return AMANA_ERR_NOMEM;
	if (blen > 0)
		memcpy(buf, body, blen);
	*payload = buf;
	*payload_len = blen;
	return AMANA_OK;
}
