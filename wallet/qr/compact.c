/* compact.c: payload <-> compact frame: a 2-byte header, then the
 * payload stored, zlib-deflated, or deflated against a preset dictionary
 * (dict.c), whichever is smallest. Inflation is bounded: a few hundred
 * bytes of zlib can claim megabytes, so output stops at
 * AMANA_QR_MAX_PAYLOAD. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "amana/err.h"
#include "qr_internal.h"

/* Deflates in[0..len) into out (cap bytes) with dict (may be NULL);
 * returns the stream length, or 0 when it did not fit or failed. */
static size_t compact_deflate(const uint8_t *in, size_t len, const uint8_t *dict,
    size_t dict_len, uint8_t *out, size_t cap)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit(&zs, Z_BEST_COMPRESSION) != Z_OK)
		return 0;
	size_t n = 0;
	if (dict == NULL || deflateSetDictionary(&zs, dict, (uInt)dict_len) == Z_OK) {
		zs.next_in = (Bytef *)(uintptr_t)in;
		zs.avail_in = (uInt)len;
		zs.next_out = out;
		zs.avail_out = (uInt)cap;
		if (deflate(&zs, Z_FINISH) == Z_STREAM_END)
			n = cap - zs.avail_out;
	}
	deflateEnd(&zs);
	return n;
}

int amana_qr_compact_encode_dict(const uint8_t *payload, size_t len,
    const uint8_t *extra, size_t extra_len, uint8_t **frame, size_t *frame_len)
{
	if ((payload == NULL && len > 0) || frame == NULL || frame_len == NULL ||
	    (extra == NULL && extra_len > 0))
		return AMANA_ERR_ARG;
	*frame = NULL;
	*frame_len = 0;
	if (len > AMANA_QR_MAX_PAYLOAD)
		return AMANA_ERR_LIMIT;
	uint8_t *dict = NULL;
	size_t dict_len = 0;
	int rc = qr_dict_build(extra, extra_len, &dict, &dict_len);
	if (rc != AMANA_OK)
		return rc;
	size_t cap = compressBound((uLong)len) + 64;
	uint8_t *best = malloc(QR_FRAME_HEADER + (cap > len ? cap : len));
	uint8_t *alt = malloc(cap);
	if (best == NULL || alt == NULL) {
		rc = AMANA_ERR_NOMEM;
		goto out;
	}
	/* Stored is the fallback: signatures, digests and keys do not
	 * compress, and tiny payloads lose to the zlib overhead. */
	best[0] = QR_MAGIC;
	best[1] = QR_KIND_STORED;
	if (len > 0)
		memcpy(best + QR_FRAME_HEADER, payload, len);
	size_t best_len = len;
	size_t z = compact_deflate(payload, len, NULL, 0, alt, cap);
	if (z > 0 && z < best_len) {
		best[1] = QR_KIND_ZLIB;
		memcpy(best + QR_FRAME_HEADER, alt, z);
		best_len = z;
	}
	z = compact_deflate(payload, len, dict, dict_len, alt, cap);
	if (z > 0 && z < best_len) {
		best[1] = QR_KIND_ZDICT;
		memcpy(best + QR_FRAME_HEADER, alt, z);
		best_len = z;
	}
	*frame = best;
	*frame_len = QR_FRAME_HEADER + best_len;
	best = NULL;
out:
	free(best);
	free(alt);
	free(dict);
	return rc;
}

int amana_qr_compact_encode(const uint8_t *payload, size_t len,
    uint8_t **frame, size_t *frame_len)
{
	return amana_qr_compact_encode_dict(payload, len, NULL, 0, frame, frame_len);
}

/* Sets the dictionary whose Adler-32 zlib asks for: the vocabulary
 * alone, or one of the extras before it. */
static int compact_set_dict(z_stream *zs, const amana_qr_dict_t *extras, size_t nextras)
{
	uLong want = zs->adler;
	for (size_t i = 0; i <= nextras; i++) {
		uint8_t *d = NULL;
		size_t dn = 0;
		const amana_qr_dict_t *x = i < nextras ? &extras[i] : NULL;
		int rc = qr_dict_build(x != NULL ? x->p : NULL, x != NULL ? x->n : 0, &d, &dn);
		if (rc == AMANA_ERR_LIMIT)
			continue;
		if (rc != AMANA_OK)
			return rc;
		bool match = adler32(adler32(0L, Z_NULL, 0), d, (uInt)dn) == want;
		rc = match && inflateSetDictionary(zs, d, (uInt)dn) != Z_OK ? AMANA_ERR_QR_FRAME : AMANA_OK;
		free(d);
		if (match)
			return rc;
	}
	return AMANA_ERR_QR_DICT;
}

static int compact_inflate(const uint8_t *in, size_t len, bool need_dict,
    const amana_qr_dict_t *extras, size_t nextras, uint8_t **out, size_t *out_len)
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
	bool dict_set = false;
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
		if (zr == Z_NEED_DICT) {
			/* Only the dictionary kind may ask for one, and only once. */
			if (!need_dict || dict_set)
				goto out;
			if ((rc = compact_set_dict(&zs, extras, nextras)) != AMANA_OK)
				goto out;
			rc = AMANA_ERR_QR_FRAME;
			dict_set = true;
			continue;
		}
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_BUF_ERROR && zs.avail_in == 0)
			goto out; /* input ended inside the stream: truncated */
		if (zr != Z_OK && zr != Z_BUF_ERROR)
			goto out;
	}
	if (zs.avail_in != 0 || need_dict != dict_set)
		goto out; /* trailing bytes, or a dictionary kind without one */
	*out = buf;
	*out_len = used;
	buf = NULL;
	rc = AMANA_OK;
out:
	inflateEnd(&zs);
	free(buf);
	return rc;
}

int amana_qr_compact_decode_dict(const uint8_t *frame, size_t len,
    const amana_qr_dict_t *extras, size_t nextras, uint8_t **payload,
    size_t *payload_len)
{
	if ((frame == NULL && len > 0) || payload == NULL || payload_len == NULL ||
	    (extras == NULL && nextras > 0))
		return AMANA_ERR_ARG;
	*payload = NULL;
	*payload_len = 0;
	if (len < QR_FRAME_HEADER || frame[0] != QR_MAGIC)
		return AMANA_ERR_QR_FRAME;
	const uint8_t *body = frame + QR_FRAME_HEADER;
	size_t blen = len - QR_FRAME_HEADER;
	if (frame[1] == QR_KIND_ZLIB || frame[1] == QR_KIND_ZDICT) {
		if (len > UINT32_MAX)
			return AMANA_ERR_LIMIT;
		return compact_inflate(body, blen, frame[1] == QR_KIND_ZDICT, extras, nextras,
		    payload, payload_len);
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

int amana_qr_compact_decode(const uint8_t *frame, size_t len,
    uint8_t **payload, size_t *payload_len)
{
	return amana_qr_compact_decode_dict(frame, len, NULL, 0, payload, payload_len);
}
