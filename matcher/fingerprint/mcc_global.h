/* mcc_global.h: global consolidation of the MCC comparison (not installed).
 *
 * LSS-R ranks minutia pairs by how well their neighbourhoods agree; an
 * impostor can score high there on a few locally similar spots that do not
 * agree on one placement of the prints. This stage takes the best relaxed
 * pairs as anchors, aligns the probe onto the reference (rotation and
 * translation), and counts the one-to-one minutia pairs under the alignment
 * that pairs most, together with how many minutiae of each print lie where
 * the other print has minutiae (the overlap after alignment). */
#ifndef AMANA_FP_MCC_GLOBAL_H
#define AMANA_FP_MCC_GLOBAL_H

#include <stdint.h>

#include "mcc.h"

/* A cylinder pair: similarity, reference index a, probe index b. */
typedef struct mcc_pair {
	float sim;
	uint8_t a, b;
} mcc_pair_t;

/* A rigid alignment of the probe onto the reference, image coordinates
 * (y down): x' = c x + s y + tx, y' = -s x + c y + ty; a probe direction
 * turns by rot units (c = cos, s = sin of rot). */
typedef struct mcc_align {
	float c, s, tx, ty;
	int rot;
} mcc_align_t;

#define MCC_GLOBAL_ANCHORS 5 /* best relaxed pairs tried as anchors */
#define MCC_G_SIDE 32        /* grid cells a side at most (640 px) */

/* Scratch of mcc_global_consolidate; it may overlay memory that is dead
 * once LSS-R is done (the compatibility matrix). */
typedef struct mcc_global_scratch {
	float px[AMANA_FP_MAX_MINUTIAE], py[AMANA_FP_MAX_MINUTIAE];
	float cost_a[AMANA_FP_MAX_MINUTIAE], cost_b[AMANA_FP_MAX_MINUTIAE];
	float tol[AMANA_FP_MAX_MINUTIAE], inv_tol2[AMANA_FP_MAX_MINUTIAE];
	/* the reference's minutiae by grid cell (mcc_global.c) */
	float gx0, gy0;
	int gw, gh;
	uint16_t cell[AMANA_FP_MAX_MINUTIAE];
	uint8_t order[AMANA_FP_MAX_MINUTIAE];
	uint8_t start[MCC_G_SIDE * MCC_G_SIDE + 1], fill[MCC_G_SIDE * MCC_G_SIDE];
	uint8_t pang[AMANA_FP_MAX_MINUTIAE];
	uint8_t best_a[AMANA_FP_MAX_MINUTIAE], best_b[AMANA_FP_MAX_MINUTIAE];
	uint8_t mate[AMANA_FP_MAX_MINUTIAE]; /* probe -> ref, 255 = none */
	float hull[AMANA_FP_MAX_MINUTIAE + 1][2];
	float sorted[AMANA_FP_MAX_MINUTIAE][2];
	float edge_a[AMANA_FP_MAX_MINUTIAE + 1][3];
	float edge_b[AMANA_FP_MAX_MINUTIAE + 1][3];
} mcc_global_scratch_t;

typedef struct mcc_global {
	float paired;    /* one-to-one minutia pairs under the best alignment,
			  * a pair of an ending and a bifurcation counting
			  * MCC_G_TYPE_MISMATCH */
	float overlap_a; /* reference minutiae inside the aligned probe's hull */
	float overlap_b; /* probe minutiae inside the reference's hull */
} mcc_global_t; /* overlaps: each minutia weighted by its quality (see
		 * mcc_overlap_count) */

/* Tries the MCC_GLOBAL_ANCHORS pairs of highest lam[] among pairs[0..np)
 * as anchors and fills *out for the alignment that pairs most minutiae
 * (all zero when np == 0). Deterministic; uses only s as scratch. */
void mcc_global_consolidate(const amana_fp_template_t *ref,
    const amana_fp_template_t *probe, const mcc_pair_t *pairs,
    const float *lam, int np, mcc_global_scratch_t *s, mcc_global_t *out);

/* Counts the reference minutiae inside the aligned probe's convex hull and
 * the probe minutiae inside the reference's, each hull enlarged by margin
 * pixels (mcc_overlap.c). A minutia counts min(1, max(0.5, quality / 40)),
 * 1 when its quality is not reported (0). Needs s->px/py filled with the
 * aligned probe positions. */
void mcc_overlap_count(const amana_fp_template_t *ref,
    const amana_fp_template_t *probe, float margin, mcc_global_scratch_t *s,
    mcc_global_t *out);

#endif
