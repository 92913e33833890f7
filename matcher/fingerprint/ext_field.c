/* ext_field.c: foreground, orientation field and ridge period.
 *
 * Orientation: least-squares estimate from Sobel gradients (Bazen and
 * Gerez 2002) over a 16x16 window per 8x8 block, then the doubled-angle
 * vectors are smoothed with a Gaussian over blocks, weighted by coherence,
 * which repairs noisy blocks from their neighbours.
 * Foreground: coherent gradient energy per block against a fraction of the
 * image's strong blocks, the raw grey-level contrast likewise (the energy
 * is measured after normalisation, which evens out faint and strong
 * blocks), even ridge spacing around the block, then morphological
 * clean-up (largest region, holes filled). Period: x-signature (Hong, Wan, Jain 1998) along the normal to
 * the ridges, measured from the spacing of its minima; blocks without a
 * clear answer take the median of the others, then the map is smoothed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "ext.h"

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

#define ORI_SIGMA 1.5f     /* orientation smoothing, blocks */
#define SEG_ENERGY 0.08f
#define SEG_COH 0.12f
#define SEG_WIDE 0.0f
#define SEG_CONTRAST 0.25f /* grey-level deviation, share of the strong blocks' */
#define SEG_SPACING 1.6f   /* largest / smallest ridge spacing in a block */
#define SEG_PERIODIC 0.3f  /* share of neighbours with even ridges */

/* 3x3 majority vote: smooths the ragged edge of the foreground. */
static void majority(uint8_t *m, int bw, int bh, float *scratch)
{
	for (int y = 0; y < bh; y++)
		for (int x = 0; x < bw; x++) {
			int n = 0, c = 0;
			for (int dy = -1; dy <= 1; dy++)
				for (int dx = -1; dx <= 1; dx++) {
					int xx = x + dx, yy = y + dy;
					if (xx < 0 || yy < 0 || xx >= bw || yy >= bh)
						continue;
					n++;
					c += m[yy * bw + xx];
				}
			scratch[y * bw + x] = 2 * c > n ? 1.0f : 0.0f;
		}
	for (int k = 0; k < bw * bh; k++)
		m[k] = scratch[k] > 0.5f;
}

