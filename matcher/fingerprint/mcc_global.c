/* mcc_global.c: one rigid alignment that the relaxed pairs agree on, and
 * the minutia pairs it makes.
 *
 * Each of the best relaxed pairs is an anchor: the rotation is the
 * difference of its two directions, the translation puts the probe
 * minutia on the reference's. Minutiae pair one to one (mutual nearest
 * within a distance and a direction tolerance); the distance tolerance
 * grows with the distance from the anchor, because skin stretches more the
 * farther it is from where the prints were registered. The alignment is
 * then refitted by least squares over those pairs and the pairs counted
 * again, so that a noisy anchor direction does not decide the count. The
 * anchor with most pairs wins (ties: the better relaxed pair). */
#include <math.h>

#include "mcc_global.h"
#include "mcc_tables.h"

/* Tolerances: Medina-Perez et al. (M3gl) pair globally within 12 px and
 * pi/6; ours are a little tighter at the anchor and grow with the distance
 * from it (measured on FVC2002 DB1..4_B, docs/0130). */
#define MCC_G_D0 8.0f      /* distance tolerance at the centre, pixels */
#define MCC_G_KD 0.05f     /* its growth per pixel from the centre */
#define MCC_G_DMAX 20.0f   /* and its ceiling */
#define MCC_G_CELL 20.0f   /* grid cell of the reference: >= MCC_G_DMAX */
#define MCC_G_ANG 16       /* direction tolerance, units (22.5 degrees) */
#define MCC_G_MARGIN 12.0f /* hull enlargement for the overlap, pixels */
#define MCC_G_REFITS 1     /* least-squares refits of each alignment */
/* Pressure turns endings into bifurcations and back, so a type mismatch
 * is a weak cue only: such a pair counts this much (docs/0130). */
#define MCC_G_TYPE_MISMATCH 0.75f

#define NONE 255

static void align_anchor(const amana_fp_minutia_t *a,
    const amana_fp_minutia_t *b, mcc_align_t *al)
{
	al->rot = (a->angle - b->angle) & 255;
	al->c = mcc_cos[al->rot];
	al->s = mcc_sin[al->rot];
	float bx = (float)b->x, by = (float)b->y;
	al->tx = (float)a->x - (al->c * bx + al->s * by);
	al->ty = (float)a->y - (-al->s * bx + al->c * by);
}

static void map_probe(const amana_fp_template_t *probe, const mcc_align_t *al,
    mcc_global_scratch_t *s)
{
	for (unsigned j = 0; j < probe->count; j++) {
		float x = (float)probe->minutiae[j].x, y = (float)probe->minutiae[j].y;
		s->px[j] = al->c * x + al->s * y + al->tx;
		s->py[j] = -al->s * x + al->c * y + al->ty;
		s->pang[j] = (uint8_t)((probe->minutiae[j].angle + al->rot) & 255);
	}
}

/* The reference's minutiae in a grid of MCC_G_CELL px cells (counting
 * sort into s->order, cell c holding order[start[c] .. start[c + 1])),
 * once per comparison: a cell is as wide as the largest distance
 * tolerance, so a probe minutia looks only at the 3 x 3 cells around it.
 * Minutiae past the grid's last row or column are kept in it, and queries
 * clamped the same way, so none is missed. */
static int cell_of(float v, float v0, int n)
{
	float f = (v - v0) * (1.0f / MCC_G_CELL);
	int c = f < 0.0f ? -1 : (int)f;
	return c < 0 ? 0 : c >= n ? n - 1 : c;
}

static void grid_ref(const amana_fp_template_t *ref, mcc_global_scratch_t *s)
{
	int n = ref->count;
	float x0 = 0.0f, y0 = 0.0f, x1 = 0.0f, y1 = 0.0f;
	for (int i = 0; i < n; i++) {
		float x = (float)ref->minutiae[i].x, y = (float)ref->minutiae[i].y;
		x0 = (i == 0 || x < x0) ? x : x0;
		y0 = (i == 0 || y < y0) ? y : y0;
		x1 = (i == 0 || x > x1) ? x : x1;
		y1 = (i == 0 || y > y1) ? y : y1;
	}
	s->gx0 = x0;
	s->gy0 = y0;
	s->gw = (int)((x1 - x0) * (1.0f / MCC_G_CELL)) + 1;
	s->gh = (int)((y1 - y0) * (1.0f / MCC_G_CELL)) + 1;
	s->gw = s->gw < MCC_G_SIDE ? s->gw : MCC_G_SIDE;
	s->gh = s->gh < MCC_G_SIDE ? s->gh : MCC_G_SIDE;
	int cells = s->gw * s->gh;
	for (int c = 0; c <= cells; c++)
		s->start[c] = 0;
	for (int i = 0; i < n; i++) {
		s->cell[i] = (uint16_t)(cell_of((float)ref->minutiae[i].x, x0,
		    s->gw) + s->gw * cell_of((float)ref->minutiae[i].y, y0,
		    s->gh));
		s->start[s->cell[i] + 1]++;
	}
	for (int c = 0; c < cells; c++)
		s->start[c + 1] = (uint8_t)(s->start[c + 1] + s->start[c]);
	for (int c = 0; c < cells; c++) /* fill pointers, reset below */
		s->fill[c] = s->start[c];
	for (int i = 0; i < n; i++)
		s->order[s->fill[s->cell[i]]++] = (uint8_t)i;
}

