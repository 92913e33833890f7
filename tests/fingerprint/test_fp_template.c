/* test_fp_template.c: the compact token form: round trip, size bound and
 * every corruption rejected with its specific error. */
#include <string.h>

#include "amana/err.h"
#include "amana/fp.h"
#include "check.h"

static void make(amana_fp_template_t *t, unsigned n)
{
	memset(t, 0, sizeof(*t));
	t->width = 388;
	t->height = 374;
	t->finger = 2;
	t->view = 1;
	t->impression = 0;
	t->quality = 77;
	t->count = (uint16_t)n;
	uint32_t s = 12345;
	for (unsigned i = 0; i < n; i++) {
		s = s * 1103515245u + 12345u;
		t->minutiae[i].x = (uint16_t)((s >> 8) % 388);
		t->minutiae[i].y = (uint16_t)((s >> 4) % 374);
		t->minutiae[i].angle = (uint8_t)(s >> 20);
		t->minutiae[i].type = (uint8_t)(1 + (s >> 30) % 2);
		t->minutiae[i].quality = (uint8_t)((s >> 12) % 101);
	}
}

int main(void)
{
	amana_fp_template_t t, u;
	uint8_t buf[AMANA_FP_TEMPLATE_MAX_BYTES + 16];
	size_t len = 0;

	make(&t, AMANA_FP_MAX_MINUTIAE);
	CHECK_EQ(amana_fp_template_pack(&t, buf, sizeof(buf), &len), AMANA_OK);
	CHECK(len <= AMANA_FP_TEMPLATE_MAX_BYTES);
	CHECK_EQ(amana_fp_template_unpack(buf, len, &u), AMANA_OK);
	CHECK(memcmp(&t, &u, sizeof(t)) == 0);
	CHECK_EQ(amana_fp_template_pack(&t, buf, len - 1, &len), AMANA_ERR_BUFFER);

	make(&t, 30);
	CHECK_EQ(amana_fp_template_pack(&t, buf, sizeof(buf), &len), AMANA_OK);
	CHECK_EQ(len, 11 + 6 * 30);
	uint8_t bad[AMANA_FP_TEMPLATE_MAX_BYTES];
	/* every truncation */
	for (size_t n = 0; n < len; n++)
		CHECK(amana_fp_template_unpack(buf, n, &u) != AMANA_OK);
	CHECK_EQ(amana_fp_template_unpack(buf, len + 1, &u), AMANA_ERR_FORMAT);
	memcpy(bad, buf, len);
	bad[0] = 'X';
	CHECK_EQ(amana_fp_template_unpack(bad, len, &u), AMANA_ERR_FP_TPL_MAGIC);
	memcpy(bad, buf, len);
	bad[2] = 9;
	CHECK_EQ(amana_fp_template_unpack(bad, len, &u), AMANA_ERR_FP_TPL_VERSION);
	memcpy(bad, buf, len);
	bad[3] = AMANA_FP_MAX_MINUTIAE + 1;
	CHECK_EQ(amana_fp_template_unpack(bad, len, &u), AMANA_ERR_FP_TPL_INVALID);
	memcpy(bad, buf, len);
	bad[4] = bad[5] = 0; /* zero width */
	CHECK_EQ(amana_fp_template_unpack(bad, len, &u), AMANA_ERR_FP_TPL_INVALID);
	memcpy(bad, buf, len);
	bad[11] = 0x3f; /* x = 0x3fxx, outside the image */
	CHECK_EQ(amana_fp_template_unpack(bad, len, &u), AMANA_ERR_FP_TPL_INVALID);
	memcpy(bad, buf, len);
	bad[11] = (uint8_t)(bad[11] | 0xc0); /* type 3 */
	CHECK_EQ(amana_fp_template_unpack(bad, len, &u), AMANA_ERR_FP_TPL_INVALID);
	memcpy(bad, buf, len);
	bad[16] = 101; /* quality */
	CHECK_EQ(amana_fp_template_unpack(bad, len, &u), AMANA_ERR_FP_TPL_INVALID);
	/* a failed unpack leaves the output untouched */
	memset(&u, 0xab, sizeof(u));
	amana_fp_template_t before = u;
	CHECK(amana_fp_template_unpack(bad, len, &u) != AMANA_OK);
	CHECK(memcmp(&u, &before, sizeof(u)) == 0);
	CHECK_EQ(amana_fp_template_pack(NULL, buf, sizeof(buf), &len), AMANA_ERR_ARG);
	t.count = AMANA_FP_MAX_MINUTIAE + 1;
	CHECK_EQ(amana_fp_template_check(&t), AMANA_ERR_FP_TPL_INVALID);
	return check_done();
}