/* Keeps the largest 8-connected region of mask and fills its holes. */
static void clean_mask(uint8_t *m, int bw, int bh)
{
	int n = bw * bh;
	int *lab = calloc((size_t)n, sizeof(int)), *stack = malloc((size_t)n * sizeof(int));
	if (lab == NULL || stack == NULL) {
		free(lab);
		free(stack);
		return;
	}
	int best = 0, bestsz = 0, next = 0;
	for (int s = 0; s < n; s++) {
		if (!m[s] || lab[s])
			continue;
		int sp = 0, sz = 0;
		lab[s] = ++next;
		stack[sp++] = s;
		while (sp > 0) {
			int c = stack[--sp], cx = c % bw, cy = c / bw;
			sz++;
			for (int dy = -1; dy <= 1; dy++)
				for (int dx = -1; dx <= 1; dx++) {
					int x = cx + dx, y = cy + dy;
					if (x < 0 || y < 0 || x >= bw || y >= bh)
						continue;
					int k = y * bw + x;
					if (m[k] && !lab[k]) {
						lab[k] = next;
						stack[sp++] = k;
					}
				}
		}
		if (sz > bestsz) {
			bestsz = sz;
			best = next;
		}
	}
	/* background reachable from the border stays background */
	memset(stack, 0, (size_t)n * sizeof(int));
	int sp = 0;
	int *q = lab; /* reuse: mark outside with -1 */
	for (int i = 0; i < n; i++)
		q[i] = (q[i] == best && best != 0) ? 1 : 0;
	for (int y = 0; y < bh; y++)
		for (int x = 0; x < bw; x++)
			if ((x == 0 || y == 0 || x == bw - 1 || y == bh - 1) &&
			    q[y * bw + x] == 0) {
				q[y * bw + x] = -1;
				stack[sp++] = y * bw + x;
			}
	while (sp > 0) {
		int c = stack[--sp], cx = c % bw, cy = c / bw;
		static const int d4[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
		for (int k = 0; k < 4; k++) {
			int x = cx + d4[k][0], y = cy + d4[k][1];
			if (x < 0 || y < 0 || x >= bw || y >= bh)
				continue;
			if (q[y * bw + x] == 0) {
				q[y * bw + x] = -1;
				stack[sp++] = y * bw + x;
			}
		}
	}
	for (int i = 0; i < n; i++)
		m[i] = q[i] != -1;
	free(lab);
	free(stack);
}

static float sample(const ext_img_t *im, float x, float y)
{
	int ix = (int)floorf(x), iy = (int)floorf(y);
	if (ix < 0 || iy < 0 || ix >= im->w - 1 || iy >= im->h - 1)
		return 0.0f;
	float fx = x - (float)ix, fy = y - (float)iy;
	const float *p = im->px + iy * im->w + ix;
	return (p[0] * (1 - fx) + p[1] * fx) * (1 - fy) +
	    (p[im->w] * (1 - fx) + p[im->w + 1] * fx) * fy;
}

/* Ridge period at block (bx, by) from the x-signature, or 0. */
static float block_period(const ext_img_t *im, float cx, float cy, float th)
{
	float sig[33];
	float dx = cosf(th), dy = sinf(th);   /* along the ridge */
	float nx = -dy, ny = dx;              /* across */
	for (int k = -16; k <= 16; k++) {
		float acc = 0.0f;
		for (int d = -8; d < 8; d++)
			acc += sample(im, cx + (float)k * nx + (float)d * dx,
			    cy + (float)k * ny + (float)d * dy);
		sig[k + 16] = acc;
	}
	/* smooth so that pores and the bright line some wet ridges show in
	 * their middle do not count as valleys: that would halve the period */
	float sm[33];
	for (int i = 0; i < 33; i++) {
		float a = 0, ws = 0;
		for (int d = -2; d <= 2; d++) {
			int j = i + d;
			if (j < 0 || j > 32)
				continue;
			float wgt = (float)(3 - (d < 0 ? -d : d));
			a += wgt * sig[j];
			ws += wgt;
		}
		sm[i] = a / ws;
	}
	memcpy(sig, sm, sizeof(sig));
	float mn = sig[0], mx = sig[0];
	for (int i = 1; i < 33; i++) {
		mn = fminf(mn, sig[i]);
		mx = fmaxf(mx, sig[i]);
	}
	if (mx - mn < 1.0f)
		return 0.0f;
	int pos[32], count = 0;
	for (int i = 1; i < 32; i++)
		if (sig[i] < sig[i - 1] && sig[i] <= sig[i + 1])
			pos[count++] = i;
	if (count < 3)
		return 0.0f;
	/* ridges are evenly spaced; an edge or a smudge is not */
	int dmin = 99, dmax = 0;
	for (int i = 1; i < count; i++) {
		int d = pos[i] - pos[i - 1];
		dmin = d < dmin ? d : dmin;
		dmax = d > dmax ? d : dmax;
	}
	if ((float)dmax > SEG_SPACING * (float)dmin)
		return 0.0f;
	float p = (float)(pos[count - 1] - pos[0]) / (float)(count - 1);
	return (p >= 3.0f && p <= 20.0f) ? p : 0.0f;
}

int ext_field_compute(const ext_img_t *im, const float *contrast, ext_field_t *f)
{
	int w = im->w, h = im->h;
	int bw = (w + EXT_B - 1) / EXT_B, bh = (h + EXT_B - 1) / EXT_B, nb = bw * bh;
	memset(f, 0, sizeof(*f));
	f->bw = bw;
	f->bh = bh;
	f->mask = calloc((size_t)nb, 1);
	f->theta = calloc((size_t)nb, sizeof(float));
	f->coh = calloc((size_t)nb, sizeof(float));
	f->period = calloc((size_t)nb, sizeof(float));
	float *bxx = calloc((size_t)nb * 4, sizeof(float));
	if (f->mask == NULL || f->theta == NULL || f->coh == NULL ||
	    f->period == NULL || bxx == NULL) {
		free(bxx);
		ext_field_free(f);
		return AMANA_ERR_NOMEM;
	}
	float *byy = bxx + nb, *bxy = byy + nb, *tmp = bxy + nb;
	/* per-block sums of the gradient moments */
	for (int y = 1; y < h - 1; y++)
		for (int x = 1; x < w - 1; x++) {
			const float *p = im->px + y * w + x;
			float gx = (p[-w + 1] + 2 * p[1] + p[w + 1]) -
			    (p[-w - 1] + 2 * p[-1] + p[w - 1]);
			float gy = (p[w - 1] + 2 * p[w] + p[w + 1]) -
			    (p[-w - 1] + 2 * p[-w] + p[-w + 1]);
			int b = (y / EXT_B) * bw + x / EXT_B;
			bxx[b] += gx * gx;
			byy[b] += gy * gy;
			bxy[b] += gx * gy;
		}
	/* 16x16 windows = 3x3 blocks weighted 1/2/1; orientation, coherence */
	float *vx = malloc((size_t)nb * 2 * sizeof(float));
	if (vx == NULL) {
		free(bxx);
		ext_field_free(f);
		return AMANA_ERR_NOMEM;
	}
	float *vy = vx + nb;
	for (int by = 0; by < bh; by++)
		for (int bx = 0; bx < bw; bx++) {
			float sxx = 0, syy = 0, sxy = 0;
			for (int dy = -1; dy <= 1; dy++)
				for (int dx = -1; dx <= 1; dx++) {
					int x = bx + dx, y = by + dy;
					if (x < 0 || y < 0 || x >= bw || y >= bh)
						continue;
					float wgt = (dx == 0 ? 2.0f : 1.0f) * (dy == 0 ? 2.0f : 1.0f);
					int k = y * bw + x;
					sxx += wgt * bxx[k];
					syy += wgt * byy[k];
					sxy += wgt * bxy[k];
				}
			int k = by * bw + bx;
			float a = sxx - syy, b2 = 2.0f * sxy, e = sxx + syy;
			float mag = sqrtf(a * a + b2 * b2);
			f->coh[k] = e > 0.0f ? mag / e : 0.0f;
			vx[k] = a;
			vy[k] = b2;
			tmp[k] = (bxx[k] + byy[k]) / (float)(EXT_B * EXT_B);
		}
	/* foreground: energy above a fraction of the strong blocks */
	float *sorted = malloc((size_t)nb * sizeof(float));
	if (sorted == NULL) {
		free(vx);
		free(bxx);
		ext_field_free(f);
		return AMANA_ERR_NOMEM;
	}
	/* smooth the doubled-angle field (Gaussian sigma ~1.5 blocks); the
	 * agreement of the unit vectors over that 40-pixel window is a second
	 * coherence that noise (which has energy) does not reach */
	float g5[5];
	for (int i = 0; i < 5; i++)
		g5[i] = expf(-(float)((i - 2) * (i - 2)) / (2.0f * ORI_SIGMA * ORI_SIGMA));
	float *wide = malloc((size_t)nb * sizeof(float));
	if (wide == NULL) {
		free(sorted);
		free(vx);
		free(bxx);
		ext_field_free(f);
		return AMANA_ERR_NOMEM;
	}
	for (int by = 0; by < bh; by++)
		for (int bx = 0; bx < bw; bx++) {
			float sx = 0, sy = 0, ux = 0, uy = 0, us = 0;
			for (int dy = -2; dy <= 2; dy++)
				for (int dx = -2; dx <= 2; dx++) {
					int x = bx + dx, y = by + dy;
					if (x < 0 || y < 0 || x >= bw || y >= bh)
						continue;
					int k = y * bw + x;
					float n = sqrtf(vx[k] * vx[k] + vy[k] * vy[k]);
					if (n <= 0.0f)
						continue;
					float g = g5[dx + 2] * g5[dy + 2];
					float wgt = g * f->coh[k] / n;
					sx += wgt * vx[k];
					sy += wgt * vy[k];
					ux += g * vx[k] / n;
					uy += g * vy[k] / n;
					us += g;
				}
			wide[by * bw + bx] = us > 0 ? sqrtf(ux * ux + uy * uy) / us : 0;
			/* gradient angle is atan2(sy, sx) / 2; ridges are normal */
			float th = 0.5f * atan2f(sy, sx) + 1.5707963f;
			if (th >= 3.14159265f)
				th -= 3.14159265f;
			if (th < 0.0f)
				th += 3.14159265f;
			f->theta[by * bw + bx] = th;
		}
	/* foreground: coherent energy above a fraction of the strong blocks,
	 * and a direction that holds over the wide window */
	for (int k = 0; k < nb; k++)
		tmp[k] *= f->coh[k];
	memcpy(sorted, tmp, (size_t)nb * sizeof(float));
	qsort(sorted, (size_t)nb, sizeof(float), cmp_float);
	float strong = sorted[(nb * 95) / 100];
	for (int k = 0; k < nb; k++)
		f->mask[k] = tmp[k] > SEG_ENERGY * strong && f->coh[k] > SEG_COH &&
		    wide[k] > SEG_WIDE;
	/* the normalised image has the same variance everywhere, so the
	 * faint rim of a light or dry touch (and a sensor's striped
	 * background) can pass the tests above; the raw grey levels tell it
	 * from the print */
	if (contrast != NULL) {
		memcpy(sorted, contrast, (size_t)nb * sizeof(float));
		qsort(sorted, (size_t)nb, sizeof(float), cmp_float);
		float bar = SEG_CONTRAST * sorted[(nb * 95) / 100];
		for (int k = 0; k < nb; k++)
			f->mask[k] = f->mask[k] && contrast[k] > bar;
	}
	free(wide);
	majority(f->mask, bw, bh, sorted);
	majority(f->mask, bw, bh, sorted);
	clean_mask(f->mask, bw, bh);
	/* ridge period */
	int nvalid = 0;
	for (int by = 0; by < bh; by++)
		for (int bx = 0; bx < bw; bx++) {
			int k = by * bw + bx;
			if (!f->mask[k])
				continue;
			float p = block_period(im, (float)bx * EXT_B + EXT_B / 2.0f,
			    (float)by * EXT_B + EXT_B / 2.0f, f->theta[k]);
			f->period[k] = p;
			if (p > 0.0f)
				sorted[nvalid++] = p;
		}
	/* background that passed the energy test (scanner edges, smudges)
	 * has no even ridge spacing: keep blocks whose neighbourhood mostly
	 * has one */
	for (int by = 0; by < bh; by++)
		for (int bx = 0; bx < bw; bx++) {
			int n = 0, c = 0;
			for (int dy = -1; dy <= 1; dy++)
				for (int dx = -1; dx <= 1; dx++) {
					int x = bx + dx, y = by + dy;
					if (x < 0 || y < 0 || x >= bw || y >= bh)
						continue;
					n++;
					c += f->period[y * bw + x] > 0.0f;
				}
			tmp[by * bw + bx] = (float)c >= SEG_PERIODIC * (float)n ? 1.0f : 0.0f;
		}
	for (int k = 0; k < nb; k++)
		f->mask[k] = f->mask[k] && tmp[k] > 0.5f;
	majority(f->mask, bw, bh, tmp);
	clean_mask(f->mask, bw, bh);
	float med = 9.0f;
	if (nvalid > 0) {
		qsort(sorted, (size_t)nvalid, sizeof(float), cmp_float);
		med = sorted[nvalid / 2];
	}
	/* a print's ridge period varies by less than this around its median */
	for (int k = 0; k < nb; k++) {
		float p = f->period[k];
		tmp[k] = p <= 0.0f ? med : p < 0.75f * med ? 0.75f * med :
		    p > 1.35f * med ? 1.35f * med : p;
	}
	for (int by = 0; by < bh; by++)
		for (int bx = 0; bx < bw; bx++) {
			float s = 0, ws = 0;
			for (int dy = -2; dy <= 2; dy++)
				for (int dx = -2; dx <= 2; dx++) {
					int x = bx + dx, y = by + dy;
					if (x < 0 || y < 0 || x >= bw || y >= bh)
						continue;
					float wgt = g5[dx + 2] * g5[dy + 2];
					s += wgt * tmp[y * bw + x];
					ws += wgt;
				}
			f->period[by * bw + bx] = s / ws;
		}
	free(sorted);
	free(vx);
	free(bxx);
	return AMANA_OK;
}

void ext_field_free(ext_field_t *f)
{
	free(f->mask);
	free(f->theta);
	free(f->coh);
	free(f->period);
	memset(f, 0, sizeof(*f));
}
