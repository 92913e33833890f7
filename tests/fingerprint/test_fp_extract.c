/* test_fp_extract.c: each extraction stage on synthetic images with known
 * answers: orientation and period of a sine ridge pattern, the ridges of
 * the enhancement, the skeleton's width, and an ending and a bifurcation
 * found where they were drawn with the directions they have; the grey-level
 * contrast per block and the foreground it leaves when half the print is
 * faint; the minutiae of a rotated pattern; the minutiae stage and its
 * quality on a hand-made skeleton; input limits and a blank image. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/fp.h"
#include "check.h"
#include "ext.h"

#define W 320
#define H 320

/* sine ridges: ridge direction dir (radians, image coords), period per */
static void sine(float *px, float dir, float per)
{
	float nx = -sinf(dir), ny = cosf(dir);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			px[y * W + x] = cosf(6.2831853f * ((float)x * nx + (float)y * ny) / per);
}

static float angdiff(float a, float b) /* modulo pi */
{
	float d = fmodf(fabsf(a - b), 3.14159265f);
	return d > 1.5707963f ? 3.14159265f - d : d;
}

static void stage_tests(void)
{
	static float px[W * H];
	const float dirs[] = {0.3f, 1.2f, 2.5f};
	const float pers[] = {8.0f, 10.0f, 12.5f};
	for (int k = 0; k < 3; k++) {
		sine(px, dirs[k], pers[k]);
		ext_img_t im = {W, H, px};
		ext_field_t f;
		CHECK_EQ(ext_field_compute(&im, NULL, &f), AMANA_OK);
		int fg = 0, good_dir = 0, good_per = 0, inner = 0;
		for (int by = 4; by < f.bh - 4; by++)
			for (int bx = 4; bx < f.bw - 4; bx++) {
				int b = by * f.bw + bx;
				inner++;
				fg += f.mask[b];
				good_dir += angdiff(f.theta[b], dirs[k]) < 0.05f;
				good_per += fabsf(f.period[b] - pers[k]) < 0.6f;
			}
		printf("dir %.2f per %.1f: fg %d/%d, direction ok %d, period ok %d\n",
		    (double)dirs[k], (double)pers[k], fg, inner, good_dir, good_per);
		CHECK_EQ(fg, inner);
		CHECK(good_dir >= inner * 95 / 100);
		CHECK(good_per >= inner * 90 / 100);
		/* enhancement: ridge pixels are where the sine is low */
		uint8_t *bin = malloc(W * H);
		CHECK_EQ(ext_enhance(&im, &f, bin), AMANA_OK);
		int agree = 0, n = 0;
		for (int y = 40; y < H - 40; y++)
			for (int x = 40; x < W - 40; x++) {
				float v = px[y * W + x];
				if (fabsf(v) < 0.5f)
					continue;
				n++;
				agree += bin[y * W + x] == (v < 0);
			}
		CHECK(agree >= n * 98 / 100);
		/* thinning: one pixel wide, one line a period */
		ext_thin(bin, W, H);
		int crossings = 0;
		float nx = -sinf(dirs[k]), ny = cosf(dirs[k]);
		int prev = 0;
		for (int t = -100; t <= 100; t++) {
			int x = (int)lroundf(160 + (float)t * nx), y = (int)lroundf(160 + (float)t * ny);
			int on = bin[y * W + x] || bin[y * W + x + 1] || bin[(y + 1) * W + x];
			crossings += on && !prev;
			prev = on;
		}
		int expect = (int)lroundf(200.0f / pers[k]);
		printf("  skeleton lines across 200 px: %d (expect %d)\n", crossings, expect);
		CHECK(abs(crossings - expect) <= 1);
		free(bin);
		ext_field_free(&f);
	}
}

/* Contrast: horizontal ridges of period 8 (a 16-pixel window holds two
 * whole periods, so the deviation of 128 + A cos is exactly A / sqrt 2),
 * amplitude 100 on the left half and 8 on the right (the faint rim of a
 * light touch). After normalisation both halves are the same unit sine;
 * only the raw contrast keeps the faint half out of the foreground. */
