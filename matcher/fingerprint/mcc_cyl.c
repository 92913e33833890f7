/* mcc_cyl.c: building bit cylinders (mcc_sim.c compares them).
 *
 * A cylinder describes the neighbourhood of one minutia in the minutia's own
 * frame: NS x NS spatial cells by ND direction bins, each cell 1 when the
 * Gaussian-weighted neighbours near its centre, with a direction close to
 * the bin's, sum to at least MU_PSI. Only cells inside the template's
 * convex hull (enlarged by OMEGA) are valid; the similarity counts only
 * cells valid in both cylinders, which makes partial overlap fair.
 * Neighbours are splatted into a window of cells around them (separable
 * Gaussian from a table), so the cost grows with neighbours, not cells. */
#include <math.h>
#include <string.h>

#include "mcc.h"
#include "mcc_bits.h"
#include "mcc_tables.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#define MCC_SPLAT4 1 /* x86-64 baseline: a window row is one SSE operation */
#else
#define MCC_SPLAT4 0
#endif

/* (int)ceilf(v) and (int)floorf(v) for |v| < 2^31 without a libm call
 * (newlib's are software on the M4); cell offsets here are below 100. */
static inline int ceil_int(float v)
{
	int i = (int)v;
	return (float)i < v ? i + 1 : i;
}

static inline int floor_int(float v)
{
	int i = (int)v;
	return (float)i > v ? i - 1 : i;
}

_Static_assert(MCC_ND == 6, "popcount6 adds six direction planes");
_Static_assert(64 % MCC_NS == 0 && MCC_NS <= 32, "a cylinder row is one 32-bit run of one word");

static float gs_at(float t)
{
	float a = fabsf(t) * (float)MCC_GS_STEPS;
	int i = (int)(a + 0.5f);
	return i < MCC_GS_LEN ? mcc_gs[i] : 0.0f;
}

float mcc_atan2_units(float y, float x)
{
	float ax = fabsf(x), ay = fabsf(y);
	float mx = ax > ay ? ax : ay, mn = ax > ay ? ay : ax;
	if (mx == 0.0f)
		return 0.0f;
	float a = mn / mx, s = a * a;
	/* minimax polynomial for atan on [0, 1], error below 1e-5 rad */
	float r = ((-0.0464964749f * s + 0.15931422f) * s - 0.327622764f) * s *
	    a + a;
	if (ay > ax)
		r = 1.57079637f - r;
	if (x < 0.0f)
		r = 3.14159265f - r;
	if (y < 0.0f)
		r = -r;
	float u = r * (128.0f / 3.14159265f);
	return u < 0.0f ? u + 256.0f : u;
}

static inline int valid_at(const mcc_rows_t *rows, float x, float y)
{
	float fr = (y - rows->y0) * rows->inv_step;
	if (!(fr >= 0.0f && fr < rows->fn))
		return 0;
	int r = (int)fr;
	return x >= rows->lo[r] && x <= rows->hi[r];
}

/* 1 when every in-R cell centre of a cylinder at (cx, cy) passes valid_at
 * whatever the rotation: those centres lie within R of (cx, cy) (the float
 * walk errs by far less than the pixel of margin), fr is monotonic in y, and
 * every row band the disk's box meets holds its x extent. The per-cell test
 * would then set exactly the in-R cells, so the result is the same. */
static int disk_inside(const mcc_rows_t *rows, float cx, float cy)
{
	const float e = MCC_R + 1.0f;
	float f0 = (cy - e - rows->y0) * rows->inv_step;
	float f1 = (cy + e - rows->y0) * rows->inv_step;
	if (!(f0 >= 0.0f && f1 < rows->fn))
		return 0;
	float x0 = cx - e, x1 = cx + e;
	for (int r = (int)f0; r <= (int)f1; r++)
		if (!(rows->lo[r] <= x0 && rows->hi[r] >= x1))
			return 0;
	return 1;
}

/* One neighbour's cells: columns a0..a1, rows b0..b1, and its Gaussian
 * weights along each (zero outside the window). */
