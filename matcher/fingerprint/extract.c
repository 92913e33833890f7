/* extract.c: amana_fp_extract, the image-to-template pipeline.
 *
 * Checks the input, resamples to 500 dpi (bilinear), normalises grey levels
 * per block (zero mean, unit variance, so dry and wet prints look alike),
 * then field (ext_field.c), enhancement and thinning (ext_enhance.c) and
 * minutiae (ext_minutiae.c). The image quality combines the usable area
 * with the mean ridge coherence and the number of minutiae found. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "ext.h"

static int resample(const uint8_t *px, int w, int h, uint32_t dpi, ext_img_t *out)
{
	float sc = (dpi >= 490 && dpi <= 510) ? 1.0f : 500.0f / (float)dpi;
	int ow = (int)lroundf((float)w * sc), oh = (int)lroundf((float)h * sc);
	out->w = ow;
	out->h = oh;
	out->px = malloc((size_t)ow * (size_t)oh * sizeof(float));
	if (out->px == NULL)
		return AMANA_ERR_NOMEM;
	for (int y = 0; y < oh; y++)
		for (int x = 0; x < ow; x++) {
			float sx = ((float)x + 0.5f) / sc - 0.5f, sy = ((float)y + 0.5f) / sc - 0.5f;
			sx = sx < 0 ? 0 : sx > (float)(w - 1) ? (float)(w - 1) : sx;
			sy = sy < 0 ? 0 : sy > (float)(h - 1) ? (float)(h - 1) : sy;
			int ix = (int)sx, iy = (int)sy;
			int ix1 = ix + 1 < w ? ix + 1 : ix, iy1 = iy + 1 < h ? iy + 1 : iy;
			float fx = sx - (float)ix, fy = sy - (float)iy;
			out->px[y * ow + x] =
			    ((float)px[iy * w + ix] * (1 - fx) + (float)px[iy * w + ix1] * fx) * (1 - fy) +
			    ((float)px[iy1 * w + ix] * (1 - fx) + (float)px[iy1 * w + ix1] * fx) * fy;
		}
	return AMANA_OK;
}

/* Local normalisation over 16x16 windows (block statistics, bilinear). */
static void normalise(ext_img_t *im)
{
	int w = im->w, h = im->h, bw = (w + 15) / 16, bh = (h + 15) / 16;
	float *mean = calloc((size_t)bw * (size_t)bh * 2, sizeof(float));
	if (mean == NULL)
		return;
	float *sd = mean + bw * bh;
	for (int by = 0; by < bh; by++)
		for (int bx = 0; bx < bw; bx++) {
			double s = 0, s2 = 0;
			int n = 0;
			for (int y = by * 16 - 8; y < by * 16 + 24; y++)
				for (int x = bx * 16 - 8; x < bx * 16 + 24; x++) {
					if (x < 0 || y < 0 || x >= w || y >= h)
						continue;
					float v = im->px[y * w + x];
					s += v;
					s2 += (double)v * v;
					n++;
				}
			double m = s / n, var = s2 / n - m * m;
			mean[by * bw + bx] = (float)m;
			sd[by * bw + bx] = (float)sqrt(var > 1.0 ? var : 1.0);
		}
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int b = (y / 16) * bw + x / 16;
			im->px[y * w + x] = (im->px[y * w + x] - mean[b]) / sd[b];
		}
	free(mean);
}

int amana_fp_extract(const uint8_t *pixels, uint32_t width, uint32_t height,
    uint32_t dpi, amana_fp_template_t *out, int *quality_0_100)
{
	if (pixels == NULL || out == NULL)
		return AMANA_ERR_ARG;
	if (quality_0_100 != NULL)
		*quality_0_100 = 0;
	if (width < AMANA_FP_MIN_SIDE || height < AMANA_FP_MIN_SIDE ||
	    width > AMANA_FP_MAX_SIDE || height > AMANA_FP_MAX_SIDE)
		return AMANA_ERR_FP_IMAGE_SIZE;
	if (dpi < AMANA_FP_MIN_DPI || dpi > AMANA_FP_MAX_DPI)
		return AMANA_ERR_FP_IMAGE_DPI;
	ext_img_t im;
	int err = resample(pixels, (int)width, (int)height, dpi, &im);
	if (err != AMANA_OK)
		return err;
	int bw = (im.w + EXT_B - 1) / EXT_B, bh = (im.h + EXT_B - 1) / EXT_B;
	float *contrast = malloc((size_t)bw * (size_t)bh * sizeof(float));
	if (contrast == NULL || ext_block_contrast(&im, bw, bh, contrast) != AMANA_OK) {
		free(contrast);
		free(im.px);
		return AMANA_ERR_NOMEM;
	}
	normalise(&im);
	ext_field_t f;
	err = ext_field_compute(&im, contrast, &f);
	free(contrast);
	if (err != AMANA_OK) {
		free(im.px);
		return err;
	}
	uint8_t *bin = malloc((size_t)im.w * (size_t)im.h * 2);
	if (bin == NULL) {
		ext_field_free(&f);
		free(im.px);
		return AMANA_ERR_NOMEM;
	}
	amana_fp_template_t t;
	memset(&t, 0, sizeof(t));
	t.width = (uint16_t)im.w;
	t.height = (uint16_t)im.h;
	err = ext_enhance(&im, &f, bin);
	if (err == AMANA_OK) {
		uint8_t *ridges = bin + (size_t)im.w * (size_t)im.h;
		memcpy(ridges, bin, (size_t)im.w * (size_t)im.h);
		ext_thin(bin, im.w, im.h);
		err = ext_minutiae(bin, ridges, im.w, im.h, &f, &t);
	}
	int fg = 0;
	float coh = 0;
	for (int k = 0; k < f.bw * f.bh; k++)
		if (f.mask[k]) {
			fg++;
			coh += f.coh[k];
		}
	free(bin);
	ext_field_free(&f);
	free(im.px);
	if (err != AMANA_OK)
		return err;
	/* quality: coherence, area (a 150x150 pixel print is enough) and
	 * minutiae (12 are enough to match) */
	float area = (float)fg * EXT_B * EXT_B / (150.0f * 150.0f);
	float q = (fg > 0 ? coh / (float)fg : 0) * 1.4f;
	q *= area < 1 ? area : 1;
	q *= t.count < 12 ? (float)t.count / 12.0f : 1;
	int qi = (int)lroundf(q * 100);
	qi = qi < 0 ? 0 : qi > 100 ? 100 : qi;
	t.quality = (uint8_t)qi;
	if (quality_0_100 != NULL)
		*quality_0_100 = qi;
	/* nothing to match on: say so rather than hand out an empty template */
	if (t.count == 0)
		return AMANA_ERR_FP_LOW_QUALITY;
	*out = t;
	return AMANA_OK;
}
