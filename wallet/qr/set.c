/* set.c: a payload as one or more QR symbols. The compact frame goes in
 * one symbol when it fits o->max_version; otherwise it is cut into parts
 * of balanced size, each carrying index, count and the frame's SHA-256 so
 * that a scanner can take them in any order and check the result. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "qr_internal.h"

typedef struct set_sym {
	uint8_t *bytes; /* what the symbol carries (binary or "AM1:" text) */
	size_t len;
	amana_qr_code_t *code;
} set_sym_t;

struct amana_qr_set {
	size_t count;
	size_t frame_len;
	set_sym_t syms[];
};

/* The symbol bytes for bin: itself in binary mode, "AM1:" + Base45 else. */
static int set_sym_bytes(const uint8_t *bin, size_t len, amana_qr_mode_t mode,
    uint8_t **out, size_t *out_len)
{
	size_t plen = strlen(AMANA_QR_TEXT_PREFIX);
	size_t n = mode == AMANA_QR_BASE45 ? plen + amana_base45_encoded_len(len) : len;
	uint8_t *b = malloc(n + 1);
	if (b == NULL)
		return AMANA_ERR_NOMEM;
	if (mode == AMANA_QR_BASE45) {
		memcpy(b, AMANA_QR_TEXT_PREFIX, plen);
		int rc = amana_base45_encode(bin, len, (char *)b + plen, n + 1 - plen);
		if (rc != AMANA_OK) {
			free(b);
			return rc;
		}
	} else {
		memcpy(b, bin, len);
	}
	*out = b;
	*out_len = n;
	return AMANA_OK;
}

/* True when a part with a chunk of n bytes fits one symbol under o. The
 * capacity of a mode depends only on the length, so dummy bytes do. */
static bool set_chunk_fits(size_t n, const amana_qr_opts_t *o)
{
	size_t bin = AMANA_QR_PART_HEADER + n;
	size_t len = o->mode == AMANA_QR_BASE45 ?
	    strlen(AMANA_QR_TEXT_PREFIX) + amana_base45_encoded_len(bin) : bin;
	uint8_t *dummy = malloc(len);
	if (dummy == NULL)
		return false;
	memset(dummy, o->mode == AMANA_QR_BASE45 ? '0' : 0, len);
	amana_qr_code_t *c = NULL;
	int rc = amana_qr_code_new(dummy, len, o, &c);
	amana_qr_code_free(&c);
	free(dummy);
	return rc == AMANA_OK;
}

static int set_add(amana_qr_set_t *s, const uint8_t *bin, size_t len,
    const amana_qr_opts_t *o)
{
	set_sym_t *y = &s->syms[s->count];
	int rc = set_sym_bytes(bin, len, o->mode, &y->bytes, &y->len);
	if (rc == AMANA_OK)
		rc = amana_qr_code_new(y->bytes, y->len, o, &y->code);
	s->count++; /* counted even on failure so that free() releases it */
	return rc;
}

int amana_qr_set_new(const uint8_t *payload, size_t len,
    const amana_qr_opts_t *o, amana_qr_set_t **out)
{
	if (payload == NULL || o == NULL || out == NULL || o->max_parts < 1 ||
	    o->max_parts > AMANA_QR_MAX_PARTS || o->max_version < 1 || o->max_version > 40)
		return AMANA_ERR_ARG;
	*out = NULL;
	uint8_t *frame = NULL, *part = NULL;
	size_t flen = 0;
	int rc = amana_qr_compact_encode_dict(payload, len, o->dict.p, o->dict.n, &frame, &flen);
	if (rc != AMANA_OK)
		return rc;
	amana_qr_set_t *s = calloc(1, sizeof(*s) + o->max_parts * sizeof(set_sym_t));
	if (s == NULL) {
		rc = AMANA_ERR_NOMEM;
		goto out;
	}
	s->frame_len = flen;
	rc = set_add(s, frame, flen, o);
	if (rc != AMANA_ERR_QR_TOO_BIG || o->max_parts == 1)
		goto out;
	free(s->syms[0].bytes);
	amana_qr_code_free(&s->syms[0].code);
	s->syms[0].bytes = NULL;
	s->count = 0;

	/* Largest chunk that fits, by bisection over [0, flen]. */
	size_t lo = 0, hi = flen;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;
		if (set_chunk_fits(mid, o))
			lo = mid;
		else
			hi = mid - 1;
	}
	if (lo == 0) {
		rc = AMANA_ERR_QR_TOO_BIG;
		goto out;
	}
	size_t nparts = (flen + lo - 1) / lo;
	if (nparts > o->max_parts) {
		rc = AMANA_ERR_QR_TOO_BIG;
		goto out;
	}
	size_t chunk = (flen + nparts - 1) / nparts;
	part = malloc(AMANA_QR_PART_HEADER + chunk);
	if (part == NULL) {
		rc = AMANA_ERR_NOMEM;
		goto out;
	}
	part[0] = QR_MAGIC;
	part[1] = QR_KIND_PART;
	part[3] = (uint8_t)nparts;
	crypto_hash_sha256(part + 4, frame, flen);
	for (size_t i = 0; i < nparts; i++) {
		size_t off = i * chunk;
		size_t n = flen - off < chunk ? flen - off : chunk;
		part[2] = (uint8_t)i;
		memcpy(part + AMANA_QR_PART_HEADER, frame + off, n);
		rc = set_add(s, part, AMANA_QR_PART_HEADER + n, o);
		if (rc != AMANA_OK)
			goto out;
	}
out:
	free(frame);
	free(part);
	if (rc != AMANA_OK)
		amana_qr_set_free(&s);
	*out = s;
	return rc;
}

void amana_qr_set_free(amana_qr_set_t **s)
{
	if (s == NULL || *s == NULL)
		return;
	for (size_t i = 0; i < (*s)->count; i++) {
		free((*s)->syms[i].bytes);
		amana_qr_code_free(&(*s)->syms[i].code);
	}
	free(*s);
	*s = NULL;
}

size_t amana_qr_set_count(const amana_qr_set_t *s) { return s->count; }
size_t amana_qr_set_frame_len(const amana_qr_set_t *s) { return s->frame_len; }

const amana_qr_code_t *amana_qr_set_code(const amana_qr_set_t *s, size_t i)
{
	return i < s->count ? s->syms[i].code : NULL;
}

const uint8_t *amana_qr_set_sym_ptr(const amana_qr_set_t *s, size_t i)
{
	return i < s->count ? s->syms[i].bytes : NULL;
}

size_t amana_qr_set_sym_len(const amana_qr_set_t *s, size_t i)
{
	return i < s->count ? s->syms[i].len : 0;
}
