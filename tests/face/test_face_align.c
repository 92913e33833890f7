/* test_face_align.c: the alignment known answer. Five bright spots are
 * drawn where a known similarity transform (scale, rotation, shift) puts
 * the template points; aligning the image with those five points must bring
 * each spot back onto its template point within a pixel, and the returned
 * transform must be the inverse of the one used to draw. No models needed. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/face.h"
#include "check.h"

#define W 240
#define H 200

/* Draws a Gaussian spot (sigma in pixels) of peak 250 at (cx, cy). */
static void spot(uint8_t *img, double cx, double cy, double sigma)
{
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
			double v = 250.0 * exp(-d2 / (2 * sigma * sigma));
			if (v > img[y * W + x])
				img[y * W + x] = (uint8_t)lround(v);
		}
}

/* Intensity-weighted centroid of out[] in a window around (ex, ey). */
static void centroid(const uint8_t *out, double ex, double ey, double *cx, double *cy)
{
	double sw = 0, sx = 0, sy = 0;
	for (int y = (int)ey - 7; y <= (int)ey + 7; y++)
		for (int x = (int)ex - 7; x <= (int)ex + 7; x++) {
			if (x < 0 || y < 0 || x >= 112 || y >= 112)
				continue;
			double v = out[y * 112 + x];
			v = v > 20 ? v - 20 : 0; /* ignore the tails of other spots */
			sw += v;
			sx += v * x;
			sy += v * y;
		}
	*cx = sw > 0 ? sx / sw : -1;
	*cy = sw > 0 ? sy / sw : -1;
}

static void case_transform(double scale, double angle_deg, double tx, double ty)
{
	/* Image point p = s R q + t for template point q. */
	const double a = scale * cos(angle_deg * M_PI / 180), b = scale * sin(angle_deg * M_PI / 180);
	uint8_t *img = calloc(W * H, 1);
	float pts[10];
	for (int i = 0; i < 5; i++) {
		double qx = amana_face_template_points[2 * i], qy = amana_face_template_points[2 * i + 1];
		double px = a * qx - b * qy + tx, py = b * qx + a * qy + ty;
		pts[2 * i] = (float)px;
		pts[2 * i + 1] = (float)py;
		spot(img, px, py, 2.0 * scale);
	}
	uint8_t out[112 * 112];
	float m[6];
	CHECK_EQ(amana_face_align(img, W, H, pts, out, m), AMANA_OK);
	for (int i = 0; i < 5; i++) {
		double qx = amana_face_template_points[2 * i], qy = amana_face_template_points[2 * i + 1];
		double cx, cy;
		centroid(out, qx, qy, &cx, &cy);
		CHECK(hypot(cx - qx, cy - qy) < 1.0);
		/* The transform itself maps each point onto the template. */
		double mx = m[0] * pts[2 * i] + m[1] * pts[2 * i + 1] + m[2];
		double my = m[3] * pts[2 * i] + m[4] * pts[2 * i + 1] + m[5];
		CHECK(hypot(mx - qx, my - qy) < 1e-3);
	}
	/* Similarity: [a' -b'; b' a'] with scale 1 / scale. */
	CHECK(fabs(m[0] - m[4]) < 1e-5 && fabs(m[1] + m[3]) < 1e-5);
	CHECK(fabs(hypot(m[0], m[3]) - 1.0 / scale) < 1e-4);
	free(img);
}

int main(void)
{
	case_transform(1.0, 0.0, 40.0, 30.0);
	case_transform(1.7, 12.0, 60.0, 10.0);
	case_transform(1.3, -25.0, 30.0, 70.0);

	/* Least squares: one point off by (4, -2) px moves the others by less
	 * than it moves itself, and the result stays a similarity. */
	float pts[10];
	memcpy(pts, amana_face_template_points, sizeof(pts));
	pts[4] += 4.0f;
	pts[5] -= 2.0f;
	uint8_t *img = calloc(W * H, 1), out[112 * 112];
	float m[6];
	CHECK_EQ(amana_face_align(img, W, H, pts, out, m), AMANA_OK);
	double nx = m[0] * pts[4] + m[1] * pts[5] + m[2] - amana_face_template_points[4];
	double ex = m[0] * pts[0] + m[1] * pts[1] + m[2] - amana_face_template_points[0];
	CHECK(fabs(nx) < 4.0 && fabs(nx) > fabs(ex));

	/* Bad arguments. */
	float same[10];
	for (int i = 0; i < 10; i++)
		same[i] = 5.0f;
	CHECK_EQ(amana_face_align(img, W, H, same, out, m), AMANA_ERR_ARG);
	pts[3] = NAN;
	CHECK_EQ(amana_face_align(img, W, H, pts, out, m), AMANA_ERR_ARG);
	CHECK_EQ(amana_face_align(NULL, W, H, amana_face_template_points, out, m), AMANA_ERR_ARG);
	CHECK_EQ(amana_face_align(img, 0, H, amana_face_template_points, out, m), AMANA_ERR_ARG);
	CHECK_EQ(amana_face_align(img, AMANA_FACE_MAX_SIDE + 1, 1, amana_face_template_points, out, m),
	    AMANA_ERR_LIMIT);
	free(img);
	return check_done();
}