typedef struct mcc_window {
	int a0, a1, b0, b1;
	float gx[MCC_NS], gy[MCC_NS];
#if MCC_SPLAT4
	int s0;      /* first of 4 columns holding the window, or -1 */
	float g4[4]; /* gx over them, 0 outside the window */
#endif
} mcc_window_t;

/* The window's columns as one 4-lane row when they fit (reach < 2 cells,
 * so they always do), whose lanes outside the window weigh 0. */
static inline void window_lanes(mcc_window_t *win)
{
#if MCC_SPLAT4
	win->s0 = -1;
	if (win->a1 - win->a0 >= 4)
		return;
	win->s0 = win->a0 < MCC_NS - 4 ? win->a0 : MCC_NS - 4;
	for (int l = 0; l < 4; l++) {
		int i = win->s0 + l;
		win->g4[l] = i >= win->a0 && i <= win->a1 ? win->gx[i] : 0.0f;
	}
#else
	(void)win;
#endif
}

/* Adds gd * gy[j] * gx[i] to each cell of the window in plane and sets the
 * cell's bit once its sum reaches MU_PSI: sums only grow, so a cell is 1
 * from that moment on and no threshold pass is needed afterwards. */
static inline __attribute__((always_inline)) void splat(
    const mcc_window_t *win, float gd, float *plane,
    uint64_t *bits)
{
#if MCC_SPLAT4
	/* one 4-lane row from s0: a lane outside the window adds w * 0 = 0
	 * to its cell (sums are >= +0, so unchanged) and can only set a bit
	 * that is already set (the cell's sum reached MU_PSI while in some
	 * window, and that set it) */
	if (win->s0 >= 0) {
		const int s0 = win->s0;
		const __m128 g = _mm_loadu_ps(win->g4);
		const __m128 mu = _mm_set1_ps(MCC_MU_PSI);
		for (int j = win->b0; j <= win->b1; j++) {
			float *p = plane + j * MCC_NS + s0;
			__m128 acc = _mm_add_ps(_mm_loadu_ps(p),
			    _mm_mul_ps(_mm_set1_ps(gd * win->gy[j]), g));
			_mm_storeu_ps(p, acc);
			unsigned rm = (unsigned)_mm_movemask_ps(
			    _mm_cmpge_ps(acc, mu)) << s0;
			bits[(j * MCC_NS) >> 6] |= (uint64_t)rm <<
			    ((j * MCC_NS) & 63);
		}
		return;
	}
#endif
	for (int j = win->b0; j <= win->b1; j++) {
		float w = gd * win->gy[j];
		unsigned rm = 0; /* this row's new bits */
		for (int i = win->a0; i <= win->a1; i++) {
			int cell = j * MCC_NS + i;
			float acc = plane[cell] + w * win->gx[i];
			plane[cell] = acc;
			if (acc >= MCC_MU_PSI)
				rm |= 1u << i;
		}
		/* a row of NS = 16 cells lies in one word */
		bits[(j * MCC_NS) >> 6] |= (uint64_t)rm << ((j * MCC_NS) & 63);
	}
}

