/* test_bio_select.c: the token's decision code (firmware/core/bio_match.c)
 * on synthetic templates, no data needed: the choice of references keeps
 * the impressions that agree and drops the outlier, obeys the count and
 * byte budgets, is deterministic; probes with too few minutiae are refused
 * (at enrolment also poor quality); identical templates are accepted and
 * unrelated ones are not. */
#include <string.h>

#include "amana/err.h"
#include "bio_match.h"
#include "check.h"

static bio_work_t work;
static uint64_t rs = 0x2545F4914F6CDD1Dull;

static uint32_t rnd(uint32_t n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs % n);
}

/* A random finger of count minutiae on a 400x400 image. */
static void finger(amana_fp_template_t *t, unsigned count)
{
	memset(t, 0, sizeof(*t));
	t->width = 400;
	t->height = 400;
	t->quality = 80;
	t->count = (uint16_t)count;
	for (unsigned i = 0; i < count; i++) {
		t->minutiae[i].x = (uint16_t)(60 + rnd(280));
		t->minutiae[i].y = (uint16_t)(60 + rnd(280));
		t->minutiae[i].angle = (uint8_t)rnd(256);
		t->minutiae[i].type = (uint8_t)(1 + rnd(2));
		t->minutiae[i].quality = 60;
	}
}

/* Another impression: every minutia moved by up to +-2 pixels and a few
 * angle units, the last `drop` minutiae missing. */
static void impression(const amana_fp_template_t *a, amana_fp_template_t *b,
    unsigned drop)
{
	*b = *a;
	b->count = (uint16_t)(a->count - drop);
	for (unsigned i = 0; i < b->count; i++) {
		b->minutiae[i].x = (uint16_t)(b->minutiae[i].x + rnd(5) - 2);
		b->minutiae[i].y = (uint16_t)(b->minutiae[i].y + rnd(5) - 2);
		b->minutiae[i].angle = (uint8_t)(b->minutiae[i].angle + rnd(5) - 2);
	}
}

static size_t pack(const amana_fp_template_t *t, uint8_t out[BIO_FP_PACKED_MAX])
{
	size_t len = 0;
	CHECK_EQ(amana_fp_template_pack(t, out, BIO_FP_PACKED_MAX, &len), AMANA_OK);
	return len;
}

int main(void)
{
	static amana_fp_template_t a, t;
	static uint8_t s[5][BIO_FP_PACKED_MAX];
	uint16_t len[5];
	const uint8_t *sp[5];
	uint8_t order[5];
	size_t kept = 0;

	finger(&a, 40);
	impression(&a, &t, 0);
	len[0] = (uint16_t)pack(&t, s[0]);
	impression(&a, &t, 3);
	len[1] = (uint16_t)pack(&t, s[1]);
	finger(&t, 40); /* an outlier: another finger entirely */
	len[2] = (uint16_t)pack(&t, s[2]);
	impression(&a, &t, 6);
	len[3] = (uint16_t)pack(&t, s[3]);
	for (int i = 0; i < 4; i++)
		sp[i] = s[i];

	/* The outlier is the one left out; the rest best first. */
	CHECK_EQ(bio_fp_select(&work, sp, len, 4, 4000, 3, order, &kept), AMANA_OK);
	CHECK_EQ(kept, 3);
	for (size_t i = 0; i < kept; i++)
		CHECK(order[i] != 2);
	/* Deterministic. */
	uint8_t again[5];
	size_t kept2 = 0;
	CHECK_EQ(bio_fp_select(&work, sp, len, 4, 4000, 3, again, &kept2), AMANA_OK);
	CHECK(kept2 == kept && memcmp(order, again, kept) == 0);
	/* Count and byte budgets. */
	CHECK_EQ(bio_fp_select(&work, sp, len, 4, 4000, 1, order, &kept), AMANA_OK);
	CHECK_EQ(kept, 1);
	CHECK(order[0] != 2);
	CHECK_EQ(bio_fp_select(&work, sp, len, 4, (size_t)len[0] + len[1] - 1, 3, order, &kept),
	    AMANA_OK);
	size_t used = 0;
	for (size_t i = 0; i < kept; i++)
		used += len[order[i]];
	CHECK(kept >= 1 && used <= (size_t)len[0] + len[1] - 1);
	CHECK_EQ(bio_fp_select(&work, sp, len, 4, 10, 3, order, &kept), AMANA_ERR_BIO_FULL);
	CHECK_EQ(bio_fp_select(&work, sp, len, 0, 4000, 3, order, &kept), AMANA_ERR_ARG);
	CHECK_EQ(bio_fp_select(&work, sp, len, 9, 4000, 3, order, &kept), AMANA_ERR_ARG);

	/* Decisions: an impression of the same finger passes, an unrelated
	 * finger does not. */
	float sc = 0;
	CHECK_EQ(bio_fp_probe_load(&work, s[0], len[0], false), AMANA_OK);
	CHECK_EQ(bio_fp_score_ref(&work, s[1], len[1], &sc), AMANA_OK);
	CHECK(bio_fp_accept(sc));
	CHECK_EQ(bio_fp_score_ref(&work, s[2], len[2], &sc), AMANA_OK);
	CHECK(!bio_fp_accept(sc));
	/* A corrupted reference is an error, not a match. */
	s[1][0] ^= 0xFF;
	CHECK(bio_fp_score_ref(&work, s[1], len[1], &sc) != AMANA_OK);
	CHECK(!bio_fp_accept(0.0f));

	/* Probes: too few minutiae; poor quality only matters at enrolment. */
	finger(&t, BIO_FP_MIN_MINUTIAE - 1);
	len[4] = (uint16_t)pack(&t, s[4]);
	CHECK_EQ(bio_fp_probe_load(&work, s[4], len[4], false), AMANA_ERR_BIO_QUALITY);
	finger(&t, 30);
	t.quality = AMANA_FP_ENROL_MIN_QUALITY - 1;
	len[4] = (uint16_t)pack(&t, s[4]);
	CHECK_EQ(bio_fp_probe_load(&work, s[4], len[4], true), AMANA_ERR_BIO_QUALITY);
	CHECK_EQ(bio_fp_probe_load(&work, s[4], len[4], false), AMANA_OK);
	CHECK(bio_fp_probe_load(&work, s[4], len[4] - 1, false) != AMANA_OK);

	/* Faces: a template against itself, a version mismatch. */
	static uint8_t f1[AMANA_FACE_TEMPLATE_BYTES], f2[AMANA_FACE_TEMPLATE_BYTES];
	f1[0] = AMANA_FACE_TEMPLATE_VERSION;
	for (int i = 1; i < AMANA_FACE_TEMPLATE_BYTES; i++)
		f1[i] = (uint8_t)(int8_t)((int)rnd(200) - 100);
	memcpy(f2, f1, sizeof(f1));
	float cs = 0;
	CHECK_EQ(bio_face_score(f1, f2, &cs), AMANA_OK);
	CHECK(bio_face_accept(cs));
	for (int i = 1; i < AMANA_FACE_TEMPLATE_BYTES; i += 2)
		f2[i] = (uint8_t)(-(int8_t)f2[i]); /* half the vector flipped */
	CHECK_EQ(bio_face_score(f1, f2, &cs), AMANA_OK);
	CHECK(!bio_face_accept(cs));
	f2[0] = 99;
	CHECK(bio_face_score(f1, f2, &cs) != AMANA_OK);
	return check_done();
}
