/* The CBOR layer against RFC 8949 Appendix A, plus the strictness rules:
 * every example decodes to its diagnostic notation, every definite-length
 * example that is deterministic re-encodes to the same bytes through our
 * encoder, the indefinite-length ones are refused, and malformed input of
 * each kind gets its own error code. */
#include <math.h>
#include <stdint.h>

#include "amana/cbor.h"
#include "amana/err.h"
#include "check.h"

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (; h[0] != '\0' && h[1] != '\0' && n < cap; h += 2) {
		unsigned v;
		if (sscanf(h, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* Re-encodes item i of d with the encoder (integers, strings, containers,
 * tags, simple values). Floats are not something we emit. */
static int reencode(const amana_cbor_doc_t *d, uint32_t i, amana_cbor_enc_t *e)
{
	const amana_cbor_item_t *it = amana_cbor_at(d, i);
	uint32_t c = i + 1;
	switch (it->type) {
	case AMANA_CBOR_UINT:
		return amana_cbor_put_uint(e, it->val);
	case AMANA_CBOR_NINT:
		if (it->val > (uint64_t)INT64_MAX)
			return -1;
		return amana_cbor_put_int(e, -1 - (int64_t)it->val);
	case AMANA_CBOR_BSTR:
		return amana_cbor_put_bstr(e, it->data, (size_t)it->val);
	case AMANA_CBOR_TSTR:
		return amana_cbor_put_tstrn(e, (const char *)it->data, (size_t)it->val);
	case AMANA_CBOR_ARRAY:
	case AMANA_CBOR_MAP: {
		bool map = it->type == AMANA_CBOR_MAP;
		int r = map ? amana_cbor_map_begin(e) : amana_cbor_array_begin(e);
		uint64_t n = map ? 2 * it->val : it->val;
		for (uint64_t k = 0; k < n && r == 0; k++) {
			r = reencode(d, c, e);
			c = amana_cbor_next(d, c);
		}
		if (r != 0)
			return r;
		return map ? amana_cbor_map_end(e) : amana_cbor_array_end(e);
	}
	case AMANA_CBOR_TAG: {
		int r = amana_cbor_put_tag(e, it->val);
		return r != 0 ? r : reencode(d, c, e);
	}
	case AMANA_CBOR_SIMPLE:
		if (it->val == AMANA_CBOR_NULL)
			return amana_cbor_put_null(e);
		if (it->val == AMANA_CBOR_TRUE || it->val == AMANA_CBOR_FALSE)
			return amana_cbor_put_bool(e, it->val == AMANA_CBOR_TRUE);
		return -1;
	default:
		return -1;
	}
}

typedef struct vec {
	const char *diag;
	const char *hex;
} vec_t;

/* RFC 8949 Appendix A, the examples without floating point. */
static const vec_t exact[] = {
	{"0", "00"}, {"1", "01"}, {"10", "0a"}, {"23", "17"}, {"24", "1818"},
	{"25", "1819"}, {"100", "1864"}, {"1000", "1903e8"},
	{"1000000", "1a000f4240"}, {"1000000000000", "1b000000e8d4a51000"},
	{"18446744073709551615", "1bffffffffffffffff"},
	{"2(h'010000000000000000')", "c249010000000000000000"},
	{"-18446744073709551616", "3bffffffffffffffff"},
	{"3(h'010000000000000000')", "c349010000000000000000"},
	{"-1", "20"}, {"-10", "29"}, {"-100", "3863"}, {"-1000", "3903e7"},
	{"false", "f4"}, {"true", "f5"}, {"null", "f6"}, {"undefined", "f7"},
	{"0(\"2013-03-21T20:04:00Z\")", "c074323031332d30332d32315432303a30343a30305a"},
	{"1(1363896240)", "c11a514b67b0"},
	{"23(h'01020304')", "d74401020304"},
	{"24(h'6449455446')", "d818456449455446"},
	{"32(\"http://www.example.com\")",
	    "d82076687474703a2f2f7777772e6578616d706c652e636f6d"},
	{"h''", "40"}, {"h'01020304'", "4401020304"}, {"\"\"", "60"},
	{"\"a\"", "6161"}, {"\"IETF\"", "6449455446"}, {"\"\\\"\\\\\"", "62225c"},
	{"\"\xc3\xbc\"", "62c3bc"}, {"\"\xe6\xb0\xb4\"", "63e6b0b4"},
	{"\"\xf0\x90\x85\x91\"", "64f0908591"},
	{"[]", "80"}, {"[1, 2, 3]", "83010203"},
	{"[1, [2, 3], [4, 5]]", "8301820203820405"},
	{"[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, "
	 "20, 21, 22, 23, 24, 25]",
	    "98190102030405060708090a0b0c0d0e0f101112131415161718181819"},
	{"{}", "a0"}, {"{1: 2, 3: 4}", "a201020304"},
	{"{\"a\": 1, \"b\": [2, 3]}", "a26161016162820203"},
	{"[\"a\", {\"b\": \"c\"}]", "826161a161626163"},
	{"{\"a\": \"A\", \"b\": \"B\", \"c\": \"C\", \"d\": \"D\", \"e\": \"E\"}",
	    "a56161614161626142616361436164614461656145"},
};

typedef struct fvec {
	double v;
	const char *hex;
} fvec_t;

static const fvec_t floats[] = {
	{0.0, "f90000"}, {-0.0, "f98000"}, {1.0, "f93c00"},
	{1.1, "fb3ff199999999999a"}, {1.5, "f93e00"}, {65504.0, "f97bff"},
	{100000.0, "fa47c35000"}, {3.4028234663852886e+38, "fa7f7fffff"},
	{1.0e+300, "fb7e37e43c8800759c"}, {5.960464477539063e-8, "f90001"},
	{0.00006103515625, "f90400"}, {-4.0, "f9c400"},
	{-4.1, "fbc010666666666666"},
	{INFINITY, "f97c00"}, {-INFINITY, "f9fc00"}, {INFINITY, "fa7f800000"},
	{-INFINITY, "faff800000"}, {INFINITY, "fb7ff0000000000000"},
	{-INFINITY, "fbfff0000000000000"},
};

static const char *const nans[] = {"f97e00", "fa7fc00000", "fb7ff8000000000000"};

/* Appendix A's indefinite-length examples: all refused. */
static const char *const indefinite[] = {
	"5f42010243030405ff", "7f657374726561646d696e67ff", "9fff",
	"9f018202039f0405ffff", "9f01820203820405ff", "83018202039f0405ff",
	"83019f0203ff820405",
	"9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff",
	"bf61610161629f0203ffff", "826161bf61626163ff",
	"bf6346756ef563416d7421ff",
};

static int decode_hex(const char *hex, amana_cbor_doc_t **d,
    const amana_cbor_limits_t *lim)
{
	static uint8_t buf[4096];
	size_t n = unhex(hex, buf, sizeof(buf));
	return amana_cbor_decode(buf, n, lim, d);
}

static void test_appendix_a(void)
{
	amana_cbor_enc_t *e = NULL;
	CHECK_EQ(amana_cbor_enc_new(&e), AMANA_OK);
	for (size_t k = 0; k < sizeof(exact) / sizeof(exact[0]); k++) {
		uint8_t in[256];
		size_t n = unhex(exact[k].hex, in, sizeof(in));
		amana_cbor_doc_t *d = NULL;
		int r = amana_cbor_decode(in, n, NULL, &d);
		CHECK_EQ(r, AMANA_OK);
		if (r != AMANA_OK) {
			fprintf(stderr, "  example %s\n", exact[k].diag);
			continue;
		}
		char diag[512];
		amana_cbor_diag(d, 0, diag, sizeof(diag));
		if (strcmp(diag, exact[k].diag) != 0) {
			fprintf(stderr, "diag %s != %s\n", diag, exact[k].diag);
			CHECK(0);
		}
		const amana_cbor_item_t *root = amana_cbor_at(d, 0);
		CHECK_EQ(root->off, 0);
		CHECK_EQ(root->len, n);
		CHECK_EQ(root->next, amana_cbor_doc_count(d));
		amana_cbor_enc_reset(e);
		if (reencode(d, 0, e) == AMANA_OK) {
			const uint8_t *p;
			size_t pn;
			CHECK_EQ(amana_cbor_enc_bytes(e, &p, &pn), AMANA_OK);
			CHECK(pn == n && memcmp(p, in, n) == 0);
		} else {
			/* -2^64 is beyond int64_t; we never emit undefined */
			CHECK(strcmp(exact[k].hex, "3bffffffffffffffff") == 0 ||
			    strcmp(exact[k].hex, "f7") == 0);
		}
		amana_cbor_doc_free(&d);
		CHECK(d == NULL);
	}
	for (size_t k = 0; k < sizeof(floats) / sizeof(floats[0]); k++) {
		amana_cbor_doc_t *d = NULL;
		CHECK_EQ(decode_hex(floats[k].hex, &d, NULL), AMANA_OK);
		if (d == NULL)
			continue;
		const amana_cbor_item_t *it = amana_cbor_at(d, 0);
		CHECK_EQ(it->type, AMANA_CBOR_FLOAT);
		CHECK(it->f == floats[k].v && signbit(it->f) == signbit(floats[k].v));
		amana_cbor_doc_free(&d);
	}
	for (size_t k = 0; k < sizeof(nans) / sizeof(nans[0]); k++) {
		amana_cbor_doc_t *d = NULL;
		CHECK_EQ(decode_hex(nans[k], &d, NULL), AMANA_OK);
		if (d != NULL)
			CHECK(isnan(amana_cbor_at(d, 0)->f));
		amana_cbor_doc_free(&d);
	}
	for (size_t k = 0; k < sizeof(indefinite) / sizeof(indefinite[0]); k++) {
		amana_cbor_doc_t *d = NULL;
		CHECK_EQ(decode_hex(indefinite[k], &d, NULL), AMANA_ERR_CBOR_INDEFINITE);
		CHECK(d == NULL);
	}
	amana_cbor_enc_free(&e);
	CHECK(e == NULL);
}

static void test_bad_input(void)
{
	static const struct {
		const char *hex;
		int err;
	} bad[] = {
		{"0000", AMANA_ERR_CBOR_TRAILING},
		{"a10102ff", AMANA_ERR_CBOR_TRAILING},
		{"a201020103", AMANA_ERR_CBOR_DUPKEY},
		{"a261610161610 2", AMANA_ERR_CBOR_DUPKEY},
		{"a2190001021903e803", AMANA_OK}, /* 1 and 1000 differ */
		{"a201021801 03", AMANA_ERR_CBOR_DUPKEY}, /* 1 twice, one long form */
		{"a20101616101", AMANA_OK},    /* 1 and "a" differ in type */
		{"1901", AMANA_ERR_TRUNCATED},
		{"", AMANA_ERR_TRUNCATED},
		{"5affffffff00", AMANA_ERR_TRUNCATED}, /* 4 GiB string, 1 byte */
		{"9b00000000ffffffff00", AMANA_ERR_CBOR_SIZE},
		{"bb000000000000ffff0000", AMANA_ERR_CBOR_SIZE},
		{"8201", AMANA_ERR_CBOR_SIZE},   /* 2 items cannot fit in 1 byte */
		{"82010203", AMANA_ERR_CBOR_TRAILING},
		{"8301021901", AMANA_ERR_TRUNCATED},
		{"f0", AMANA_ERR_CBOR_MALFORMED},      /* simple(16) */
		{"f8ff", AMANA_ERR_CBOR_MALFORMED},    /* simple(255) */
		{"f818", AMANA_ERR_CBOR_MALFORMED},    /* simple(24): not well-formed */
		{"62c328", AMANA_ERR_CBOR_UTF8},
		{"62c0af", AMANA_ERR_CBOR_UTF8},       /* overlong '/' */
		{"63eda080", AMANA_ERR_CBOR_UTF8},     /* surrogate */
		{"1c", AMANA_ERR_CBOR_MALFORMED},      /* reserved additional info */
		{"ff", AMANA_ERR_CBOR_INDEFINITE},     /* stray break */
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		char hex[64];
		size_t w = 0;
		for (const char *p = bad[k].hex; *p != '\0' && w + 1 < sizeof(hex); p++)
			if (*p != ' ')
				hex[w++] = *p;
		hex[w] = '\0';
		amana_cbor_doc_t *d = NULL;
		int r = decode_hex(hex, &d, NULL);
		if (r != bad[k].err)
			fprintf(stderr, "input %s: got %d (%s), want %d\n", hex, r,
			    amana_strerr(r), bad[k].err);
		CHECK_EQ(r, bad[k].err);
		CHECK((d != NULL) == (r == AMANA_OK));
		amana_cbor_doc_free(&d);
	}

	/* Depth, item count and input size limits. */
	uint8_t deep[200];
	memset(deep, 0x81, sizeof(deep));
	deep[sizeof(deep) - 1] = 0x00;
	amana_cbor_doc_t *d = NULL;
	CHECK_EQ(amana_cbor_decode(deep, sizeof(deep), NULL, &d), AMANA_ERR_CBOR_DEPTH);
	amana_cbor_limits_t lim = amana_cbor_limits_default();
	lim.max_depth = 200;
	CHECK_EQ(amana_cbor_decode(deep, sizeof(deep), &lim, &d), AMANA_ERR_CBOR_DEPTH);
	lim = amana_cbor_limits_default();
	CHECK_EQ(amana_cbor_decode(deep + sizeof(deep) - 16, 16, &lim, &d), AMANA_OK);
	amana_cbor_doc_free(&d);
	lim.max_items = 10;
	CHECK_EQ(amana_cbor_decode(deep + sizeof(deep) - 16, 16, &lim, &d),
	    AMANA_ERR_CBOR_ITEMS);
	lim = amana_cbor_limits_default();
	lim.max_input = 15;
	CHECK_EQ(amana_cbor_decode(deep + sizeof(deep) - 16, 16, &lim, &d),
	    AMANA_ERR_CBOR_SIZE);
	CHECK(d == NULL);
}

static void test_encoder(void)
{
	amana_cbor_enc_t *e = NULL;
	CHECK_EQ(amana_cbor_enc_new(&e), AMANA_OK);
	/* Keys given in any order come out sorted by their encoded bytes. */
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "b");
	amana_cbor_put_uint(e, 1);
	amana_cbor_put_uint(e, 100);
	amana_cbor_put_uint(e, 2);
	amana_cbor_put_tstr(e, "aa");
	amana_cbor_array_begin(e);
	amana_cbor_map_begin(e);
	amana_cbor_put_int(e, -1);
	amana_cbor_put_null(e);
	amana_cbor_put_uint(e, 10);
	amana_cbor_put_bool(e, true);
	amana_cbor_map_end(e);
	amana_cbor_array_end(e);
	amana_cbor_put_int(e, -1);
	amana_cbor_put_uint(e, 3);
	amana_cbor_put_tstr(e, "a");
	amana_cbor_put_tag(e, 24);
	amana_cbor_bstr_begin(e);
	amana_cbor_put_uint(e, 1000);
	amana_cbor_bstr_end(e);
	amana_cbor_put_uint(e, 10);
	amana_cbor_put_uint(e, 4);
	amana_cbor_map_end(e);
	const uint8_t *p;
	size_t n;
	CHECK_EQ(amana_cbor_enc_bytes(e, &p, &n), AMANA_OK);
	uint8_t want[64];
	size_t wn = unhex("a6" "0a04" "186402" "2003" "6161d818431903e8" "616201"
	    "626161" "81a20af520f6", want, sizeof(want));
	CHECK(n == wn && memcmp(p, want, n) == 0);

	/* Duplicate key, a map with a dangling key, closing the wrong
	 * container, two top-level items: errors, and they stick. */
	amana_cbor_enc_reset(e);
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "x");
	amana_cbor_put_uint(e, 1);
	amana_cbor_put_tstr(e, "x");
	amana_cbor_put_uint(e, 2);
	CHECK_EQ(amana_cbor_map_end(e), AMANA_ERR_CBOR_DUPKEY);
	CHECK_EQ(amana_cbor_put_uint(e, 1), AMANA_ERR_CBOR_DUPKEY);
	CHECK_EQ(amana_cbor_enc_bytes(e, &p, &n), AMANA_ERR_CBOR_DUPKEY);
	amana_cbor_enc_reset(e);
	amana_cbor_map_begin(e);
	amana_cbor_put_uint(e, 1);
	CHECK_EQ(amana_cbor_map_end(e), AMANA_ERR_STATE);
	amana_cbor_enc_reset(e);
	amana_cbor_map_begin(e);
	CHECK_EQ(amana_cbor_array_end(e), AMANA_ERR_STATE);
	amana_cbor_enc_reset(e);
	amana_cbor_put_uint(e, 1);
	CHECK_EQ(amana_cbor_put_uint(e, 2), AMANA_ERR_STATE);
	amana_cbor_enc_reset(e);
	amana_cbor_array_begin(e);
	CHECK_EQ(amana_cbor_enc_bytes(e, &p, &n), AMANA_ERR_STATE);

	/* Extreme integers take the shortest form. */
	amana_cbor_enc_reset(e);
	amana_cbor_array_begin(e);
	amana_cbor_put_int(e, INT64_MIN);
	amana_cbor_put_int(e, INT64_MAX);
	amana_cbor_put_int(e, -24);
	amana_cbor_put_int(e, -25);
	amana_cbor_put_uint(e, 65535);
	amana_cbor_put_uint(e, 65536);
	amana_cbor_array_end(e);
	CHECK_EQ(amana_cbor_enc_bytes(e, &p, &n), AMANA_OK);
	wn = unhex("86" "3b7fffffffffffffff" "1b7fffffffffffffff" "37" "3818"
	    "19ffff" "1a00010000", want, sizeof(want));
	CHECK(n == wn && memcmp(p, want, n) == 0);
	/* nesting beyond the encoder's stack */
	amana_cbor_enc_reset(e);
	int r = AMANA_OK;
	for (int k = 0; k < 100 && r == AMANA_OK; k++)
		r = amana_cbor_array_begin(e);
	CHECK_EQ(r, AMANA_ERR_CBOR_DEPTH);
	amana_cbor_enc_free(&e);
}

/* Maps large enough for the sorted duplicate search. */
static void test_big_maps(void)
{
	uint8_t buf[1024];
	size_t n = 0;
	buf[n++] = 0xb8;
	buf[n++] = 40;
	for (int k = 0; k < 40; k++) {
		buf[n++] = 0x18;
		buf[n++] = (uint8_t)(100 + k); /* keys 100..139 */
		buf[n++] = 0xf6;
	}
	amana_cbor_doc_t *d = NULL;
	CHECK_EQ(amana_cbor_decode(buf, n, NULL, &d), AMANA_OK);
	uint32_t v;
	CHECK_EQ(amana_cbor_map_get_int(d, 0, 139, &v), AMANA_OK);
	CHECK_EQ(amana_cbor_map_get_int(d, 0, 140, &v), AMANA_ERR_CBOR_MISSING);
	amana_cbor_doc_free(&d);
	buf[2 + 3 * 39 + 1] = 117; /* the last key repeats an earlier one */
	CHECK_EQ(amana_cbor_decode(buf, n, NULL, &d), AMANA_ERR_CBOR_DUPKEY);
	/* text: the longest UTF-8 forms at the edges of validity */
	static const char *const good[] = {"64f48fbfbf", "63efbfbf", "62dfbf"};
	static const char *const bad[] = {"64f4908080", "64f0808080", "63e08080", "61c0", "61ff"};
	for (size_t k = 0; k < 3; k++) {
		CHECK_EQ(decode_hex(good[k], &d, NULL), AMANA_OK);
		amana_cbor_doc_free(&d);
	}
	for (size_t k = 0; k < 5; k++)
		CHECK_EQ(decode_hex(bad[k], &d, NULL), AMANA_ERR_CBOR_UTF8);
}

int main(void)
{
	test_appendix_a();
	test_bad_input();
	test_encoder();
	test_big_maps();
	return check_done();
}
