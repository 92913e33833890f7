/* test_face_pipeline.c: image -> template with the real models on ORL
 * faces: determinism, a mirrored and a rotated face still match, two faces
 * are refused, and every kind of bad input or model is a clear error.
 * Skips when the models or ../shared/data are missing.
 * usage: test_face_pipeline SOURCE-ROOT (for the seed images) */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amana/err.h"
#include "amana/face.h"
#include "check.h"
#include "face_util.h"

static amana_face_engine_t *eng;
static const char *data, *root;
static const float thr = AMANA_FACE_THRESHOLD_FMR1E4;
static uint8_t zero[AMANA_FACE_TEMPLATE_BYTES];

static int tmpl_file(int subject, int image, uint8_t t[AMANA_FACE_TEMPLATE_BYTES])
{
	char p[1024];
	fu_orl(p, sizeof(p), data, subject, image);
	return amana_face_template_from_file(eng, p, t, NULL);
}

static float cmp(const uint8_t *a, const uint8_t *b)
{
	float c = -2.0f;
	CHECK_EQ(amana_face_template_compare(a, b, &c), AMANA_OK);
	return c;
}

static void test_determinism(void)
{
	uint8_t a[AMANA_FACE_TEMPLATE_BYTES], b[AMANA_FACE_TEMPLATE_BYTES], c[AMANA_FACE_TEMPLATE_BYTES];
	CHECK_EQ(tmpl_file(3, 1, a), AMANA_OK);
	CHECK_EQ(tmpl_file(3, 1, b), AMANA_OK);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	CHECK_EQ(a[0], AMANA_FACE_TEMPLATE_VERSION);
	/* The same pixels through the raw-image entry point, and a second
	 * engine: the same bytes. */
	char p[1024];
	uint32_t w, h;
	fu_orl(p, sizeof(p), data, 3, 1);
	uint8_t *g = fu_load_grey(p, &w, &h);
	CHECK(g != NULL && w == 92 && h == 112);
	amana_face_report_t r;
	CHECK_EQ(amana_face_template_from_image(eng, g, w, h, c, &r), AMANA_OK);
	CHECK(memcmp(a, c, sizeof(a)) == 0);
	CHECK_EQ(r.reason, AMANA_OK);
	CHECK(strcmp(r.stage, "done") == 0);
	CHECK(r.faces == 1 && r.score > 0.65f && r.eye_distance > 8.0f);
	amana_face_engine_t *e2 = NULL;
	CHECK_EQ(amana_face_engine_new(&e2, NULL), AMANA_OK);
	CHECK_EQ(amana_face_template_from_image(e2, g, w, h, c, NULL), AMANA_OK);
	CHECK(memcmp(a, c, sizeof(a)) == 0);
	amana_face_engine_free(&e2);
	CHECK(e2 == NULL);
	free(g);
}

/* Bilinear rotation about the centre, black outside. */
static void rotate(const uint8_t *src, uint8_t *dst, uint32_t w, uint32_t h, double deg)
{
	double c = cos(deg * M_PI / 180), s = sin(deg * M_PI / 180);
	double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			double sx = c * (x - cx) + s * (y - cy) + cx;
			double sy = -s * (x - cx) + c * (y - cy) + cy;
			int x0 = (int)floor(sx), y0 = (int)floor(sy);
			double fx = sx - x0, fy = sy - y0, v = 0;
			for (int k = 0; k < 4; k++) {
				int xx = x0 + (k & 1), yy = y0 + (k >> 1);
				double wt = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy);
				if (xx >= 0 && yy >= 0 && xx < (int)w && yy < (int)h)
					v += wt * src[(size_t)yy * w + (size_t)xx];
			}
			dst[(size_t)y * w + x] = (uint8_t)lround(v);
		}
}

