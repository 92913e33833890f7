/*
 * amana/face_template.h: the face template and its comparison.
 *
 * Freestanding (no heap, no libc beyond the compiler's own headers, float
 * only): the firmware compiles template.c for the Cortex-M4 and matches on
 * the token with the same code the host uses.
 *
 * A template is AMANA_FACE_TEMPLATE_BYTES bytes: a version byte
 * (AMANA_FACE_TEMPLATE_VERSION), then 512 int8 values, the L2-normalised
 * fr_feature embedding e quantised as q = round(127 e) clipped to +-127
 * (docs/0202-face-pipeline.md). -128 never occurs in a valid template.
 */
#ifndef AMANA_FACE_TEMPLATE_H
#define AMANA_FACE_TEMPLATE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AMANA_FACE_TEMPLATE_BYTES 513 /* version byte + 512 int8 */
#define AMANA_FACE_TEMPLATE_DIM 512
#define AMANA_FACE_TEMPLATE_VERSION 1

/*
 * The decision threshold on the cosine for a false match rate of at most
 * 1e-4, measured with `amana-eval face` on ORL (all pairs of the 399
 * templates made from its 400 images: 77,610 impostor pairs, 1,791 genuine
 * pairs, int8 templates): 7 impostor pairs score at or above it (FMR 9.0e-5)
 * and 18 genuine pairs below it (FNMR 1.0%). Seven pairs are a thin basis
 * for a rate of 1e-4 and ORL is small and uniform: see
 * docs/0203-face-threshold.md before relying on it. Accept when
 * cosine >= AMANA_FACE_THRESHOLD_FMR1E4.
 */
#define AMANA_FACE_THRESHOLD_FMR1E4 0.44f

/*
 * Compares two templates: *cosine receives the cosine similarity of the two
 * quantised vectors, in [-1, 1] (1 = same direction). The dot product is
 * exact in integers; only the final scaling is in float.
 *
 * Returns AMANA_OK, AMANA_ERR_ARG (a NULL pointer), AMANA_ERR_FACE_VERSION
 * (a version byte is not AMANA_FACE_TEMPLATE_VERSION) or AMANA_ERR_FORMAT
 * (a value of -128 or an all-zero vector: not a template we make). *cosine
 * is 0 on error.
 */
int amana_face_template_compare(const uint8_t a[AMANA_FACE_TEMPLATE_BYTES],
    const uint8_t b[AMANA_FACE_TEMPLATE_BYTES], float *cosine)
    __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif /* AMANA_FACE_TEMPLATE_H */
