/* test_fp_iso.c: ISO/IEC 19794-2:2005 records built here: round trip,
 * several views, extended data skipped, and each kind of malformed record
 * rejected with the error that names it. */
#include <string.h>

#include "amana/err.h"
#include "amana/fp.h"
#include "check.h"

static amana_fp_template_t views[3];
static uint8_t rec[4096], bad[4096];

static int rd(const uint8_t *r, size_t n)
{
	amana_fp_template_t out[3];
	size_t nv;
	return amana_fp_iso_read(r, n, out, 3, &nv, NULL);
}

static void set32(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int main(void)
{
	for (int v = 0; v < 3; v++) {
		amana_fp_template_t *t = &views[v];
		memset(t, 0, sizeof(*t));
		t->width = 300;
		t->height = 400;
		t->finger = (uint8_t)(v + 1);
		t->view = (uint8_t)v;
		t->quality = 60;
		t->count = (uint16_t)(10 + v);
		for (unsigned i = 0; i < t->count; i++) {
			t->minutiae[i].x = (uint16_t)(17 * i + (unsigned)v);
			t->minutiae[i].y = (uint16_t)(23 * i + 5);
			t->minutiae[i].angle = (uint8_t)(37 * i);
			t->minutiae[i].type = (uint8_t)(i % 3);
			t->minutiae[i].quality = (uint8_t)(i * 7);
		}
	}
	size_t len;
	CHECK_EQ(amana_fp_iso_write(views, 3, rec, sizeof(rec), &len), AMANA_OK);
	CHECK_EQ(len, amana_fp_iso_size(views, 3));
	amana_fp_template_t out[3];
	size_t nv = 0;
	amana_fp_iso_info_t info;
	CHECK_EQ(amana_fp_iso_read(rec, len, out, 3, &nv, &info), AMANA_OK);
	CHECK_EQ(nv, 3);
	CHECK_EQ(info.views, 3);
	CHECK_EQ(info.xres, 197);
	for (int v = 0; v < 3; v++)
		CHECK(memcmp(&out[v], &views[v], sizeof(out[v])) == 0);
	/* fewer slots than views: the first ones, no error */
	CHECK_EQ(amana_fp_iso_read(rec, len, out, 1, &nv, NULL), AMANA_OK);
	CHECK_EQ(nv, 1);

	/* one view with an extended data block (type 2, 6 bytes) */
	size_t l1;
	CHECK_EQ(amana_fp_iso_write(views, 1, bad, sizeof(bad), &l1), AMANA_OK);
	bad[l1 - 1] = 6; /* extended length */
	const uint8_t ext[6] = {0, 2, 0, 6, 0xaa, 0xbb};
	memcpy(bad + l1, ext, 6);
	set32(bad + 8, l1 + 6);
	CHECK_EQ(rd(bad, l1 + 6), AMANA_OK);
	bad[l1 + 3] = 9; /* block longer than the extended data */
	CHECK_EQ(rd(bad, l1 + 6), AMANA_ERR_FP_ISO_EXTENDED);
	bad[l1 + 3] = 2; /* block shorter than its header */
	CHECK_EQ(rd(bad, l1 + 6), AMANA_ERR_FP_ISO_EXTENDED);

	/* every truncation of a valid record is refused */
	for (size_t n = 0; n < len; n++)
		CHECK(rd(rec, n) != AMANA_OK);
#define MUT(stmt, want)                              \
	do {                                         \
		memcpy(bad, rec, len);               \
		stmt;                                \
		CHECK_EQ(rd(bad, len), want);        \
	} while (0)
	MUT(bad[0] = 'X', AMANA_ERR_FP_ISO_MAGIC);
	MUT(bad[5] = '3', AMANA_ERR_FP_ISO_VERSION);
	MUT(set32(bad + 8, len - 1), AMANA_ERR_FP_ISO_LENGTH);
	MUT(set32(bad + 8, len + 1), AMANA_ERR_FP_ISO_TRUNCATED);
	MUT(bad[14] = bad[15] = 0, AMANA_ERR_FP_ISO_IMAGE);   /* width 0 */
	MUT(bad[16] = bad[17] = 0, AMANA_ERR_FP_ISO_IMAGE);   /* height 0 */
	MUT(bad[18] = bad[19] = 0, AMANA_ERR_FP_ISO_IMAGE);   /* x resolution 0 */
	MUT(bad[22] = 0, AMANA_ERR_FP_ISO_VIEWS);
	MUT(bad[22] = 4, AMANA_ERR_FP_ISO_TRUNCATED);         /* more views than data */
	MUT(bad[24] = 11, AMANA_ERR_FP_ISO_VIEW);             /* finger position */
	MUT(bad[26] = 101, AMANA_ERR_FP_ISO_VIEW);            /* finger quality */
	MUT(bad[27] = 200, AMANA_ERR_FP_ISO_TRUNCATED);       /* count past the end */
	memcpy(bad, rec, len);
	bad[27] = 9; /* count short: the rest is misread, never accepted */
	CHECK(rd(bad, len) != AMANA_OK);
	MUT(bad[28] = 0xc0, AMANA_ERR_FP_ISO_MINUTIA);        /* reserved type 11 */
	MUT((bad[28] = 0x41, bad[29] = 0x2c), AMANA_ERR_FP_ISO_MINUTIA); /* x = 300 */
	MUT((bad[30] = 0x01, bad[31] = 0x90), AMANA_ERR_FP_ISO_MINUTIA); /* y = 400 */
	MUT(bad[30] = 0x40, AMANA_ERR_FP_ISO_MINUTIA);        /* reserved bits of y */
	MUT(bad[33] = 101, AMANA_ERR_FP_ISO_MINUTIA);         /* minutia quality */
	CHECK_EQ(amana_fp_iso_write(views, 3, rec, len - 1, &len), AMANA_ERR_BUFFER);
	CHECK_EQ(amana_fp_iso_read(NULL, 0, out, 1, &nv, NULL), AMANA_ERR_ARG);
	return check_done();
}
