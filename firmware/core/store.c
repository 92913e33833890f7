/* store.c: the two-bank log-structured record store (contract and layout in
 * store.h, reasoning in docs/0602-token-storage.md).
 *
 * Write order is what makes it atomic: a record's header (key, len, CRC) is
 * programmed before its value, so a torn header is garbage the CRC rejects
 * and a torn value fails the CRC too; a compacted bank's header is
 * programmed after all its records, so a half-copied bank never counts.
 * Before each append we read the target area back and compact if it is not
 * erased: a torn write we could not see never makes us program a byte
 * twice. */
#include "store.h"

#include <string.h>

#include "amana/err.h"

#define BANK_MAGIC 0x54534D41u /* "AMST" */
#define BANK_HDR 16u
#define REC_HDR 8u

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static void le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint32_t pad4(uint32_t n)
{
	return (n + 3u) & ~3u;
}

static void rec_header(uint8_t h[REC_HDR], uint16_t key, const uint8_t *val,
    size_t len)
{
	le16(h, key);
	le16(h + 2, (uint16_t)len);
	uint32_t crc = crc32_update(0, h, 4);
	if (len > 0)
		crc = crc32_update(crc, val, len);
	le32(h + 4, crc);
}

/* Reads or programs len bytes at addr of bank b, across page boundaries. */
static int bank_io(store_t *s, uint8_t b, uint32_t addr, uint8_t *rbuf,
    const uint8_t *wbuf, size_t len)
{
	const token_hal_t *h = s->hal;
	while (len > 0) {
		uint32_t page = b * s->bank_pages + addr / h->flash_page_size;
		uint32_t off = addr % h->flash_page_size;
		size_t n = h->flash_page_size - off;
		if (n > len)
			n = len;
		int rc = rbuf != NULL ? h->flash_read(h->ctx, page, off, rbuf, n)
				      : h->flash_program(h->ctx, page, off, wbuf, n);
		if (rc != 0)
			return AMANA_ERR_IO;
		if (rbuf != NULL)
			rbuf += n;
		else
			wbuf += n;
		addr += (uint32_t)n;
		len -= n;
	}
	return AMANA_OK;
}

static int bank_read(store_t *s, uint8_t b, uint32_t addr, uint8_t *buf, size_t len)
{
	return bank_io(s, b, addr, buf, NULL, len);
}

static int bank_prog(store_t *s, uint8_t b, uint32_t addr, const uint8_t *buf,
    size_t len)
{
	return bank_io(s, b, addr, NULL, buf, len);
}

static int bank_erase(store_t *s, uint8_t b)
{
	for (uint32_t i = 0; i < s->bank_pages; i++)
		if (s->hal->flash_erase(s->hal->ctx, b * s->bank_pages + i) != 0)
			return AMANA_ERR_IO;
	return AMANA_OK;
}

static bool bank_header(store_t *s, uint8_t b, uint32_t *gen)
{
	uint8_t h[BANK_HDR];
	if (bank_read(s, b, 0, h, sizeof(h)) != AMANA_OK)
		return false;
	if (rd32(h) != BANK_MAGIC || rd32(h + 8) != ~rd32(h + 4) ||
	    rd32(h + 12) != crc32_update(0, h, 12))
		return false;
	*gen = rd32(h + 4);
	return true;
}

static int write_bank_header(store_t *s, uint8_t b, uint32_t gen)
{
	uint8_t h[BANK_HDR];
	le32(h, BANK_MAGIC);
	le32(h + 4, gen);
	le32(h + 8, ~gen);
	le32(h + 12, crc32_update(0, h, 12));
	return bank_prog(s, b, 0, h, sizeof(h));
}

/* Index: sorted by key. */
static int idx_find(const store_t *s, uint16_t key)
{
	for (uint16_t i = 0; i < s->nkeys; i++)
		if (s->idx[i].key == key)
			return i;
	return -1;
}

static int idx_set(store_t *s, uint16_t key, uint16_t len, uint32_t addr)
{
	int i = idx_find(s, key);
	if (len == 0) {
		if (i >= 0) {
			memmove(&s->idx[i], &s->idx[i + 1],
			    (size_t)(s->nkeys - (uint16_t)i - 1u) * sizeof(s->idx[0]));
			s->nkeys--;
		}
		return AMANA_OK;
	}
	if (i < 0) {
		if (s->nkeys >= STORE_MAX_KEYS)
			return AMANA_ERR_NOSPACE;
		uint16_t j = s->nkeys;
		while (j > 0 && s->idx[j - 1].key > key) {
			s->idx[j] = s->idx[j - 1];
			j--;
		}
		s->nkeys++;
		i = j;
	}
	s->idx[i].key = key;
	s->idx[i].len = len;
	s->idx[i].addr = addr;
	return AMANA_OK;
}

/* Records hold the device secrets and the PIN hash, and the bounce buffers
 * below see them: they are cleared before they go out of scope. The store
 * links no crypto library (the store tests build it alone), hence its own
 * clear through a volatile pointer, which the compiler may not drop. */
