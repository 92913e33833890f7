/* ext_enhance.c: contextual filtering, binarisation and thinning.
 *
 * The even-symmetric Gabor filter of Hong, Wan and Jain (1998) is separable
 * in the frame of the ridges: a Gaussian along the ridge (smooths pores and
 * breaks) times a Gaussian-windowed cosine across it (tuned to the local
 * period). We apply it as two 1-D passes with per-pixel direction and
 * period (interpolated between blocks), which costs 2 x 17 taps a pixel
 * instead of 17 x 17. Ridges are dark, so a
 * zero-mean filter leaves them negative: that is the binarisation.
 * Thinning: Zhang and Suen (1984), then a pass that removes the corner
 * pixels of staircases so every skeleton pixel has crossing number 2. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "ext.h"

#define NORI 32
#define RAD 8
#define SIGMA_ALONG 4.5f
#define SIGMA_ACROSS 4.0f

/* Per-pixel direction index (0..NORI-1) and period, interpolated
 * bilinearly between block centres (doubled-angle vectors for the
 * direction): nearest-block values put steps into the filtered ridges at
 * every block edge where the field turns, and steps become false minutiae. */
static int pixel_field(const ext_field_t *f, int w, int h, uint8_t *ori,
    float *per)
{
	int nb = f->bw * f->bh;
	float *c2 = malloc((size_t)nb * 2 * sizeof(float));
	if (c2 == NULL)
		return AMANA_ERR_NOMEM;
	float *s2 = c2 + nb;
	for (int k = 0; k < nb; k++) {
		c2[k] = cosf(2.0f * f->theta[k]);
		s2[k] = sinf(2.0f * f->theta[k]);
	}
	for (int y = 0; y < h; y++) {
		float fy = ((float)y + 0.5f) / EXT_B - 0.5f;
		int y0 = (int)floorf(fy);
		float ty = fy - (float)y0;
		int ya = y0 < 0 ? 0 : y0 >= f->bh ? f->bh - 1 : y0;
		int yb = y0 + 1 < 0 ? 0 : y0 + 1 >= f->bh ? f->bh - 1 : y0 + 1;
		for (int x = 0; x < w; x++) {
			int b = (y / EXT_B) * f->bw + x / EXT_B;
			if (!f->mask[b])
				continue; /* the filter skips background pixels */
			float fx = ((float)x + 0.5f) / EXT_B - 0.5f;
			int x0 = (int)floorf(fx);
			float tx = fx - (float)x0;
			int xa = x0 < 0 ? 0 : x0 >= f->bw ? f->bw - 1 : x0;
			int xb = x0 + 1 < 0 ? 0 : x0 + 1 >= f->bw ? f->bw - 1 : x0 + 1;
			int k[4] = {ya * f->bw + xa, ya * f->bw + xb, yb * f->bw + xa, yb * f->bw + xb};
			float wt[4] = {(1 - tx) * (1 - ty), tx * (1 - ty), (1 - tx) * ty, tx * ty};
			float cx = 0, sy = 0, p = 0, ws = 0;
			for (int i = 0; i < 4; i++) {
				/* background blocks carry no field: leave them out */
				float wi = f->mask[k[i]] ? wt[i] : 0.0f;
				cx += wi * c2[k[i]];
				sy += wi * s2[k[i]];
				p += wi * f->period[k[i]];
				ws += wi;
			}
			float th = f->theta[b], pp = f->period[b];
			if (ws > 0.0f && (cx != 0.0f || sy != 0.0f)) {
				th = 0.5f * atan2f(sy, cx);
				if (th < 0.0f)
					th += 3.14159265f;
				pp = p / ws;
			}
			ori[y * w + x] = (uint8_t)((int)lroundf(th * NORI / 3.14159265f) % NORI);
			per[y * w + x] = pp;
		}
	}
	free(c2);
	return AMANA_OK;
}

