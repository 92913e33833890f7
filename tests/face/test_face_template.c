/* test_face_template.c: the C11 template comparison (no models needed):
 * known cosines, symmetry, version and format refusals. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "amana/err.h"
#include "amana/face_template.h"
#include "check.h"

static void set(uint8_t t[AMANA_FACE_TEMPLATE_BYTES], size_t i, int v)
{
	int8_t s = (int8_t)v;
	memcpy(&t[1 + i], &s, 1);
}

static void blank(uint8_t t[AMANA_FACE_TEMPLATE_BYTES])
{
	memset(t, 0, AMANA_FACE_TEMPLATE_BYTES);
	t[0] = AMANA_FACE_TEMPLATE_VERSION;
}

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 9;
}

int main(void)
{
	uint8_t a[AMANA_FACE_TEMPLATE_BYTES], b[AMANA_FACE_TEMPLATE_BYTES];
	float c = 2.0f;

	/* (3, 4) against (4, 3): 24 / 25. */
	blank(a);
	blank(b);
	set(a, 0, 3);
	set(a, 1, 4);
	set(b, 0, 4);
	set(b, 1, 3);
	CHECK_EQ(amana_face_template_compare(a, b, &c), AMANA_OK);
	CHECK(fabsf(c - 0.96f) < 1e-6f);

	/* Orthogonal, opposite, and a pair at the int8 extremes. */
	blank(b);
	set(b, 0, -4);
	set(b, 1, 3);
	CHECK_EQ(amana_face_template_compare(a, b, &c), AMANA_OK);
	CHECK(fabsf(c) < 1e-6f);
	blank(b);
	set(b, 0, -3);
	set(b, 1, -4);
	CHECK_EQ(amana_face_template_compare(a, b, &c), AMANA_OK);
	CHECK(c == -1.0f);
	for (size_t i = 0; i < AMANA_FACE_TEMPLATE_DIM; i++) {
		set(a, i, 127);
		set(b, i, i % 2 ? 127 : -127);
	}
	CHECK_EQ(amana_face_template_compare(a, b, &c), AMANA_OK);
	CHECK(fabsf(c) < 1e-6f);

	/* Random templates: self-comparison is exactly 1, comparison is
	 * symmetric, and agrees with a double-precision cosine. */
	uint32_t s = 7;
	for (int round = 0; round < 50; round++) {
		blank(a);
		blank(b);
		double dot = 0, na = 0, nb = 0;
		for (size_t i = 0; i < AMANA_FACE_TEMPLATE_DIM; i++) {
			int x = (int)(lcg(&s) % 255u) - 127, y = (int)(lcg(&s) % 255u) - 127;
			if (round % 2)
				y = (x + y / 4) / 2; /* correlated */
			set(a, i, x);
			set(b, i, y);
			dot += x * y;
			na += x * x;
			nb += y * y;
		}
		float ab, ba, aa;
		CHECK_EQ(amana_face_template_compare(a, b, &ab), AMANA_OK);
		CHECK_EQ(amana_face_template_compare(b, a, &ba), AMANA_OK);
		CHECK_EQ(amana_face_template_compare(a, a, &aa), AMANA_OK);
		CHECK(ab == ba);
		CHECK(aa == 1.0f);
		CHECK(fabs((double)ab - dot / sqrt(na * nb)) < 1e-5);
	}

	/* Refusals: version, -128, all zero, NULL; *cosine is 0 after each. */
	blank(a);
	set(a, 5, 10);
	memcpy(b, a, sizeof(b));
	b[0] = AMANA_FACE_TEMPLATE_VERSION + 1;
	c = 0.5f;
	CHECK_EQ(amana_face_template_compare(a, b, &c), AMANA_ERR_FACE_VERSION);
	CHECK(c == 0.0f);
	CHECK_EQ(amana_face_template_compare(b, a, &c), AMANA_ERR_FACE_VERSION);
	b[0] = AMANA_FACE_TEMPLATE_VERSION;
	set(b, 7, -128);
	CHECK_EQ(amana_face_template_compare(a, b, &c), AMANA_ERR_FORMAT);
	blank(b);
	CHECK_EQ(amana_face_template_compare(a, b, &c), AMANA_ERR_FORMAT);
	CHECK_EQ(amana_face_template_compare(NULL, a, &c), AMANA_ERR_ARG);
	CHECK_EQ(amana_face_template_compare(a, NULL, &c), AMANA_ERR_ARG);
	CHECK_EQ(amana_face_template_compare(a, a, NULL), AMANA_ERR_ARG);

	/* The threshold is a cosine strictly inside (0, 1). */
	CHECK(AMANA_FACE_THRESHOLD_FMR1E4 > 0.0f && AMANA_FACE_THRESHOLD_FMR1E4 < 1.0f);
	return check_done();
}