static void contrast_test(void)
{
	static float raw[W * H], norm[W * H];
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			float c = cosf(6.2831853f * (float)y / 8.0f);
			raw[y * W + x] = 128.0f + (x < W / 2 ? 100.0f : 8.0f) * c;
			norm[y * W + x] = c;
		}
	ext_img_t rim = {W, H, raw}, nim = {W, H, norm};
	int bw = W / EXT_B, bh = H / EXT_B;
	static float con[(W / EXT_B) * (H / EXT_B)];
	CHECK_EQ(ext_block_contrast(&rim, bw, bh, con), AMANA_OK);
	int exact = 0, inner = 0;
	for (int by = 2; by < bh - 2; by++)
		for (int bx = 2; bx < bw - 2; bx++) {
			if (bx == bw / 2 - 1 || bx == bw / 2)
				continue; /* windows straddling the two halves */
			float want = (bx < bw / 2 ? 100.0f : 8.0f) / sqrtf(2.0f);
			inner++;
			exact += fabsf(con[by * bw + bx] - want) < 0.01f * want;
		}
	CHECK_EQ(exact, inner);
	ext_field_t f;
	int strong = 0, faint = 0, nstrong = 0, nfaint = 0;
	CHECK_EQ(ext_field_compute(&nim, NULL, &f), AMANA_OK);
	for (int by = 4; by < bh - 4; by++)
		for (int bx = 4; bx < bw - 4; bx++)
			faint += bx >= bw / 2 + 2 && f.mask[by * bw + bx];
	printf("contrast: without the raw contrast, %d faint blocks in the foreground\n", faint);
	CHECK(faint > 0); /* the test below is not vacuous */
	ext_field_free(&f);
	CHECK_EQ(ext_field_compute(&nim, con, &f), AMANA_OK);
	faint = 0;
	for (int by = 4; by < bh - 4; by++)
		for (int bx = 4; bx < bw - 4; bx++) {
			int m = f.mask[by * bw + bx];
			if (bx <= bw / 2 - 3) {
				nstrong++;
				strong += m;
			} else if (bx >= bw / 2 + 2) {
				nfaint++;
				faint += m;
			}
		}
	printf("contrast: foreground %d/%d strong blocks, %d/%d faint\n", strong,
	    nstrong, faint, nfaint);
	CHECK_EQ(strong, nstrong);
	CHECK_EQ(faint, 0);
	ext_field_free(&f);
	/* a blank window has no deviation */
	static float flat[W * H];
	for (int i = 0; i < W * H; i++)
		flat[i] = 77.0f;
	ext_img_t fim = {W, H, flat};
	CHECK_EQ(ext_block_contrast(&fim, bw, bh, con), AMANA_OK);
	float mx = 0;
	for (int k = 0; k < bw * bh; k++)
		mx = fmaxf(mx, con[k]);
	CHECK(mx < 1e-3f);
}

/* Horizontal dark ridges, period 10, on 320x320: the ridge at y = 160 stops
 * at x = 150 (an ending pointing left, into the ridge), and the ridge at
 * y = 220 forks at x = 200 into two that part towards the right, where the
 * ridges around them give way (a bifurcation pointing right). */
static void draw_minutiae(uint8_t *g)
{
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			float yy = (float)y;
			float d;
			if (x >= 200 && y >= 200 && y <= 240) {
				/* fork: centre line splits to 215 and 225 at x>=240 */
				float s = x >= 240 ? 5.0f : 5.0f * (float)(x - 200) / 40.0f;
				float d1 = fabsf(yy - (220.0f - s)), d2 = fabsf(yy - (220.0f + s));
				float d3 = fabsf(yy - 205.0f), d4 = fabsf(yy - 235.0f);
				d = fminf(fminf(d1, d2), fminf(d3, d4));
				/* the neighbours bend away to make room */
				if (x >= 200) {
					float r = x >= 240 ? 5.0f : 5.0f * (float)(x - 200) / 40.0f;
					d3 = fabsf(yy - (210.0f - r));
					d4 = fabsf(yy - (230.0f + r));
					d = fminf(fminf(d1, d2), fminf(d3, d4));
				}
			} else {
				float m = fmodf(yy, 10.0f);
				d = fabsf(m - 0.0f);
				d = fminf(d, 10.0f - m);
				if (y >= 140 && y <= 180 && x > 150) {
					/* the ridge at 160 ends at 150; its neighbours
					 * close the gap over the next 40 pixels */
					float r = x >= 190 ? 5.0f : 5.0f * (float)(x - 150) / 40.0f;
					float d1 = fabsf(yy - (150.0f + r)), d2 = fabsf(yy - (170.0f - r));
					float d0 = fabsf(yy - 140.0f), d9 = fabsf(yy - 180.0f);
					d = fminf(fminf(d1, d2), fminf(d0, d9));
				}
			}
			g[y * W + x] = (uint8_t)(d < 2.5f ? 40 : 210);
		}
}