static void test_variants_match(void)
{
	uint8_t a[AMANA_FACE_TEMPLATE_BYTES], b[AMANA_FACE_TEMPLATE_BYTES], m[AMANA_FACE_TEMPLATE_BYTES];
	uint8_t other[AMANA_FACE_TEMPLATE_BYTES];
	char p[1024];
	uint32_t w, h;
	CHECK_EQ(tmpl_file(5, 1, a), AMANA_OK);
	CHECK_EQ(tmpl_file(5, 2, b), AMANA_OK);
	CHECK_EQ(tmpl_file(6, 1, other), AMANA_OK);
	CHECK(cmp(a, b) >= thr);      /* same person */
	CHECK(cmp(a, other) < thr);   /* someone else */

	fu_orl(p, sizeof(p), data, 5, 1);
	uint8_t *g = fu_load_grey(p, &w, &h);
	CHECK(g != NULL);
	if (g == NULL)
		return;
	uint8_t *v = malloc((size_t)w * h);
	for (uint32_t y = 0; y < h; y++) /* mirror */
		for (uint32_t x = 0; x < w; x++)
			v[y * w + x] = g[y * w + (w - 1 - x)];
	CHECK_EQ(amana_face_template_from_image(eng, v, w, h, m, NULL), AMANA_OK);
	CHECK(memcmp(m, a, sizeof(m)) != 0); /* really another image */
	CHECK(cmp(m, a) >= thr);
	CHECK(cmp(m, b) >= thr);
	for (int deg = -10; deg <= 10; deg += 20) { /* slightly rotated */
		rotate(g, v, w, h, deg);
		CHECK_EQ(amana_face_template_from_image(eng, v, w, h, m, NULL), AMANA_OK);
		CHECK(cmp(m, a) >= thr);
		CHECK(cmp(m, b) >= thr);
		CHECK(cmp(m, other) < thr);
	}
	free(v);
	free(g);
}

static void test_two_faces(void)
{
	char p[1024];
	uint32_t w1, h1, w2, h2;
	fu_orl(p, sizeof(p), data, 7, 1);
	uint8_t *a = fu_load_grey(p, &w1, &h1);
	fu_orl(p, sizeof(p), data, 8, 1);
	uint8_t *b = fu_load_grey(p, &w2, &h2);
	CHECK(a != NULL && b != NULL && w1 == w2 && h1 == h2);
	if (a == NULL || b == NULL || w1 != w2 || h1 != h2) {
		free(a);
		free(b);
		return;
	}
	uint32_t w = 2 * w1, h = h1;
	uint8_t *two = malloc((size_t)w * h), t[AMANA_FACE_TEMPLATE_BYTES];
	for (uint32_t y = 0; y < h; y++) {
		memcpy(two + y * w, a + y * w1, w1);
		memcpy(two + y * w + w1, b + y * w1, w1);
	}
	amana_face_report_t r;
	CHECK_EQ(amana_face_template_from_image(eng, two, w, h, t, &r), AMANA_ERR_FACE_SEVERAL);
	CHECK_EQ(r.reason, AMANA_ERR_FACE_SEVERAL);
	CHECK(r.faces >= 2);
	CHECK(memcmp(t, zero, sizeof(t)) == 0);
	free(two);
	free(a);
	free(b);
}

static void test_no_face(void)
{
	uint32_t w = 160, h = 120;
	uint8_t *img = malloc((size_t)w * h), t[AMANA_FACE_TEMPLATE_BYTES];
	amana_face_report_t r;
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			img[y * w + x] = (uint8_t)(x + y / 2);
	memset(t, 0xAA, sizeof(t));
	CHECK_EQ(amana_face_template_from_image(eng, img, w, h, t, &r), AMANA_ERR_FACE_NONE);
	CHECK(strcmp(r.stage, "detect") == 0 && r.faces == 0);
	CHECK(memcmp(t, zero, sizeof(t)) == 0);
	memset(img, 128, (size_t)w * h);
	CHECK_EQ(amana_face_template_from_image(eng, img, w, h, t, NULL), AMANA_ERR_FACE_NONE);
	free(img);
}

/* Quality refusals, each with its own reason: a box-blurred face (7x7),
 * a face with its grey levels divided by 4 (dark, flat), a face turned
 * about 57 degrees (ORL s2/6.pgm). */
