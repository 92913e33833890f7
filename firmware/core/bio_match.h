/*
 * bio_match.h: comparison of probe samples with enrolled references, and
 * the choice of the references kept from an enrolment (firmware B, private
 * to the core).
 *
 * Decision rule (docs/0651-uv-decision.md): a fingerprint probe matches a
 * finger when its best MCC score against any of that finger's stored
 * templates is >= AMANA_FP_THRESHOLD_FMR1E4; a face probe matches when its
 * cosine with a stored face template is >= AMANA_FACE_THRESHOLD_FMR1E4.
 *
 * All working memory lives in bio_work_t, which the token context holds as
 * a static area (no heap, no large stack frames): two unpacked fingerprint
 * templates and the matcher's 32 KiB comparison area.
 */
#ifndef TOKEN_BIO_MATCH_H
#define TOKEN_BIO_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "amana/face_template.h"
#include "amana/fp.h"

/* Packed fingerprint templates are at most this long: 6 bytes a minutia
 * plus a header (11 bytes in version 1; 16 leaves room). Held 4 times in
 * the enrolment state, so not AMANA_FP_TEMPLATE_MAX_BYTES. */
#define BIO_FP_PACKED_MAX (16u + 6u * AMANA_FP_MAX_MINUTIAE)

/* Minutiae a usable enrolment sample needs: fewer cannot reach the FMR
 * 1:10,000 threshold reliably against a genuine impression. */
#define BIO_FP_MIN_MINUTIAE 12u

typedef struct bio_work {
	_Alignas(8) uint8_t cmp[AMANA_FP_COMPARE_WORK_BYTES];
	amana_fp_template_t probe;
	amana_fp_template_t ref;
} bio_work_t;

/* Unpacks a fingerprint probe into w->probe and checks it is usable
 * (AMANA_ERR_BIO_QUALITY when it has too few minutiae or, for an enrolment
 * sample, its quality is under AMANA_FP_ENROL_MIN_QUALITY). */
int bio_fp_probe_load(bio_work_t *w, const uint8_t *probe, size_t len,
    bool enrol) __attribute__((warn_unused_result));

/* Score of w->probe against the packed reference ref[len]. */
int bio_fp_score_ref(bio_work_t *w, const uint8_t *ref, size_t len,
    float *score) __attribute__((warn_unused_result));

/* True when score reaches the FMR 1:10,000 fingerprint threshold. */
bool bio_fp_accept(float score);

/* Cosine of two face templates; AMANA_ERR_* on a version mismatch. */
int bio_face_score(const uint8_t a[AMANA_FACE_TEMPLATE_BYTES],
    const uint8_t b[AMANA_FACE_TEMPLATE_BYTES], float *cosine)
    __attribute__((warn_unused_result));
bool bio_face_accept(float cosine);

/* Chooses the references kept from n enrolment samples (packed, samples[i]
 * of lens[i] bytes): every sample is scored against every other, each gets
 * the mean of its scores, and the samples of highest mean are kept, best
 * first, while they fit in budget bytes and at most max_keep of them.
 * order[] (n entries) receives the indexes of the kept samples; *kept their
 * count (>= 1 when n >= 1 and one sample fits). */
int bio_fp_select(bio_work_t *w, const uint8_t *const samples[],
    const uint16_t lens[], size_t n, size_t budget, size_t max_keep,
    uint8_t order[], size_t *kept) __attribute__((warn_unused_result));

#endif /* TOKEN_BIO_MATCH_H */
