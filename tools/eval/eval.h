/*
 * eval.h: biometric evaluation statistics shared by `amana-eval face` and
 * `amana-eval fingerprint`.
 *
 * Scores: higher = more similar. A comparison is accepted when
 * score >= threshold. For a threshold t:
 *   FMR(t)  = (impostor scores >= t) / impostor count
 *   FNMR(t) = (genuine scores  <  t) / genuine count
 * Both are step functions that change only at observed scores, so every
 * figure below is computed exactly over the distinct observed scores (plus
 * one threshold above the largest, where FMR = 0 and FNMR = 1).
 *
 * Definitions (all rates are fractions in [0, 1]):
 * - eer: as defined for FVC2000 (Maio et al., "FVC2000: Fingerprint
 *   Verification Competition", IEEE PAMI 24(3), 2002, section 4):
 *     t1 = max{t : FNMR(t) <= FMR(t)},  t2 = min{t : FNMR(t) >= FMR(t)};
 *     if FNMR(t1) + FMR(t1) <= FMR(t2) + FNMR(t2) the EER interval is
 *     [FNMR(t1), FMR(t1)], else [FMR(t2), FNMR(t2)]; eer is its midpoint.
 *     thr_eer is t1 or t2, whichever gave the interval.
 * - fmr100 / fmr1000: the lowest FNMR at which FMR <= 1% / <= 0.1% (FVC
 *   reports' FMR100, FMR1000); zerofmr: the lowest FNMR at which FMR = 0.
 * - fnmr_at_fmr1e3 / fnmr_at_fmr1e4: the lowest FNMR with FMR <= 1e-3 / 1e-4,
 *   reached at the thresholds thr_fmr1e3 / thr_fmr1e4 (the smallest such t).
 *   fnmr_at_fmr1e3 equals fmr1000. With fewer than 10,000 impostor scores,
 *   FMR <= 1e-4 means no impostor accepted: read the impostor count before
 *   quoting the figure.
 */
#ifndef AMANA_EVAL_H
#define AMANA_EVAL_H

#include <stddef.h>

typedef struct eval_result {
	size_t genuine, impostor;
	double eer, fmr100, fmr1000, zerofmr, fnmr_at_fmr1e3, fnmr_at_fmr1e4;
	double thr_eer, thr_fmr1e3, thr_fmr1e4;
} eval_result_t; /* rates as fractions */

/* Computes every figure of eval_result_t. Needs ng >= 1 and ni >= 1, and no
 * NaN among the scores (AMANA_ERR_ARG otherwise); AMANA_ERR_NOMEM when the
 * sorted copies cannot be allocated. The inputs are not modified. */
int eval_compute(const double *gen, size_t ng, const double *imp, size_t ni,
    eval_result_t *out);

/* The whole curve: one point per candidate threshold (the distinct scores
 * ascending, then +INFINITY), FMR falling and FNMR growing along it. On
 * success *curve is a malloc'd array of *npoints entries the caller frees. */
typedef struct eval_point {
	double t, fmr, fnmr;
} eval_point_t;
int eval_curve(const double *gen, size_t ng, const double *imp, size_t ni,
    eval_point_t **curve, size_t *npoints);

/* FMR and FNMR at one threshold (accept when score >= thr). */
void eval_rates_at(const double *gen, size_t ng, const double *imp, size_t ni,
    double thr, double *fmr, double *fnmr);

/* Writes one line per score, "genuine <score>" or "impostor <score>", with
 * 17 significant digits so that the file reproduces every figure. */
int eval_write_scores(const char *path, const double *gen, size_t ng,
    const double *imp, size_t ni);

/* Writes a DET curve (FNMR against FMR, both on log axes from 1e-5 to 1) as
 * a standalone SVG, marking the operating point at threshold. */
int eval_write_det_svg(const char *path, const double *gen, size_t ng,
    const double *imp, size_t ni, double threshold, const char *title);

#endif /* AMANA_EVAL_H */