/* Per reference minutia: distance tolerance growing from (cx, cy), kept as
 * the tolerance and the inverse of its square. */
static void tolerances(const amana_fp_template_t *ref, float cx, float cy,
    mcc_global_scratch_t *s)
{
	for (int i = 0; i < ref->count; i++) {
		float rx = (float)ref->minutiae[i].x - cx;
		float ry = (float)ref->minutiae[i].y - cy;
		float tol = MCC_G_D0 + MCC_G_KD * sqrtf(rx * rx + ry * ry);
		tol = tol < MCC_G_DMAX ? tol : MCC_G_DMAX;
		s->tol[i] = tol;
		s->inv_tol2[i] = 1.0f / (tol * tol);
		s->best_a[i] = NONE;
		s->cost_a[i] = 2.0f;
	}
}

/* Reference minutia i against mapped probe minutia j at (px, py): keeps
 * the cheaper candidate on both sides. */
static void try_pair(const amana_fp_template_t *ref, mcc_global_scratch_t *s,
    int i, int j, float px, float py)
{
	const amana_fp_minutia_t *m = &ref->minutiae[i];
	float dx = px - (float)m->x, dy = py - (float)m->y;
	float tol = s->tol[i];
	if (fabsf(dx) > tol || fabsf(dy) > tol)
		return;
	float d2 = (dx * dx + dy * dy) * s->inv_tol2[i];
	int da = mcc_angle_diff(m->angle, s->pang[j]);
	if (d2 > 1.0f || da > MCC_G_ANG || da < -MCC_G_ANG)
		return;
	float fa = (float)da * (1.0f / (float)MCC_G_ANG);
	float cost = d2 + fa * fa;
	if (cost < s->cost_a[i]) {
		s->cost_a[i] = cost;
		s->best_a[i] = (uint8_t)j;
	}
	if (cost < s->cost_b[j]) {
		s->cost_b[j] = cost;
		s->best_b[j] = (uint8_t)i;
	}
}

/* Mutual nearest pairs under the mapped probe (s->px/py/pang), the
 * distance tolerance growing from (cx, cy); s->mate gets probe -> ref.
 * Returns the number of pairs. */
static int pair_mutual(const amana_fp_template_t *ref,
    const amana_fp_template_t *probe, float cx, float cy,
    mcc_global_scratch_t *s)
{
	int nb = probe->count;
	tolerances(ref, cx, cy, s);
	for (int j = 0; j < nb; j++) {
		s->best_b[j] = NONE;
		s->cost_b[j] = 2.0f;
		s->mate[j] = NONE;
		float px = s->px[j], py = s->py[j];
		int qx = cell_of(px, s->gx0, s->gw);
		int qy = cell_of(py, s->gy0, s->gh);
		int xa = qx > 0 ? qx - 1 : 0, xb = qx + 1 < s->gw ? qx + 1 : qx;
		int ya = qy > 0 ? qy - 1 : 0, yb = qy + 1 < s->gh ? qy + 1 : qy;
		for (int gy = ya; gy <= yb; gy++) {
			int row = gy * s->gw;
			for (int k = s->start[row + xa]; k < s->start[row + xb + 1];
			    k++)
				try_pair(ref, s, s->order[k], j, px, py);
		}
	}
	int n = 0;
	for (int j = 0; j < nb; j++) {
		int i = s->best_b[j];
		if (i != NONE && s->best_a[i] == j) {
			s->mate[j] = (uint8_t)i;
			n++;
		}
	}
	return n;
}

/* Least-squares rotation and translation over the pairs in s->mate;
 * (*cx, *cy) gets their centroid in the reference. Needs n >= 2. */