int mcc_cyl_build(const amana_fp_template_t *t, unsigned idx,
    const mcc_rows_t *rows, float *sum, mcc_cyl_t *out, uint16_t *info)
{
	const amana_fp_minutia_t *m = &t->minutiae[idx];
	const float c = mcc_cos[m->angle], s = mcc_sin[m->angle];
	const float half = (float)(MCC_NS - 1) * 0.5f;
	memset(out, 0, sizeof(*out));
	*info = 0;

	/* validity mask: in-R cells whose centre lies in the enlarged hull;
	 * cell centres step by (c, -s) * DS along a row and (-s, -c) * DS
	 * down the cylinder, in image coordinates */
	int nvalid = 0;
	const float ux = c * MCC_DS, uy = -s * MCC_DS, vx = -s * MCC_DS, vy = -c * MCC_DS;
	const int all = disk_inside(rows, (float)m->x, (float)m->y);
	if (all) {
		for (int w = 0; w < MCC_WORDS; w++)
			out->mask[w] = mcc_inr[w];
		nvalid = MCC_INR_CELLS;
	}
	for (int j = 0; j < MCC_NS && !all; j++) {
		float x = (float)m->x - half * ux + ((float)j - half) * vx;
		float y = (float)m->y - half * uy + ((float)j - half) * vy;
		/* the in-R cells of a row are one run, never empty (NS = 16:
		 * mcc_tables.h); x and y still step through every cell
		 * before it, so their values (and the result) are those of a
		 * walk over the whole row */
		unsigned inr = (unsigned)(mcc_inr[(j * MCC_NS) >> 6] >>
		    ((j * MCC_NS) & 63)) & 0xffffu;
		unsigned row = 0; /* 32-bit shifts: cheap on the M4 */
		int i = 0;
		for (; (inr >> i & 1u) == 0; i++, x += ux, y += uy)
			;
		for (; inr >> i != 0; i++, x += ux, y += uy)
			if (valid_at(rows, x, y))
				row |= 1u << i;
		out->mask[(j * MCC_NS) >> 6] |= (uint64_t)row << ((j * MCC_NS) & 63);
		nvalid += popcount64(row);
	}
	if ((float)nvalid < MCC_MIN_VC * (float)MCC_INR_CELLS)
		return 0;

	int neigh = 0;
	const float reach = MCC_REACH / MCC_DS;
	for (unsigned k = 0; k < t->count; k++) {
		if (k == idx)
			continue;
		const amana_fp_minutia_t *n = &t->minutiae[k];
		float dx = (float)n->x - (float)m->x;
		float dy = (float)m->y - (float)n->y; /* y up */
		if (dx * dx + dy * dy > MCC_NEIGH_R * MCC_NEIGH_R)
			continue;
		neigh++;
		float u = dx * c + dy * s, v = -dx * s + dy * c;
		float cu = u / MCC_DS + half, cv = v / MCC_DS + half;
		int a0 = ceil_int(cu - reach), a1 = floor_int(cu + reach);
		int b0 = ceil_int(cv - reach), b1 = floor_int(cv + reach);
		a0 = a0 < 0 ? 0 : a0;
		b0 = b0 < 0 ? 0 : b0;
		a1 = a1 >= MCC_NS ? MCC_NS - 1 : a1;
		b1 = b1 >= MCC_NS ? MCC_NS - 1 : b1;
		if (a0 > a1 || b0 > b1)
			continue;
		mcc_window_t win;
		win.a0 = a0;
		win.a1 = a1;
		win.b0 = b0;
		win.b1 = b1;
		for (int i = a0; i <= a1; i++)
			win.gx[i] = gs_at(((float)i - cu) * MCC_DS);
		for (int j = b0; j <= b1; j++)
			win.gy[j] = gs_at(((float)j - cv) * MCC_DS);
		window_lanes(&win);
		/* the distance of the direction difference to each bin
		 * centre, from a table (gen_tables.py, checked against the
		 * float expression by test_fp_compare) */
		const uint8_t *dbin = mcc_dbin[(m->angle - n->angle) & 255];
		for (int d = 0; d < MCC_ND; d++) {
			float gd = mcc_gd[dbin[d]];
			if (gd >= MCC_GD_MIN)
				splat(&win, gd, sum + d * MCC_CELLS, out->bits[d]);
		}
	}
	memset(sum, 0, MCC_ND * MCC_CELLS * sizeof(float));
	for (int d = 0; d < MCC_ND; d++)
		for (int w = 0; w < MCC_WORDS; w++)
			out->bits[d][w] &= out->mask[w];
	int ones = 0;
	for (int w = 0; w < MCC_WORDS; w++)
		ones += popcount6(out->bits[0][w], out->bits[1][w],
		    out->bits[2][w], out->bits[3][w], out->bits[4][w],
		    out->bits[5][w]);
	*info = (uint16_t)((unsigned)ones |
	    (nvalid == MCC_INR_CELLS ? MCC_FULL : 0u));
	return neigh >= MCC_MIN_M;
}
