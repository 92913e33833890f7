/* mcc_overlap.c: how many minutiae of each print lie where the other print
 * was captured, once the two are aligned.
 *
 * A score normalised by the raw minutiae counts punishes a genuine pair
 * with little common area, and rewards a small partial print whose few
 * minutiae an impostor can pair by chance. The minutiae that could have a
 * mate are those inside the other print's convex hull (enlarged a little
 * for distortion and for minutiae lost near the edge). A minutia of low
 * quality (weak ridge coherence, near the print's edge) is often not found
 * again in the other impression, so it counts less: at least half. */
#include <math.h>

#include "mcc_global.h"

static float cross(const float *o, const float *a, const float *b)
{
	return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/* Insertion sort by (x, y): at most AMANA_FP_MAX_MINUTIAE points. */
static void sort_points(float (*p)[2], int n)
{
	for (int i = 1; i < n; i++) {
		float x = p[i][0], y = p[i][1];
		int j = i;
		while (j > 0 && (p[j - 1][0] > x || (p[j - 1][0] == x &&
		    p[j - 1][1] > y))) {
			p[j][0] = p[j - 1][0];
			p[j][1] = p[j - 1][1];
			j--;
		}
		p[j][0] = x;
		p[j][1] = y;
	}
}

/* Edges of the bounding box of p[0..n) enlarged by margin: the hull of a
 * point or a segment has no area. */
static int box_edges(float (*p)[2], int n, float margin, float (*edge)[3])
{
	float x0 = p[0][0], x1 = p[0][0], y0 = p[0][1], y1 = p[0][1];
	for (int i = 1; i < n; i++) {
		x0 = fminf(x0, p[i][0]);
		x1 = fmaxf(x1, p[i][0]);
		y0 = fminf(y0, p[i][1]);
		y1 = fmaxf(y1, p[i][1]);
	}
	const float e[4][3] = {{1.0f, 0.0f, x1 + margin},
	    {-1.0f, 0.0f, margin - x0}, {0.0f, 1.0f, y1 + margin},
	    {0.0f, -1.0f, margin - y0}};
	for (int k = 0; k < 4; k++)
		for (int c = 0; c < 3; c++)
			edge[k][c] = e[k][c];
	return 4;
}

/* Convex hull of p[0..n) (sorted in place; Andrew's monotone chain into
 * h) as edges: outward unit normal and offset, inside when
 * nx x + ny y <= offset. Returns the number of edges (0 when n == 0). */
static int hull_edges(float (*p)[2], int n, float margin, float (*h)[2],
    float (*edge)[3])
{
	if (n == 0)
		return 0;
	sort_points(p, n);
	int k = 0;
	for (int i = 0; i < n; i++) {
		while (k >= 2 && cross(h[k - 2], h[k - 1], p[i]) <= 0.0f)
			k--;
		h[k][0] = p[i][0];
		h[k][1] = p[i][1];
		k++;
	}
	for (int i = n - 2, lower = k + 1; i >= 0; i--) {
		while (k >= lower && cross(h[k - 2], h[k - 1], p[i]) <= 0.0f)
			k--;
		h[k][0] = p[i][0];
		h[k][1] = p[i][1];
		k++;
	}
	if (k - 1 < 3)
		return box_edges(p, n, margin, edge);
	int ne = 0;
	for (int e = 0; e < k - 1; e++) {
		float dx = h[e + 1][0] - h[e][0], dy = h[e + 1][1] - h[e][1];
		float len = sqrtf(dx * dx + dy * dy);
		if (len == 0.0f)
			continue;
		float nx = dy / len, ny = -dx / len;
		edge[ne][0] = nx;
		edge[ne][1] = ny;
		edge[ne][2] = margin + nx * h[e][0] + ny * h[e][1];
		ne++;
	}
	return ne;
}

/* How much a minutia in the overlap is expected to find its mate. */
static float expect_weight(uint8_t quality)
{
	if (quality == 0) /* not reported (e.g. SecuGen's records) */
		return 1.0f;
	float w = (float)quality * (1.0f / 40.0f);
	return w > 1.0f ? 1.0f : w < 0.5f ? 0.5f : w;
}

static int inside(float (*edge)[3], int ne, float x, float y)
{
	if (ne == 0)
		return 0;
	for (int e = 0; e < ne; e++)
		if (edge[e][0] * x + edge[e][1] * y > edge[e][2])
			return 0;
	return 1;
}

void mcc_overlap_count(const amana_fp_template_t *ref,
    const amana_fp_template_t *probe, float margin, mcc_global_scratch_t *s,
    mcc_global_t *out)
{
	int na = ref->count, nb = probe->count;
	for (int i = 0; i < na; i++) {
		s->sorted[i][0] = (float)ref->minutiae[i].x;
		s->sorted[i][1] = (float)ref->minutiae[i].y;
	}
	int ea = hull_edges(s->sorted, na, margin, s->hull, s->edge_a);
	for (int j = 0; j < nb; j++) {
		s->sorted[j][0] = s->px[j];
		s->sorted[j][1] = s->py[j];
	}
	int eb = hull_edges(s->sorted, nb, margin, s->hull, s->edge_b);
	out->overlap_a = out->overlap_b = 0.0f;
	for (int i = 0; i < na; i++)
		if (inside(s->edge_b, eb, (float)ref->minutiae[i].x,
		    (float)ref->minutiae[i].y))
			out->overlap_a += expect_weight(ref->minutiae[i].quality);
	for (int j = 0; j < nb; j++)
		if (inside(s->edge_a, ea, s->px[j], s->py[j]))
			out->overlap_b += expect_weight(probe->minutiae[j].quality);
}