static void refit(const amana_fp_template_t *ref,
    const amana_fp_template_t *probe, const mcc_global_scratch_t *s,
    int n, mcc_align_t *al, float *cx, float *cy)
{
	float ax = 0, ay = 0, bx = 0, by = 0;
	for (unsigned j = 0; j < probe->count; j++) {
		if (s->mate[j] == NONE)
			continue;
		ax += (float)ref->minutiae[s->mate[j]].x;
		ay += (float)ref->minutiae[s->mate[j]].y;
		bx += (float)probe->minutiae[j].x;
		by += (float)probe->minutiae[j].y;
	}
	float inv = 1.0f / (float)n;
	ax *= inv;
	ay *= inv;
	bx *= inv;
	by *= inv;
	float dot = 0, crs = 0;
	for (unsigned j = 0; j < probe->count; j++) {
		if (s->mate[j] == NONE)
			continue;
		float rx = (float)ref->minutiae[s->mate[j]].x - ax;
		float ry = (float)ref->minutiae[s->mate[j]].y - ay;
		float qx = (float)probe->minutiae[j].x - bx;
		float qy = (float)probe->minutiae[j].y - by;
		dot += rx * qx + ry * qy;
		crs += rx * qy - ry * qx;
	}
	float len = sqrtf(dot * dot + crs * crs);
	if (len > 0.0f) {
		al->c = dot / len;
		al->s = crs / len;
		al->rot = (int)(mcc_atan2_units(al->s, al->c) + 0.5f) & 255;
	}
	al->tx = ax - (al->c * bx + al->s * by);
	al->ty = ay - (-al->s * bx + al->c * by);
	*cx = ax;
	*cy = ay;
}

/* The pairs in s->mate, a pair of known, different types counting
 * MCC_G_TYPE_MISMATCH. */
static float typed_pairs(const amana_fp_template_t *ref,
    const amana_fp_template_t *probe, const mcc_global_scratch_t *s)
{
	float n = 0.0f;
	for (unsigned j = 0; j < probe->count; j++) {
		if (s->mate[j] == NONE)
			continue;
		int ta = ref->minutiae[s->mate[j]].type, tb = probe->minutiae[j].type;
		int known = ta != AMANA_FP_TYPE_OTHER && tb != AMANA_FP_TYPE_OTHER;
		n += known && ta != tb ? MCC_G_TYPE_MISMATCH : 1.0f;
	}
	return n;
}

/* Indices of the k largest lam[] (ties: lower index first). */
static int top_anchors(const float *lam, int np, int *idx, int k)
{
	int n = 0;
	for (int t = 0; t < np; t++) {
		int p;
		if (n < k)
			p = n++;
		else if (lam[t] > lam[idx[k - 1]])
			p = k - 1;
		else
			continue;
		while (p > 0 && lam[t] > lam[idx[p - 1]]) {
			idx[p] = idx[p - 1];
			p--;
		}
		idx[p] = t;
	}
	return n;
}

/* Pairs under the alignment from anchor pair p, after MCC_G_REFITS
 * least-squares refits (each re-pairs with the tolerance growing from the
 * pairs' centroid). */
static int count_from(const amana_fp_template_t *ref,
    const amana_fp_template_t *probe, const mcc_pair_t *p,
    mcc_global_scratch_t *s, mcc_align_t *al)
{
	const amana_fp_minutia_t *a = &ref->minutiae[p->a];
	align_anchor(a, &probe->minutiae[p->b], al);
	map_probe(probe, al, s);
	float cx = (float)a->x, cy = (float)a->y;
	int n = pair_mutual(ref, probe, cx, cy, s);
	for (int it = 0; it < MCC_G_REFITS && n >= 2; it++) {
		refit(ref, probe, s, n, al, &cx, &cy);
		map_probe(probe, al, s);
		n = pair_mutual(ref, probe, cx, cy, s);
	}
	return n;
}

void mcc_global_consolidate(const amana_fp_template_t *ref,
    const amana_fp_template_t *probe, const mcc_pair_t *pairs,
    const float *lam, int np, mcc_global_scratch_t *s, mcc_global_t *out)
{
	out->paired = 0.0f;
	out->overlap_a = out->overlap_b = 0.0f;
	int idx[MCC_GLOBAL_ANCHORS];
	int k = top_anchors(lam, np, idx, MCC_GLOBAL_ANCHORS);
	if (k == 0)
		return;
	mcc_align_t best = {1.0f, 0.0f, 0.0f, 0.0f, 0}, al;
	int most = -1;
	grid_ref(ref, s);
	for (int t = 0; t < k; t++) {
		int n = count_from(ref, probe, &pairs[idx[t]], s, &al);
		if (n > most) {
			most = n;
			best = al;
			out->paired = typed_pairs(ref, probe, s);
		}
	}
	map_probe(probe, &best, s);
	mcc_overlap_count(ref, probe, MCC_G_MARGIN, s, out);
}