int ext_enhance(const ext_img_t *img, const ext_field_t *f, uint8_t *ridge)
{
	int w = img->w, h = img->h;
	float *s = calloc((size_t)w * (size_t)h * 2, sizeof(float));
	uint8_t *ori = calloc((size_t)w * (size_t)h, 1);
	if (s == NULL || ori == NULL) {
		free(s);
		free(ori);
		return AMANA_ERR_NOMEM;
	}
	float *per = s + (size_t)w * (size_t)h;
	if (pixel_field(f, w, h, ori, per) != AMANA_OK) {
		free(s);
		free(ori);
		return AMANA_ERR_NOMEM;
	}
	int off[NORI][2 * RAD + 1][2];
	for (int o = 0; o < NORI; o++) {
		float th = (float)o * 3.14159265f / NORI;
		for (int k = -RAD; k <= RAD; k++) {
			off[o][k + RAD][0] = (int)lroundf((float)k * cosf(th));
			off[o][k + RAD][1] = (int)lroundf((float)k * sinf(th));
		}
	}
	float ga[2 * RAD + 1];
	for (int k = -RAD; k <= RAD; k++)
		ga[k + RAD] = expf(-(float)(k * k) / (2 * SIGMA_ALONG * SIGMA_ALONG));
	/* pass 1: along the ridge */
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int b = (y / EXT_B) * f->bw + x / EXT_B;
			if (!f->mask[b])
				continue;
			int o = ori[y * w + x];
			float acc = 0, ws = 0;
			for (int k = 0; k <= 2 * RAD; k++) {
				int xx = x + off[o][k][0], yy = y + off[o][k][1];
				if (xx < 0 || yy < 0 || xx >= w || yy >= h)
					continue;
				acc += ga[k] * img->px[yy * w + xx];
				ws += ga[k];
			}
			s[y * w + x] = acc / ws;
		}
	/* pass 2: across, Gaussian-windowed cosine, zero-mean, one kernel per
	 * quarter pixel of period */
	enum { NPER = 69 }; /* periods 3.0 .. 20.0 */
	float kern[NPER][2 * RAD + 1];
	for (int pb = 0; pb < NPER; pb++) {
		float pk = 3.0f + 0.25f * (float)pb, ws = 0, gs = 0;
		for (int k = -RAD; k <= RAD; k++) {
			float g = expf(-(float)(k * k) / (2 * SIGMA_ACROSS * SIGMA_ACROSS));
			kern[pb][k + RAD] = g * cosf(6.2831853f * (float)k / pk);
			ws += kern[pb][k + RAD];
			gs += g;
		}
		for (int k = -RAD; k <= RAD; k++)
			kern[pb][k + RAD] -= ws / gs *
			    expf(-(float)(k * k) / (2 * SIGMA_ACROSS * SIGMA_ACROSS));
	}
	memset(ridge, 0, (size_t)w * (size_t)h);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int b = (y / EXT_B) * f->bw + x / EXT_B;
			if (!f->mask[b])
				continue;
			int o = (ori[y * w + x] + NORI / 2) % NORI;
			int pb = (int)lroundf((per[y * w + x] - 3.0f) * 4.0f);
			pb = pb < 0 ? 0 : pb >= NPER ? NPER - 1 : pb;
			float acc = 0;
			for (int k = 0; k <= 2 * RAD; k++) {
				int xx = x + off[o][k][0], yy = y + off[o][k][1];
				if (xx < 0 || yy < 0 || xx >= w || yy >= h)
					continue;
				acc += kern[pb][k] * s[yy * w + xx];
			}
			ridge[y * w + x] = acc < 0.0f;
		}
	free(s);
	free(ori);
	return AMANA_OK;
}

/* neighbours p2..p9 clockwise from north */
static void nb8(const uint8_t *b, int w, int i, int p[8])
{
	p[0] = b[i - w];
	p[1] = b[i - w + 1];
	p[2] = b[i + 1];
	p[3] = b[i + w + 1];
	p[4] = b[i + w];
	p[5] = b[i + w - 1];
	p[6] = b[i - 1];
	p[7] = b[i - w - 1];
}

void ext_thin(uint8_t *b, int w, int h)
{
	/* clear the frame so neighbour reads stay inside */
	for (int x = 0; x < w; x++)
		b[x] = b[(h - 1) * w + x] = 0;
	for (int y = 0; y < h; y++)
		b[y * w] = b[y * w + w - 1] = 0;
	uint8_t *del = malloc((size_t)w * (size_t)h);
	if (del == NULL)
		return;
	int changed = 1;
	while (changed) {
		changed = 0;
		for (int pass = 0; pass < 2; pass++) {
			int nd = 0;
			for (int y = 1; y < h - 1; y++)
				for (int x = 1; x < w - 1; x++) {
					int i = y * w + x;
					del[i] = 0;
					if (!b[i])
						continue;
					int p[8];
					nb8(b, w, i, p);
					int bn = 0, an = 0;
					for (int k = 0; k < 8; k++) {
						bn += p[k];
						an += !p[k] && p[(k + 1) & 7];
					}
					if (bn < 2 || bn > 6 || an != 1)
						continue;
					if (pass == 0 ? (p[0] && p[2] && p[4]) || (p[2] && p[4] && p[6])
					    : (p[0] && p[2] && p[6]) || (p[0] && p[4] && p[6]))
						continue;
					del[i] = 1;
					nd++;
				}
			if (nd == 0)
				continue;
			changed = 1;
			for (int y = 1; y < h - 1; y++)
				for (int x = 1; x < w - 1; x++)
					if (del[y * w + x])
						b[y * w + x] = 0;
		}
	}
	/* staircase corners: a pixel with two 4-neighbours at a right angle
	 * whose removal keeps connectivity (crossing transitions stay 1) */
	for (int y = 1; y < h - 1; y++)
		for (int x = 1; x < w - 1; x++) {
			int i = y * w + x;
			if (!b[i])
				continue;
			int p[8];
			nb8(b, w, i, p);
			int an = 0;
			for (int k = 0; k < 8; k++)
				an += !p[k] && p[(k + 1) & 7];
			if (an == 1 && ((p[0] && p[2] && !p[4] && !p[6]) ||
			    (p[2] && p[4] && !p[6] && !p[0]) ||
			    (p[4] && p[6] && !p[0] && !p[2]) ||
			    (p[6] && p[0] && !p[2] && !p[4])))
				b[i] = 0;
		}
	free(del);
}