static void minutiae_test(void)
{
	static uint8_t g[W * H];
	draw_minutiae(g);
	amana_fp_template_t t;
	int q = -1;
	CHECK_EQ(amana_fp_extract(g, W, H, 500, &t, &q), AMANA_OK);
	printf("synthetic minutiae: %u found, quality %d\n", t.count, q);
	int ending = 0, bif = 0;
	for (unsigned i = 0; i < t.count; i++) {
		const amana_fp_minutia_t *m = &t.minutiae[i];
		printf("  (%u,%u) type %u angle %u\n", m->x, m->y, m->type, m->angle);
		int da;
		/* contextual filtering smooths along the ridge, so an ending
		 * moves by up to a period along it */
		if (abs(m->x - 150) <= 10 && abs(m->y - 160) <= 4) {
			da = abs(((m->angle - 128 + 128) & 255) - 128); /* vs 128: left */
			ending += m->type == AMANA_FP_TYPE_ENDING && da <= 12;
		}
		/* the forks part gradually over x = 200..240: the skeleton
		 * splits once they are a few pixels apart */
		if (m->x >= 200 && m->x <= 226 && abs(m->y - 220) <= 4) {
			da = abs(((m->angle + 128) & 255) - 128); /* vs 0: right */
			bif += m->type == AMANA_FP_TYPE_BIFURCATION && da <= 12;
		}
	}
	CHECK_EQ(ending, 1);
	CHECK_EQ(bif, 1);
	CHECK(t.count <= 6); /* the rest of the pattern is plain ridges */
}

/* The same pattern turned by 90, 180 and 270 degrees (exact pixel
 * permutations): the ending and the bifurcation turn with it, and so do
 * their directions, in every quadrant (the sense of a bifurcation comes
 * from the binary ridges, of an ending from its traced branch). */
static void rotation_test(void)
{
	static uint8_t g[W * H], r[W * H];
	draw_minutiae(g);
	for (int q = 1; q < 4; q++) {
		/* r(x, y) = g(f^q(x, y)) with f(x, y) = (W-1-y, x): the pattern
		 * turned a quarter counter-clockwise on the screen q times, so
		 * an ISO angle grows by 64 a turn */
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++) {
				int sx = x, sy = y;
				for (int k = 0; k < q; k++) {
					int tx = W - 1 - sy, ty = sx;
					sx = tx;
					sy = ty;
				}
				r[y * W + x] = g[sy * W + sx];
			}
		amana_fp_template_t t;
		int qual;
		CHECK_EQ(amana_fp_extract(r, W, H, 500, &t, &qual), AMANA_OK);
		int ending = 0, bif = 0;
		for (unsigned i = 0; i < t.count; i++) {
			const amana_fp_minutia_t *m = &t.minutiae[i];
			/* undo the turn: the original position and angle */
			int x = m->x, y = m->y;
			for (int k = 0; k < q; k++) {
				int tx = W - 1 - y, ty = x;
				x = tx;
				y = ty;
			}
			int a = (m->angle - 64 * q) & 255;
			int dl = abs(((a - 128 + 128) & 255) - 128), dr = abs(((a + 128) & 255) - 128);
			ending += m->type == AMANA_FP_TYPE_ENDING && abs(x - 150) <= 10 &&
			    abs(y - 160) <= 4 && dl <= 12;
			bif += m->type == AMANA_FP_TYPE_BIFURCATION && x >= 200 && x <= 226 &&
			    abs(y - 220) <= 4 && dr <= 12;
		}
		printf("turned %d degrees: %u minutiae, ending %d, bifurcation %d\n", 90 * q,
		    t.count, ending, bif);
		CHECK_EQ(ending, 1);
		CHECK_EQ(bif, 1);
	}
}

/* The minutiae stage on a hand-made skeleton (horizontal lines 10 px
 * apart, a uniform field of period 10): the line at y = 100 stops at
 * x = 150 (an isolated ending), the line at y = 200 has a 14-pixel gap
 * (two facing endings 15 px apart, a broken ridge). All three are kept,
 * pointing into their ridges; the isolated one has full quality and the
 * pair 15 / 25 of it (nearest neighbour over 2.5 periods), so it comes
 * first. */