static void test_quality(void)
{
	char p[1024];
	uint32_t w, h;
	uint8_t t[AMANA_FACE_TEMPLATE_BYTES];
	amana_face_report_t r;
	fu_orl(p, sizeof(p), data, 3, 1);
	uint8_t *g = fu_load_grey(p, &w, &h);
	CHECK(g != NULL);
	if (g == NULL)
		return;
	uint8_t *v = malloc((size_t)w * h);
	for (int y = 0; y < (int)h; y++)
		for (int x = 0; x < (int)w; x++) {
			int sum = 0, n = 0;
			for (int dy = -3; dy <= 3; dy++)
				for (int dx = -3; dx <= 3; dx++) {
					int xx = x + dx, yy = y + dy;
					if (xx >= 0 && yy >= 0 && xx < (int)w && yy < (int)h) {
						sum += g[yy * (int)w + xx];
						n++;
					}
				}
			v[y * (int)w + x] = (uint8_t)(sum / n);
		}
	CHECK_EQ(amana_face_template_from_image(eng, v, w, h, t, &r), AMANA_ERR_FACE_BLUR);
	CHECK(strcmp(r.stage, "quality") == 0 && r.sharpness < 15.0f && r.faces == 1);
	for (size_t i = 0; i < (size_t)w * h; i++)
		v[i] = (uint8_t)(g[i] / 4);
	CHECK_EQ(amana_face_template_from_image(eng, v, w, h, t, &r), AMANA_ERR_FACE_EXPOSURE);
	CHECK(r.brightness < 60.0f);
	free(v);
	free(g);
	fu_orl(p, sizeof(p), data, 2, 6);
	CHECK_EQ(amana_face_template_from_file(eng, p, t, &r), AMANA_ERR_FACE_POSE);
	CHECK(r.yaw < -45.0f || r.yaw > 45.0f);
	CHECK(memcmp(t, zero, sizeof(t)) == 0);
}

/* Loads a seed image of the fuzz corpus. */
static uint8_t *seed(const char *name, size_t *len)
{
	char p[1024];
	snprintf(p, sizeof(p), "%s/tests/face/corpus/fuzz_face_decode/%s", root, name);
	uint8_t *b = fu_read(p, len);
	CHECK(b != NULL);
	return b;
}