static void scrub(uint8_t *p, size_t n)
{
	volatile uint8_t *v = p;
	while (n-- > 0)
		*v++ = 0;
}

/* CRC of a record whose value sits in the bank at addr. */
static int value_crc(store_t *s, uint8_t b, const uint8_t hdr4[4], uint32_t addr,
    uint32_t len, uint32_t *crc)
{
	uint8_t buf[64];
	int rc = AMANA_OK;
	uint32_t c = crc32_update(0, hdr4, 4);
	while (len > 0) {
		uint32_t n = len < sizeof(buf) ? len : (uint32_t)sizeof(buf);
		if (bank_read(s, b, addr, buf, n) != AMANA_OK) {
			rc = AMANA_ERR_IO;
			break;
		}
		c = crc32_update(c, buf, n);
		addr += n;
		len -= n;
	}
	scrub(buf, sizeof(buf));
	*crc = c;
	return rc;
}

static int scan(store_t *s)
{
	uint32_t a = BANK_HDR;
	s->nkeys = 0;
	s->dirty = false;
	while (a + REC_HDR <= s->bank_size) {
		uint8_t h[REC_HDR];
		if (bank_read(s, s->live, a, h, sizeof(h)) != AMANA_OK)
			return AMANA_ERR_IO;
		static const uint8_t ff[REC_HDR] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
		    0xFF, 0xFF, 0xFF};
		if (memcmp(h, ff, REC_HDR) == 0)
			break;
		uint16_t key = (uint16_t)(h[0] | h[1] << 8);
		uint16_t len = (uint16_t)(h[2] | h[3] << 8);
		if (len > STORE_VALUE_MAX || a + REC_HDR + len > s->bank_size) {
			/* A torn header: nothing after it can be trusted. */
			s->dirty = true;
			a = s->bank_size;
			break;
		}
		uint32_t crc;
		if (value_crc(s, s->live, h, a + REC_HDR, len, &crc) != AMANA_OK)
			return AMANA_ERR_IO;
		if (crc == rd32(h + 4) && key != 0 && key != 0xFFFF)
			(void)idx_set(s, key, len, a + REC_HDR);
		else
			s->dirty = true; /* torn record: skipped */
		a += REC_HDR + pad4(len);
	}
	s->head = a < s->bank_size ? a : s->bank_size;
	return AMANA_OK;
}

int store_mount(store_t *s, const token_hal_t *hal)
{
	if (s == NULL || hal == NULL || hal->flash_page_count < 2 ||
	    hal->flash_page_size < 256 || hal->flash_read == NULL ||
	    hal->flash_erase == NULL || hal->flash_program == NULL)
		return AMANA_ERR_ARG;
	memset(s, 0, sizeof(*s));
	s->hal = hal;
	s->bank_pages = hal->flash_page_count / 2;
	s->bank_size = s->bank_pages * hal->flash_page_size;
	uint32_t g0 = 0, g1 = 0;
	bool v0 = bank_header(s, 0, &g0), v1 = bank_header(s, 1, &g1);
	if (!v0 && !v1) {
		int rc = bank_erase(s, 0);
		if (rc == AMANA_OK)
			rc = write_bank_header(s, 0, 1);
		if (rc != AMANA_OK)
			return rc;
		s->live = 0;
		s->generation = 1;
	} else if (v0 && (!v1 || (int32_t)(g0 - g1) > 0)) {
		s->live = 0;
		s->generation = g0;
	} else {
		s->live = 1;
		s->generation = g1;
	}
	return scan(s);
}

/* Copies the live records into the other bank and makes it live. keep=false
 * starts from nothing (wipe). When key != 0 its old record is left behind
 * and, if len > 0, its new value is written into the new bank before the
 * bank header: the compaction and the update become one atomic step, and a
 * full bank only needs room for the new value, not for both. */
