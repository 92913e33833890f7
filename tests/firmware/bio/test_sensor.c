/* test_sensor.c: the simulator's sensor (firmware/port-host/sensor.c):
 * FVC TIFF and PGM fingerprints become packed templates the token accepts,
 * ORL faces become face templates, and every bad input is a clear error. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "amana/err.h"
#include "amana/face_template.h"
#include "amana/fp.h"
#include "check.h"
#include "sensor.h"

static char tmpdir[] = "/tmp/amana-sensor-XXXXXX";

static const char *write_file(const char *name, const void *p, size_t n)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	if (f != NULL) {
		if (n > 0)
			fwrite(p, 1, n, f);
		fclose(f);
	}
	return path;
}

static int capture(amana_sensor_t *s, const char *path, uint8_t mod, size_t *len)
{
	static uint8_t out[AMANA_SENSOR_SAMPLE_MAX];
	return amana_sensor_capture(s, path, mod, out, sizeof(out), len, NULL);
}

int main(void)
{
	const char *data = check_data_dir();
	amana_sensor_t *s = NULL;
	static uint8_t out[AMANA_SENSOR_SAMPLE_MAX], img[160 * 160 + 64];
	size_t len = 0;
	int q = -1;
	char path[1024];
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	CHECK_EQ(amana_sensor_new(&s, NULL), AMANA_OK);
	if (s == NULL)
		return 1;

	/* Arguments. */
	CHECK_EQ(amana_sensor_capture(s, "x", 9, out, sizeof(out), &len, NULL), AMANA_ERR_ARG);
	CHECK_EQ(amana_sensor_capture(s, "x", AMANA_SENSOR_FINGER, out, 10, &len, NULL),
	    AMANA_ERR_ARG);
	CHECK_EQ(amana_sensor_capture(s, NULL, AMANA_SENSOR_FINGER, out, sizeof(out), &len, NULL),
	    AMANA_ERR_ARG);

	/* Files that are not images, or broken ones. */
	CHECK_EQ(capture(s, "/nonexistent/finger.tif", AMANA_SENSOR_FINGER, &len), AMANA_ERR_IO);
	CHECK_EQ(capture(s, write_file("empty", "", 0), AMANA_SENSOR_FINGER, &len),
	    AMANA_ERR_SENSOR_IMAGE);
	CHECK_EQ(capture(s, write_file("text", "hello world\n", 12), AMANA_SENSOR_FINGER, &len),
	    AMANA_ERR_SENSOR_IMAGE);
	static const char *bad_pgm[] = {
		"P5 160 160 255",           /* no pixels */
		"P5 160 160 256\n",         /* maxval past 8 bits */
		"P5 0 160 255\n",           /* zero width */
		"P5 99999999 160 255\n",    /* absurd width */
		"P5 8 8 255\n",             /* too small to be a finger */
		"P5 160 # comment\n",       /* truncated header */
		"P2 160 160 255\n",         /* ASCII PGM is not supported */
	};
	for (size_t i = 0; i < sizeof(bad_pgm) / sizeof(bad_pgm[0]); i++) {
		int rc = capture(s, write_file("bad.pgm", bad_pgm[i], strlen(bad_pgm[i])),
		    AMANA_SENSOR_FINGER, &len);
		if (rc != AMANA_ERR_SENSOR_IMAGE)
			fprintf(stderr, "bad pgm %zu: %d\n", i, rc);
		CHECK_EQ(rc, AMANA_ERR_SENSOR_IMAGE);
	}
	/* A PGM whose pixels stop short. */
	int h = snprintf((char *)img, 64, "P5\n# c\n160 160\n255\n");
	memset(img + h, 0x80, 1000);
	CHECK_EQ(capture(s, write_file("short.pgm", img, (size_t)h + 1000), AMANA_SENSOR_FINGER,
	    &len), AMANA_ERR_SENSOR_IMAGE);
	/* A flat grey PGM parses but holds no finger: the extractor refuses it
	 * or finds too few minutiae for the token (never a crash). */
	memset(img + h, 0x80, 160 * 160);
	int rc = amana_sensor_capture(s, write_file("flat.pgm", img, (size_t)h + 160 * 160),
	    AMANA_SENSOR_FINGER, out, sizeof(out), &len, NULL);
	if (rc == AMANA_OK) {
		amana_fp_template_t t;
		CHECK_EQ(amana_fp_template_unpack(out, len, &t), AMANA_OK);
		CHECK(t.count > 0 && t.count < 12);
	} else {
		CHECK(rc == AMANA_ERR_SENSOR_QUALITY || rc < -100);
	}

	if (data == NULL) {
		amana_sensor_free(&s);
		rmdir(tmpdir);
		SKIP("AMANA_DATA not set: image checks skipped");
	}
	snprintf(path, sizeof(path), "%s/fvc2002/DB1_B/101_1.tif", data);
	if (access(path, R_OK) == 0) {
		/* The real thing: a packed template that unpacks, 11..611 bytes,
		 * deterministic. */
		static uint8_t again[AMANA_SENSOR_SAMPLE_MAX];
		size_t len2 = 0;
		CHECK_EQ(amana_sensor_capture(s, path, AMANA_SENSOR_FINGER, out, sizeof(out),
		    &len, &q), AMANA_OK);
		CHECK(q >= 0 && q <= 100);
		amana_fp_template_t t;
		CHECK_EQ(amana_fp_template_unpack(out, len, &t), AMANA_OK);
		CHECK(t.count > 0);
		CHECK_EQ(amana_sensor_capture(s, path, AMANA_SENSOR_FINGER, again,
		    sizeof(again), &len2, NULL), AMANA_OK);
		CHECK(len == len2 && memcmp(out, again, len) == 0);
		/* A truncated copy of the TIFF is refused. */
		FILE *f = fopen(path, "rb");
		static uint8_t tif[200000];
		size_t n = f != NULL ? fread(tif, 1, sizeof(tif), f) : 0;
		if (f != NULL)
			fclose(f);
		CHECK(n > 1000);
		CHECK_EQ(capture(s, write_file("cut.tif", tif, n / 2), AMANA_SENSOR_FINGER, &len),
		    AMANA_ERR_SENSOR_IMAGE);
		CHECK_EQ(capture(s, write_file("head.tif", tif, 8), AMANA_SENSOR_FINGER, &len),
		    AMANA_ERR_SENSOR_IMAGE);
	} else {
		printf("no FVC2002 data: TIFF checks skipped\n");
	}
	snprintf(path, sizeof(path), "%s/faces/orl/s1/1.pgm", data);
	if (access(path, R_OK) == 0) {
		rc = amana_sensor_capture(s, path, AMANA_SENSOR_FACE, out, sizeof(out), &len, &q);
		if (rc == AMANA_OK) {
			CHECK_EQ(len, AMANA_FACE_TEMPLATE_BYTES);
			CHECK_EQ(out[0], AMANA_FACE_TEMPLATE_VERSION);
			/* the same ORL image read as a fingerprint is still an image */
			CHECK(capture(s, path, AMANA_SENSOR_FINGER, &len) != AMANA_ERR_SENSOR_IMAGE);
		} else {
			printf("face engine unavailable (%s): face checks skipped\n", amana_strerr(rc));
		}
	}
	amana_sensor_free(&s);
	CHECK(s == NULL);
	amana_sensor_free(&s); /* twice is fine */
	snprintf(path, sizeof(path), "rm -rf '%s'", tmpdir);
	if (system(path) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	return check_done();
}
