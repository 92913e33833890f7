/* asm.c: reassembling scanned symbols. Parts come in whatever order the
 * camera sees them, often more than once; anything that cannot belong to
 * the set being collected is an error rather than silently dropped, so a
 * verifier never checks a payload spliced from two presentations. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "qr_internal.h"

struct amana_qr_asm {
	uint8_t *whole; /* a single-symbol frame, or NULL */
	size_t whole_len;
	size_t count; /* parts announced, 0 before the first part */
	size_t held;
	uint8_t digest[32];
	uint8_t *chunk[AMANA_QR_MAX_PARTS];
	size_t chunk_len[AMANA_QR_MAX_PARTS];
	amana_qr_dict_t dicts[8];
	size_t ndicts;
};

int qr_sym_to_bin(const uint8_t *sym, size_t len, uint8_t **bin, size_t *bin_len)
{
	size_t plen = strlen(AMANA_QR_TEXT_PREFIX);
	if (len >= plen && memcmp(sym, AMANA_QR_TEXT_PREFIX, plen) == 0) {
		size_t cap = ((len - plen) / 3) * 2 + 1;
		uint8_t *b = malloc(cap);
		if (b == NULL)
			return AMANA_ERR_NOMEM;
		int rc = amana_base45_decode((const char *)sym + plen, len - plen, b, cap, bin_len);
		if (rc != AMANA_OK) {
			free(b);
			return rc;
		}
		*bin = b;
		return AMANA_OK;
	}
	if (len < QR_FRAME_HEADER || sym[0] != QR_MAGIC)
		return AMANA_ERR_QR_FRAME;
	uint8_t *b = malloc(len);
	if (b == NULL)
		return AMANA_ERR_NOMEM;
	memcpy(b, sym, len);
	*bin = b;
	*bin_len = len;
	return AMANA_OK;
}

int amana_qr_asm_new(amana_qr_asm_t **out)
{
	if (out == NULL)
		return AMANA_ERR_ARG;
	*out = calloc(1, sizeof(**out));
	return *out != NULL ? AMANA_OK : AMANA_ERR_NOMEM;
}

void amana_qr_asm_free(amana_qr_asm_t **a)
{
	if (a == NULL || *a == NULL)
		return;
	free((*a)->whole);
	for (size_t i = 0; i < AMANA_QR_MAX_PARTS; i++)
		free((*a)->chunk[i]);
	free(*a);
	*a = NULL;
}

static bool asm_same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* Takes ownership of bin. */
static int asm_take(amana_qr_asm_t *a, uint8_t *bin, size_t len)
{
	if (len < QR_FRAME_HEADER || bin[0] != QR_MAGIC)
		goto frame;
	if (bin[1] == QR_KIND_STORED || bin[1] == QR_KIND_ZLIB || bin[1] == QR_KIND_ZDICT) {
		if (a->count != 0)
			goto mixed;
		if (a->whole != NULL) {
			bool same = asm_same(a->whole, a->whole_len, bin, len);
			free(bin);
			return same ? AMANA_OK : AMANA_ERR_QR_MIXED;
		}
		a->whole = bin;
		a->whole_len = len;
		return AMANA_OK;
	}
	if (bin[1] != QR_KIND_PART || len <= AMANA_QR_PART_HEADER)
		goto frame;
	size_t idx = bin[2], cnt = bin[3];
	if (cnt == 0 || idx >= cnt)
		goto frame;
	if (a->whole != NULL)
		goto mixed;
	if (a->count == 0) {
		a->count = cnt;
		memcpy(a->digest, bin + 4, 32);
	} else if (a->count != cnt || memcmp(a->digest, bin + 4, 32) != 0) {
		goto mixed;
	}
	size_t n = len - AMANA_QR_PART_HEADER;
	if (a->chunk[idx] != NULL) {
		bool same = asm_same(a->chunk[idx], a->chunk_len[idx],
		    bin + AMANA_QR_PART_HEADER, n);
		free(bin);
		return same ? AMANA_OK : AMANA_ERR_QR_MIXED;
	}
	memmove(bin, bin + AMANA_QR_PART_HEADER, n);
	a->chunk[idx] = bin;
	a->chunk_len[idx] = n;
	a->held++;
	return AMANA_OK;
frame:
	free(bin);
	return AMANA_ERR_QR_FRAME;
mixed:
	free(bin);
	return AMANA_ERR_QR_MIXED;
}

int amana_qr_asm_add(amana_qr_asm_t *a, const uint8_t *sym, size_t len)
{
	if (a == NULL || (sym == NULL && len > 0))
		return AMANA_ERR_ARG;
	uint8_t *bin = NULL;
	size_t blen = 0;
	int rc = qr_sym_to_bin(sym, len, &bin, &blen);
	if (rc != AMANA_OK)
		return rc;
	return asm_take(a, bin, blen);
}

int amana_qr_asm_add_dict(amana_qr_asm_t *a, const uint8_t *p, size_t n)
{
	if (a == NULL || p == NULL || n == 0)
		return AMANA_ERR_ARG;
	if (a->ndicts == sizeof(a->dicts) / sizeof(a->dicts[0]))
		return AMANA_ERR_LIMIT;
	a->dicts[a->ndicts].p = p;
	a->dicts[a->ndicts].n = n;
	a->ndicts++;
	return AMANA_OK;
}

size_t amana_qr_asm_expected(const amana_qr_asm_t *a)
{
	return a->whole != NULL ? 1 : a->count;
}

size_t amana_qr_asm_held(const amana_qr_asm_t *a)
{
	return a->whole != NULL ? 1 : a->held;
}

bool amana_qr_asm_has(const amana_qr_asm_t *a, size_t i)
{
	if (a->whole != NULL)
		return i == 0;
	return i < a->count && a->chunk[i] != NULL;
}

int amana_qr_asm_finish(amana_qr_asm_t *a, uint8_t **payload, size_t *payload_len)
{
	if (a == NULL || payload == NULL || payload_len == NULL)
		return AMANA_ERR_ARG;
	*payload = NULL;
	*payload_len = 0;
	if (a->whole != NULL)
		return amana_qr_compact_decode_dict(a->whole, a->whole_len, a->dicts, a->ndicts,
		    payload, payload_len);
	if (a->count == 0 || a->held != a->count)
		return AMANA_ERR_QR_INCOMPLETE;
	size_t total = 0;
	for (size_t i = 0; i < a->count; i++)
		total += a->chunk_len[i]; /* <= 255 * symbol size: no overflow */
	uint8_t *frame = malloc(total);
	if (frame == NULL)
		return AMANA_ERR_NOMEM;
	size_t off = 0;
	for (size_t i = 0; i < a->count; i++) {
		memcpy(frame + off, a->chunk[i], a->chunk_len[i]);
		off += a->chunk_len[i];
	}
	uint8_t h[32];
	crypto_hash_sha256(h, frame, total);
	int rc = memcmp(h, a->digest, 32) == 0 ?
	    amana_qr_compact_decode_dict(frame, total, a->dicts, a->ndicts, payload, payload_len) :
	    AMANA_ERR_QR_DIGEST;
	free(frame);
	return rc;
}
