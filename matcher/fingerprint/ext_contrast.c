/* ext_contrast.c: grey-level contrast per block, before normalisation.
 *
 * extract.c normalises the image to zero mean and unit variance per block
 * so that dry and wet prints look alike to the later stages; that also
 * gives the faint rim of a light touch, and the striped background of a
 * capacitive sensor, the variance of the print itself. The segmentation
 * (ext_field.c) needs the contrast the sensor saw, so it is measured here
 * first: the standard deviation of the grey levels over a 16x16 window
 * centred on each 8x8 block (the window of the orientation estimate). */
#include <math.h>

#include "amana/err.h"
#include "ext.h"

static float window_deviation(const ext_img_t *im, int x0, int y0, int x1, int y1)
{
	x0 = x0 < 0 ? 0 : x0;
	y0 = y0 < 0 ? 0 : y0;
	x1 = x1 > im->w ? im->w : x1;
	y1 = y1 > im->h ? im->h : y1;
	if (x1 <= x0 || y1 <= y0)
		return 0.0f;
	/* doubles: a sum of squared grey levels over 256 pixels would lose
	 * the variance of a faint block to float rounding */
	double s = 0, s2 = 0;
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++) {
			double v = im->px[y * im->w + x];
			s += v;
			s2 += v * v;
		}
	double n = (double)(x1 - x0) * (double)(y1 - y0), m = s / n, var = s2 / n - m * m;
	return var > 0 ? (float)sqrt(var) : 0.0f;
}

int ext_block_contrast(const ext_img_t *raw, int bw, int bh, float *out)
{
	if (raw == NULL || out == NULL || bw <= 0 || bh <= 0)
		return AMANA_ERR_ARG;
	for (int by = 0; by < bh; by++)
		for (int bx = 0; bx < bw; bx++)
			out[by * bw + bx] = window_deviation(raw, bx * EXT_B - EXT_B / 2,
			    by * EXT_B - EXT_B / 2, bx * EXT_B + EXT_B * 3 / 2,
			    by * EXT_B + EXT_B * 3 / 2);
	return AMANA_OK;
}