static int compact(store_t *s, bool keep, uint16_t key, const uint8_t *val,
    size_t len)
{
	uint8_t to = (uint8_t)(1u - s->live);
	uint32_t need = BANK_HDR;
	if (keep)
		for (uint16_t i = 0; i < s->nkeys; i++)
			if (s->idx[i].key != key)
				need += REC_HDR + pad4(s->idx[i].len);
	if (key != 0 && len > 0)
		need += REC_HDR + pad4((uint32_t)len);
	if (need > s->bank_size)
		return AMANA_ERR_NOSPACE; /* nothing written */
	int rc = bank_erase(s, to);
	if (rc != AMANA_OK)
		return rc;
	uint32_t a = BANK_HDR;
	for (uint16_t i = 0; keep && i < s->nkeys; i++) {
		store_entry_t *e = &s->idx[i];
		if (e->key == key)
			continue;
		uint32_t from = e->addr - REC_HDR;
		uint32_t n = REC_HDR + e->len;
		uint8_t buf[64];
		/* Header and value verbatim: the CRC stays valid. */
		for (uint32_t o = 0; o < n && rc == AMANA_OK; o += (uint32_t)sizeof(buf)) {
			uint32_t k = n - o < sizeof(buf) ? n - o : (uint32_t)sizeof(buf);
			if ((rc = bank_read(s, s->live, from + o, buf, k)) == AMANA_OK)
				rc = bank_prog(s, to, a + o, buf, k);
		}
		scrub(buf, sizeof(buf));
		if (rc != AMANA_OK)
			return rc;
		a += REC_HDR + pad4(e->len);
	}
	uint32_t new_addr = 0;
	if (key != 0 && len > 0) {
		uint8_t h[REC_HDR];
		rec_header(h, key, val, len);
		if ((rc = bank_prog(s, to, a, h, REC_HDR)) != AMANA_OK ||
		    (rc = bank_prog(s, to, a + REC_HDR, val, len)) != AMANA_OK)
			return rc;
		new_addr = a + REC_HDR;
		a += REC_HDR + pad4((uint32_t)len);
	}
	if ((rc = write_bank_header(s, to, s->generation + 1)) != AMANA_OK)
		return rc;
	uint8_t old = s->live;
	s->live = to;
	s->generation++;
	s->head = a;
	s->dirty = false;
	if (!keep)
		s->nkeys = 0;
	/* The index follows only now that the new bank is the live one. */
	if (key != 0)
		(void)idx_set(s, key, 0, 0); /* drop the old entry */
	for (uint32_t i = 0, b = BANK_HDR; i < s->nkeys; i++) {
		s->idx[i].addr = b + REC_HDR;
		b += REC_HDR + pad4(s->idx[i].len);
	}
	if (key != 0 && len > 0)
		(void)idx_set(s, key, (uint16_t)len, new_addr); /* room checked */
	return bank_erase(s, old);
}

static bool area_erased(store_t *s, uint32_t a, uint32_t n)
{
	uint8_t buf[64];
	while (n > 0) {
		uint32_t k = n < sizeof(buf) ? n : (uint32_t)sizeof(buf);
		if (bank_read(s, s->live, a, buf, k) != AMANA_OK)
			return false;
		for (uint32_t i = 0; i < k; i++)
			if (buf[i] != 0xFF)
				return false;
		a += k;
		n -= k;
	}
	return true;
}

static int append(store_t *s, uint16_t key, const uint8_t *val, size_t len)
{
	if (key == 0 || key == 0xFFFF || len > STORE_VALUE_MAX)
		return AMANA_ERR_ARG;
	if (len > 0 && idx_find(s, key) < 0 && s->nkeys >= STORE_MAX_KEYS)
		return AMANA_ERR_NOSPACE;
	uint32_t need = REC_HDR + pad4((uint32_t)len);
	if (s->dirty || s->head + need > s->bank_size ||
	    !area_erased(s, s->head, need))
		return compact(s, true, key, val, len);
	uint8_t h[REC_HDR];
	rec_header(h, key, val, len);
	uint32_t a = s->head;
	s->head += need; /* even if the program fails: never reuse the area */
	int rc;
	if ((rc = bank_prog(s, s->live, a, h, REC_HDR)) != AMANA_OK)
		return rc;
	if (len > 0 && (rc = bank_prog(s, s->live, a + REC_HDR, val, len)) != AMANA_OK)
		return rc;
	return idx_set(s, key, (uint16_t)len, a + REC_HDR);
}

int store_put(store_t *s, uint16_t key, const uint8_t *val, size_t len)
{
	if (len == 0 || val == NULL)
		return AMANA_ERR_ARG;
	return append(s, key, val, len);
}

int store_del(store_t *s, uint16_t key)
{
	if (idx_find(s, key) < 0)
		return AMANA_OK;
	return append(s, key, NULL, 0);
}

int store_wipe(store_t *s)
{
	return compact(s, false, 0, NULL, 0);
}

int store_get(store_t *s, uint16_t key, uint8_t *buf, size_t cap, size_t *len)
{
	int i = idx_find(s, key);
	if (i < 0)
		return AMANA_ERR_NOT_FOUND;
	if (len != NULL)
		*len = s->idx[i].len;
	if (cap < s->idx[i].len)
		return AMANA_ERR_BUFFER;
	return bank_read(s, s->live, s->idx[i].addr, buf, s->idx[i].len);
}

size_t store_len(const store_t *s, uint16_t key)
{
	int i = idx_find(s, key);
	return i < 0 ? 0 : s->idx[i].len;
}

int store_foreach(const store_t *s, uint16_t first, uint16_t last,
    int (*fn)(void *arg, uint16_t key, uint16_t len), void *arg)
{
	for (uint16_t i = 0; i < s->nkeys; i++) {
		const store_entry_t *e = &s->idx[i];
		if (e->key < first || e->key > last)
			continue;
		int rc = fn(arg, e->key, e->len);
		if (rc != 0)
			return rc;
	}
	return 0;
}

uint32_t store_free_bytes(const store_t *s)
{
	return s->bank_size - s->head;
}
