/* ext.h: internals of minutiae extraction (host only, not installed).
 * Images are float, row-major, 500 dpi. Block fields are on an 8-pixel
 * grid (EXT_B); orientations are ridge directions in radians in image
 * coordinates (y down), modulo pi. */
#ifndef AMANA_FP_EXT_H
#define AMANA_FP_EXT_H

#include <stdint.h>

#include "amana/fp.h"

#define EXT_B 8

typedef struct ext_img {
	int w, h;
	float *px;
} ext_img_t;

typedef struct ext_field {
	int bw, bh;          /* blocks */
	uint8_t *mask;       /* foreground block */
	float *theta;        /* ridge direction, radians, [0, pi) */
	float *coh;          /* coherence 0..1 */
	float *period;       /* ridge period, pixels */
} ext_field_t;

/* Standard deviation of the grey levels of raw (before normalisation) over
 * the 16x16 window centred on each 8x8 block (clipped at the image's
 * edge), into out[bw * bh] with bw, bh the block counts of raw. */
int ext_block_contrast(const ext_img_t *raw, int bw, int bh, float *out);

/* Segmentation, orientation and frequency of img (normalised). contrast
 * (ext_block_contrast of the image before normalisation, or NULL to skip
 * that test) keeps out blocks far fainter than the print's strong ones. */
int ext_field_compute(const ext_img_t *img, const float *contrast,
    ext_field_t *f);
void ext_field_free(ext_field_t *f);

/* Contextual (oriented, frequency-tuned) filtering and binarisation:
 * ridge[i] = 1 for ridge pixels in the foreground. */
int ext_enhance(const ext_img_t *img, const ext_field_t *f, uint8_t *ridge);

/* Thinning to a one-pixel skeleton (in place). */
void ext_thin(uint8_t *b, int w, int h);

/* Minutiae from the skeleton, validated; t->count set, best first. ridges
 * is the binary image before thinning (it gives a bifurcation's sense). */
int ext_minutiae(const uint8_t *skel, const uint8_t *ridges, int w, int h,
    const ext_field_t *f,
    amana_fp_template_t *t);

#endif