static void test_bad_images(void)
{
	uint8_t t[AMANA_FACE_TEMPLATE_BYTES];
	amana_face_report_t r;
	/* Empty input, a non-image, a 1x1 image. */
	CHECK_EQ(amana_face_template_from_encoded(eng, (const uint8_t *)"", 0, t, &r), AMANA_ERR_FACE_IMAGE);
	CHECK(strcmp(r.stage, "decode") == 0);
	const char *text = "this is not an image\n";
	CHECK_EQ(amana_face_template_from_encoded(eng, (const uint8_t *)text, strlen(text), t, NULL),
	    AMANA_ERR_FACE_IMAGE);
	const uint8_t one_pgm[] = "P5 1 1 255\n\x80";
	CHECK_EQ(amana_face_template_from_encoded(eng, one_pgm, sizeof(one_pgm) - 1, t, &r), AMANA_ERR_FACE_SMALL);
	CHECK(r.width == 1 && r.height == 1);
	size_t n;
	uint8_t *png = seed("one.png", &n);
	if (png != NULL)
		CHECK_EQ(amana_face_template_from_encoded(eng, png, n, t, NULL), AMANA_ERR_FACE_SMALL);
	free(png);
	const uint8_t px = 7;
	CHECK_EQ(amana_face_template_from_image(eng, &px, 1, 1, t, NULL), AMANA_ERR_FACE_SMALL);

	/* PNG: truncated, and a corrupted byte in the compressed data (the
	 * CRC no longer matches). Decodable seeds decode but hold no face. */
	png = seed("grad.png", &n);
	if (png != NULL) {
		CHECK_EQ(amana_face_template_from_encoded(eng, png, n, t, NULL), AMANA_ERR_FACE_NONE);
		CHECK_EQ(amana_face_template_from_encoded(eng, png, n / 2, t, NULL), AMANA_ERR_FACE_IMAGE);
		CHECK_EQ(amana_face_template_from_encoded(eng, png, 20, t, NULL), AMANA_ERR_FACE_IMAGE);
		png[n / 2] ^= 0x55;
		CHECK_EQ(amana_face_template_from_encoded(eng, png, n, t, NULL), AMANA_ERR_FACE_IMAGE);
		free(png);
	}
	/* JPEG: a header cut inside its tables, and a frame header whose
	 * component count is impossible. A JPEG cut inside its entropy-coded
	 * data decodes as grey padding (libjpeg's choice): no face. */
	uint8_t *jpg = seed("grad.jpg", &n);
	if (jpg != NULL) {
		CHECK_EQ(amana_face_template_from_encoded(eng, jpg, 30, t, NULL), AMANA_ERR_FACE_IMAGE);
		int rc = amana_face_template_from_encoded(eng, jpg, n - 200, t, NULL);
		CHECK(rc == AMANA_ERR_FACE_IMAGE || rc == AMANA_ERR_FACE_NONE);
		for (size_t i = 2; i + 9 < n; i++)
			if (jpg[i] == 0xFF && jpg[i + 1] == 0xC0) {
				jpg[i + 9] = 0; /* Nf = 0 components */
				break;
			}
		CHECK_EQ(amana_face_template_from_encoded(eng, jpg, n, t, NULL), AMANA_ERR_FACE_IMAGE);
		free(jpg);
	}
	/* Headers that announce sizes beyond the limit. */
	const uint8_t big_pgm[] = "P5 5000 10 255\n";
	CHECK_EQ(amana_face_template_from_encoded(eng, big_pgm, sizeof(big_pgm) - 1, t, NULL), AMANA_ERR_LIMIT);
	uint8_t *g = calloc(1, 16);
	CHECK_EQ(amana_face_template_from_image(eng, g, AMANA_FACE_MAX_SIDE + 1, 1, t, NULL), AMANA_ERR_LIMIT);
	free(g);

	/* Files: missing, empty, a directory. */
	CHECK_EQ(amana_face_template_from_file(eng, "/nonexistent/face.png", t, &r), AMANA_ERR_FACE_IMAGE);
	CHECK_EQ(r.reason, AMANA_ERR_FACE_IMAGE);
	char dir[] = "/tmp/amana-face-XXXXXX", p[1100];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(p, sizeof(p), "%s/empty.png", dir);
	CHECK(fu_write(p, "", 0) == 0);
	CHECK_EQ(amana_face_template_from_file(eng, p, t, NULL), AMANA_ERR_FACE_IMAGE);
	unlink(p);
	CHECK_EQ(amana_face_template_from_file(eng, dir, t, NULL), AMANA_ERR_FACE_IMAGE);
	rmdir(dir);

	/* NULL arguments. */
	CHECK_EQ(amana_face_template_from_file(NULL, "x", t, NULL), AMANA_ERR_ARG);
	CHECK_EQ(amana_face_template_from_file(eng, NULL, t, NULL), AMANA_ERR_ARG);
	CHECK_EQ(amana_face_template_from_image(eng, NULL, 10, 10, t, NULL), AMANA_ERR_ARG);
	CHECK_EQ(amana_face_template_from_encoded(eng, NULL, 0, t, NULL), AMANA_ERR_ARG);
}

