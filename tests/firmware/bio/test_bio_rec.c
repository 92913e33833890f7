/* test_bio_rec.c: the persistent enrolment record (firmware/core/bio_rec.c):
 * round trip, and every malformed or truncated record rejected. */
#include <stdint.h>
#include <string.h>

#include "amana/err.h"
#include "amana/fp.h"
#include "bio_rec.h"
#include "check.h"
#include "hal.h"

static uint8_t t0[600], t1[300], t2[17];

static bio_rec_view_t sample_view(void)
{
	bio_rec_view_t v;
	memset(&v, 0, sizeof(v));
	v.modality = TOKEN_MODALITY_FINGER;
	v.slot = 3;
	v.id[0] = 4;
	v.id[1] = 0x9c;
	v.name = (const uint8_t *)"left index";
	v.name_len = 10;
	v.count = 3;
	v.tmpl[0] = t0;
	v.tmpl_len[0] = sizeof(t0);
	v.tmpl[1] = t1;
	v.tmpl_len[1] = sizeof(t1);
	v.tmpl[2] = t2;
	v.tmpl_len[2] = sizeof(t2);
	return v;
}

int main(void)
{
	static uint8_t buf[BIO_REC_MAX];
	for (size_t i = 0; i < sizeof(t0); i++)
		t0[i] = (uint8_t)(i * 7u);
	memset(t1, 0xA5, sizeof(t1));
	memset(t2, 0x11, sizeof(t2));

	bio_rec_view_t v = sample_view(), p;
	size_t len = 0;
	CHECK_EQ(bio_rec_build(&v, buf, sizeof(buf), &len), AMANA_OK);
	CHECK_EQ(len, BIO_REC_HEADER + 10 + 3 * 2 + 600 + 300 + 17);
	CHECK_EQ(bio_rec_parse(buf, len, &p), AMANA_OK);
	CHECK_EQ(p.modality, TOKEN_MODALITY_FINGER);
	CHECK_EQ(p.slot, 3);
	CHECK_EQ(p.id[0], 4);
	CHECK_EQ(p.id[1], 0x9c);
	CHECK_EQ(p.name_len, 10);
	CHECK(memcmp(p.name, "left index", 10) == 0);
	CHECK_EQ(p.count, 3);
	CHECK_EQ(p.tmpl_len[0], 600);
	CHECK(memcmp(p.tmpl[0], t0, 600) == 0);
	CHECK(memcmp(p.tmpl[1], t1, 300) == 0);
	CHECK(memcmp(p.tmpl[2], t2, 17) == 0);
	CHECK_EQ(bio_rec_key(TOKEN_MODALITY_FINGER, 3), STORE_KEY_BIO_FIRST + 3);
	CHECK_EQ(bio_rec_key(TOKEN_MODALITY_FACE, 1), STORE_KEY_FACE_FIRST + 1);

	/* Every truncation and every extension is refused. */
	int bad = 0;
	for (size_t n = 0; n < len; n++)
		bad += bio_rec_parse(buf, n, &p) == AMANA_ERR_FORMAT;
	CHECK_EQ(bad, (int)len);
	buf[len] = 0;
	CHECK_EQ(bio_rec_parse(buf, len + 1, &p), AMANA_ERR_FORMAT);

	/* Field by field. */
	static uint8_t b2[BIO_REC_MAX];
	const struct { size_t off; uint8_t val; } mut[] = {
		{0, 2},                   /* version */
		{1, 0}, {1, 3},           /* modality */
		{2, 0}, {3, 0},           /* id bytes are nonzero */
		{4, BIO_NAME_MAX + 1},    /* name length */
		{5, 0}, {5, 4},           /* template count */
		{16, 0}, {17, 0},         /* first template length 0 */
		{17, 0xFF},               /* first template length past the end */
	};
	for (size_t i = 0; i < sizeof(mut) / sizeof(mut[0]); i++) {
		memcpy(b2, buf, len);
		b2[mut[i].off] = mut[i].val;
		if (mut[i].off == 16) /* length 0 needs both bytes */
			b2[17] = 0;
		int rc = bio_rec_parse(b2, len, &p);
		if (rc != AMANA_ERR_FORMAT)
			fprintf(stderr, "mutation %zu accepted\n", i);
		CHECK_EQ(rc, AMANA_ERR_FORMAT);
	}

	/* Building refuses what parsing would refuse, and small buffers. */
	bio_rec_view_t w = sample_view();
	w.count = 0;
	CHECK_EQ(bio_rec_build(&w, buf, sizeof(buf), &len), AMANA_ERR_ARG);
	w = sample_view();
	w.name_len = BIO_NAME_MAX + 1;
	CHECK_EQ(bio_rec_build(&w, buf, sizeof(buf), &len), AMANA_ERR_ARG);
	w = sample_view();
	w.id[1] = 0;
	CHECK_EQ(bio_rec_build(&w, buf, sizeof(buf), &len), AMANA_ERR_ARG);
	w = sample_view();
	CHECK_EQ(bio_rec_build(&w, buf, 100, &len), AMANA_ERR_BUFFER);

	/* The worst-case finger fits one store record. */
	CHECK(BIO_REC_HEADER + BIO_NAME_MAX + 3 * (2 + 11 + 6 * AMANA_FP_MAX_MINUTIAE) <= BIO_REC_MAX);
	CHECK(3 * (11 + 6 * AMANA_FP_MAX_MINUTIAE) <= BIO_REC_TEMPLATE_BUDGET);
	return check_done();
}
