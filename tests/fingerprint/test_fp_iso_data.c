/* test_fp_iso_data.c: the 320 SecuGen-made records of ../shared/data load
 * and survive a write/read round trip; the three truncated ones in
 * invalid-iso/ are refused as truncated. */
#include <stdio.h>
#include <string.h>

#include "amana/err.h"
#include "amana/fp.h"
#include "check.h"

static size_t slurp(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return 0;
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

int main(void)
{
	const char *data = check_data_dir();
	char path[4096];
	static uint8_t buf[65536], out[65536];
	if (data == NULL)
		SKIP("AMANA_DATA not set");
	snprintf(path, sizeof(path), "%s/fvc2002/DB1_B/101_1.iso", data);
	if (slurp(path, buf, sizeof(buf)) == 0)
		SKIP("%s absent", path);
	int loaded = 0, minutiae = 0;
	for (int db = 1; db <= 4; db++)
		for (int f = 101; f <= 110; f++)
			for (int i = 1; i <= 8; i++) {
				snprintf(path, sizeof(path), "%s/fvc2002/DB%d_B/%d_%d.iso", data, db, f, i);
				size_t n = slurp(path, buf, sizeof(buf));
				amana_fp_template_t t, u;
				size_t nv = 0, len = 0;
				amana_fp_iso_info_t info;
				int err = amana_fp_iso_read(buf, n, &t, 1, &nv, &info);
				CHECK_EQ(err, AMANA_OK);
				if (err != AMANA_OK) {
					fprintf(stderr, "%s: %s\n", path, amana_strerr(err));
					continue;
				}
				CHECK_EQ(nv, 1);
				CHECK_EQ(info.width, 300);
				CHECK_EQ(info.height, 400);
				CHECK(t.count > 0);
				loaded++;
				minutiae += t.count;
				CHECK_EQ(amana_fp_iso_write(&t, 1, out, sizeof(out), &len), AMANA_OK);
				CHECK_EQ(amana_fp_iso_read(out, len, &u, 1, &nv, NULL), AMANA_OK);
				CHECK(memcmp(&t, &u, sizeof(t)) == 0);
			}
	CHECK_EQ(loaded, 320);
	const char *bad[] = {"101_1_truncate_1_byte.iso", "101_1_truncate_2_bytes.iso",
	    "101_1_truncate_3_bytes.iso"};
	for (int k = 0; k < 3; k++) {
		snprintf(path, sizeof(path), "%s/fvc2002/invalid-iso/%s", data, bad[k]);
		size_t n = slurp(path, buf, sizeof(buf));
		CHECK(n > 0);
		amana_fp_template_t t;
		size_t nv;
		CHECK_EQ(amana_fp_iso_read(buf, n, &t, 1, &nv, NULL), AMANA_ERR_FP_ISO_TRUNCATED);
	}
	printf("%d records, %.1f minutiae on average\n", loaded, loaded ? (double)minutiae / loaded : 0.0);
	return check_done();
}