static void test_models(void)
{
	amana_face_engine_t *e = (amana_face_engine_t *)1;
	CHECK_EQ(amana_face_engine_new(&e, "/nonexistent-model-dir"), AMANA_ERR_FACE_MODEL);
	CHECK(e == NULL);
	char det[1024], lmk[1024], feat[1024], txt[1024];
	const char *dir = fu_model_dir();
	snprintf(det, sizeof(det), "%s/fr_detect.onnx", dir);
	snprintf(lmk, sizeof(lmk), "%s/fr_landmark.onnx", dir);
	snprintf(feat, sizeof(feat), "%s/fr_feature.onnx", dir);
	snprintf(txt, sizeof(txt), "%s/tests/face/corpus/fuzz_face_decode/text.txt", root);
	amana_face_models_t m = {0};
	m.detect = lmk; /* a real network, the wrong one */
	CHECK_EQ(amana_face_engine_new_with(&e, &m), AMANA_ERR_FACE_MODEL);
	m.detect = NULL;
	m.feature = det;
	CHECK_EQ(amana_face_engine_new_with(&e, &m), AMANA_ERR_FACE_MODEL);
	m.feature = NULL;
	m.landmark = txt; /* not a network at all */
	CHECK_EQ(amana_face_engine_new_with(&e, &m), AMANA_ERR_FACE_MODEL);
	m.landmark = NULL;
	m.detector = AMANA_FACE_DETECT_CASCADE;
	m.cascade = txt;
	CHECK_EQ(amana_face_engine_new_with(&e, &m), AMANA_ERR_FACE_MODEL);
	CHECK(e == NULL);
	CHECK_EQ(amana_face_engine_new(NULL, NULL), AMANA_ERR_ARG);
	amana_face_engine_free(NULL);
	amana_face_engine_free(&e);

	/* Every path given explicitly works as well as the directory. */
	amana_face_models_t all = {0};
	all.dir = "/nonexistent-model-dir";
	all.detect = det;
	all.landmark = lmk;
	all.feature = feat;
	CHECK_EQ(amana_face_engine_new_with(&e, &all), AMANA_OK);
	amana_face_engine_free(&e);

	/* BlazeFace as the detector: the same person comes out. A detector
	 * file of the wrong network is refused. */
	char blaze[1024];
	snprintf(blaze, sizeof(blaze), "%s/blazeface_front_128.onnx", dir);
	FILE *bf = fopen(blaze, "rb");
	if (bf != NULL) {
		fclose(bf);
		amana_face_models_t bm = {0};
		bm.detector = AMANA_FACE_DETECT_BLAZEFACE;
		bm.blazeface = det;
		CHECK_EQ(amana_face_engine_new_with(&e, &bm), AMANA_ERR_FACE_MODEL);
		bm.blazeface = NULL;
		CHECK_EQ(amana_face_engine_new_with(&e, &bm), AMANA_OK);
		uint8_t x[AMANA_FACE_TEMPLATE_BYTES], y[AMANA_FACE_TEMPLATE_BYTES];
		char q[1024];
		fu_orl(q, sizeof(q), data, 11, 1);
		CHECK_EQ(amana_face_template_from_file(e, q, x, NULL), AMANA_OK);
		CHECK_EQ(amana_face_template_from_file(eng, q, y, NULL), AMANA_OK);
		CHECK(cmp(x, y) >= thr);
		fu_orl(q, sizeof(q), data, 11, 2);
		CHECK_EQ(amana_face_template_from_file(e, q, y, NULL), AMANA_OK);
		CHECK(cmp(x, y) >= thr);
		amana_face_engine_free(&e);
	} else {
		printf("note: %s missing, BlazeFace not tested\n", blaze);
	}

	/* The cascade fallback (Debian's opencv-data) finds the same face. */
	m.cascade = NULL;
	FILE *f = fopen("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml", "r");
	if (f == NULL) {
		printf("note: opencv-data not installed, cascade fallback not tested\n");
		return;
	}
	fclose(f);
	CHECK_EQ(amana_face_engine_new_with(&e, &m), AMANA_OK);
	uint8_t a[AMANA_FACE_TEMPLATE_BYTES], b[AMANA_FACE_TEMPLATE_BYTES];
	char p[1024];
	fu_orl(p, sizeof(p), data, 10, 1);
	CHECK_EQ(amana_face_template_from_file(e, p, a, NULL), AMANA_OK);
	CHECK_EQ(amana_face_template_from_file(eng, p, b, NULL), AMANA_OK);
	CHECK(cmp(a, b) >= thr);
	amana_face_engine_free(&e);
}

int main(int argc, char **argv)
{
	root = argc > 1 ? argv[1] : ".";
	data = check_data_dir();
	if (!fu_models_present(fu_model_dir()))
		SKIP("face models not found in AMANA_MODEL_DIR (run tools/setup)");
	char p[1024];
	if (data != NULL)
		fu_orl(p, sizeof(p), data, 40, 10);
	FILE *f = data != NULL ? fopen(p, "rb") : NULL;
	if (f == NULL)
		SKIP("ORL faces not found under AMANA_DATA/faces/orl");
	fclose(f);
	amana_face_set_threads(1);
	CHECK_EQ(amana_face_engine_new(&eng, NULL), AMANA_OK);
	if (eng == NULL)
		return check_done();
	test_determinism();
	test_variants_match();
	test_two_faces();
	test_no_face();
	test_quality();
	test_bad_images();
	test_models();
	amana_face_engine_free(&eng);
	return check_done();
}
