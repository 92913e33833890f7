/* mcc_hull.c: the region where a template's cylinders have valid cells.
 *
 * MCC counts a cell only if it lies inside the convex hull of the template's
 * minutiae enlarged by OMEGA pixels, so that the empty background beyond the
 * print's edge is "unknown", not "no minutiae". The hull is a monotone
 * chain; the enlarged hull is stored as one x interval per row band, which
 * makes the per-cell test two comparisons. */
#include <math.h>

#include "mcc.h"

static long cross(const int16_t *o, const int16_t *a, const int16_t *b)
{
	return (long)(a[0] - o[0]) * (b[1] - o[1]) -
	    (long)(a[1] - o[1]) * (b[0] - o[0]);
}

/* Sorts the points by (x, y): shell sort, count <= AMANA_FP_MAX_MINUTIAE. */
static void sort_points(int16_t (*p)[2], int n)
{
	static const int gaps[] = {23, 10, 4, 1};
	for (int g = 0; g < 4; g++)
		for (int i = gaps[g]; i < n; i++) {
			int16_t x = p[i][0], y = p[i][1];
			int j = i;
			while (j >= gaps[g] && (p[j - gaps[g]][0] > x ||
			    (p[j - gaps[g]][0] == x && p[j - gaps[g]][1] > y))) {
				p[j][0] = p[j - gaps[g]][0];
				p[j][1] = p[j - gaps[g]][1];
				j -= gaps[g];
			}
			p[j][0] = x;
			p[j][1] = y;
		}
}

void mcc_rows_build(const amana_fp_template_t *t, int16_t (*pts)[2],
    float (*edge)[3], mcc_rows_t *rows)
{
	int n = t->count;
	float ymin = 0.0f, ymax = 0.0f;
	for (int i = 0; i < n; i++) {
		pts[i][0] = (int16_t)t->minutiae[i].x;
		pts[i][1] = (int16_t)t->minutiae[i].y;
		float y = (float)t->minutiae[i].y;
		ymin = (i == 0 || y < ymin) ? y : ymin;
		ymax = (i == 0 || y > ymax) ? y : ymax;
	}
	float extent = ymax - ymin + 2.0f * MCC_OMEGA;
	rows->y0 = ymin - MCC_OMEGA;
	rows->step = extent / (float)MCC_HULL_ROWS;
	if (rows->step < 4.0f)
		rows->step = 4.0f;
	rows->inv_step = 1.0f / rows->step;
	rows->n = (int)ceilf(extent / rows->step);
	if (rows->n > MCC_HULL_ROWS)
		rows->n = MCC_HULL_ROWS;
	if (n == 0)
		rows->n = 0;
	rows->fn = (float)rows->n;
	if (n == 0)
		return;
	sort_points(pts, n);
	/* Andrew's monotone chain into the tail of pts (after the n points) */
	int16_t (*h)[2] = pts + n;
	int k = 0;
	for (int i = 0; i < n; i++) {
		while (k >= 2 && cross(h[k - 2], h[k - 1], pts[i]) <= 0)
			k--;
		h[k][0] = pts[i][0];
		h[k][1] = pts[i][1];
		k++;
	}
	for (int i = n - 2, lower = k + 1; i >= 0; i--) {
		while (k >= lower && cross(h[k - 2], h[k - 1], pts[i]) <= 0)
			k--;
		h[k][0] = pts[i][0];
		h[k][1] = pts[i][1];
		k++;
	}
	int edges = k - 1; /* the last point repeats the first */
	/* per edge: outward unit normal (nx, ny) and c0 such that a point at
	 * height y is inside when nx * x <= c0 - ny * y (n.(p - a) <= OMEGA);
	 * the same float operations as per row, done once */
	int ne = 0;
	for (int e = 0; edges >= 3 && e < edges; e++) {
		float ax = h[e][0], ay = h[e][1];
		float dx = (float)h[e + 1][0] - ax, dy = (float)h[e + 1][1] - ay;
		float len = sqrtf(dx * dx + dy * dy);
		if (len == 0.0f)
			continue;
		float nx = dy / len, ny = -dx / len;
		edge[ne][0] = nx;
		edge[ne][1] = ny;
		edge[ne][2] = MCC_OMEGA + nx * ax + ny * ay;
		ne++;
	}
	for (int r = 0; r < rows->n; r++) {
		float y = rows->y0 + ((float)r + 0.5f) * rows->step;
		float lo = -1e9f, hi = 1e9f;
		if (edges < 3) {
			/* a point or a segment: its bounding box enlarged */
			lo = 1e9f;
			hi = -1e9f;
			for (int i = 0; i < n; i++) {
				lo = fminf(lo, (float)pts[i][0] - MCC_OMEGA);
				hi = fmaxf(hi, (float)pts[i][0] + MCC_OMEGA);
			}
		}
		for (int e = 0; e < ne; e++) {
			float nx = edge[e][0], ny = edge[e][1];
			float cc = edge[e][2] - ny * y;
			if (fabsf(nx) < 1e-6f) {
				if (cc < 0.0f)
					hi = -1e9f;
			} else if (nx > 0.0f) {
				hi = fminf(hi, cc / nx);
			} else {
				lo = fmaxf(lo, cc / nx);
			}
		}
		lo = fmaxf(lo, -16000.0f);
		hi = fminf(hi, 16000.0f);
		if (hi < lo) {
			lo = 1.0f;
			hi = 0.0f;
		}
		rows->lo[r] = (float)(int16_t)ceilf(lo);
		rows->hi[r] = (float)(int16_t)floorf(hi);
	}
}