static void quality_test(void)
{
	static uint8_t sk[W * H];
	memset(sk, 0, sizeof(sk));
	for (int y = 20; y < H - 10; y += 10)
		for (int x = 0; x < W; x++)
			sk[y * W + x] = !(y == 100 && x > 150) && !(y == 200 && x >= 150 && x <= 163);
	ext_field_t f;
	f.bw = W / EXT_B;
	f.bh = H / EXT_B;
	int nb = f.bw * f.bh;
	f.mask = malloc((size_t)nb);
	f.theta = malloc((size_t)nb * sizeof(float));
	f.coh = malloc((size_t)nb * sizeof(float));
	f.period = malloc((size_t)nb * sizeof(float));
	for (int k = 0; k < nb; k++) {
		f.mask[k] = 1;
		f.theta[k] = 0.0f;
		f.coh[k] = 1.0f;
		f.period[k] = 10.0f;
	}
	amana_fp_template_t t;
	memset(&t, 0, sizeof(t));
	CHECK_EQ(ext_minutiae(sk, sk, W, H, &f, &t), AMANA_OK);
	printf("hand-made skeleton: %u minutiae\n", t.count);
	int lone = -1, left = -1, right = -1;
	for (unsigned i = 0; i < t.count; i++) {
		const amana_fp_minutia_t *m = &t.minutiae[i];
		printf("  (%u,%u) type %u angle %u quality %u\n", m->x, m->y, m->type, m->angle,
		    m->quality);
		if (m->type != AMANA_FP_TYPE_ENDING)
			continue;
		if (m->x == 150 && m->y == 100 && m->angle == 128)
			lone = (int)i;
		if (m->x == 149 && m->y == 200 && m->angle == 128)
			left = (int)i;
		if (m->x == 164 && m->y == 200 && m->angle == 0)
			right = (int)i;
	}
	CHECK_EQ(t.count, 3);
	CHECK_EQ(lone, 0);
	CHECK(left > 0 && right > 0);
	if (lone == 0 && left > 0 && right > 0) {
		CHECK_EQ(t.minutiae[lone].quality, 100);
		CHECK(abs(t.minutiae[left].quality - 60) <= 1);
		CHECK(abs(t.minutiae[right].quality - 60) <= 1);
	}
	ext_field_free(&f);
}

static void limits_test(void)
{
	static uint8_t g[2001 * 120];
	amana_fp_template_t t;
	int q;
	memset(g, 128, sizeof(g));
	CHECK_EQ(amana_fp_extract(g, 99, 120, 500, &t, &q), AMANA_ERR_FP_IMAGE_SIZE);
	CHECK_EQ(amana_fp_extract(g, 2001, 100, 500, &t, &q), AMANA_ERR_FP_IMAGE_SIZE);
	CHECK_EQ(amana_fp_extract(g, 120, 120, 249, &t, &q), AMANA_ERR_FP_IMAGE_DPI);
	CHECK_EQ(amana_fp_extract(g, 120, 120, 1001, &t, &q), AMANA_ERR_FP_IMAGE_DPI);
	CHECK_EQ(amana_fp_extract(NULL, 120, 120, 500, &t, &q), AMANA_ERR_ARG);
	/* a blank image is valid input with nothing in it */
	int rc = amana_fp_extract(g, 200, 200, 500, &t, &q);
	CHECK(rc == AMANA_OK || rc == AMANA_ERR_FP_LOW_QUALITY);
	CHECK(q < AMANA_FP_ENROL_MIN_QUALITY);
	/* resolution: the same pattern at 1000 dpi lands at the same place */
	static uint8_t small[W * H], big[2 * W * 2 * H];
	draw_minutiae(small);
	for (int y = 0; y < 2 * H; y++)
		for (int x = 0; x < 2 * W; x++)
			big[y * 2 * W + x] = small[(y / 2) * W + x / 2];
	amana_fp_template_t a, b;
	CHECK_EQ(amana_fp_extract(small, W, H, 500, &a, &q), AMANA_OK);
	CHECK_EQ(amana_fp_extract(big, 2 * W, 2 * H, 1000, &b, &q), AMANA_OK);
	CHECK(abs((int)b.width - W) <= 1);
	int near = 0;
	for (unsigned i = 0; i < a.count; i++)
		for (unsigned j = 0; j < b.count; j++)
			near += abs(a.minutiae[i].x - b.minutiae[j].x) <= 4 &&
			    abs(a.minutiae[i].y - b.minutiae[j].y) <= 4;
	CHECK(a.count > 0 && near >= (int)a.count - 1);
}

int main(void)
{
	stage_tests();
	contrast_test();
	minutiae_test();
	rotation_test();
	quality_test();
	limits_test();
	return check_done();
}
