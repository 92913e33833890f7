/* eval.c: FMR/FNMR sweep over the distinct observed scores (see eval.h for
 * the definitions). One sort of each set, then a single merge pass: the
 * whole curve costs O((ng + ni) log(ng + ni)). */
#include "eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double *sorted_copy(const double *v, size_t n)
{
	double *c = malloc(n * sizeof(*c));
	if (c == NULL)
		return NULL;
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	return c;
}

/* Counts the elements of the sorted array s that are < t, starting the
 * search at *pos (t only grows during a sweep). */
static size_t count_below(const double *s, size_t n, size_t *pos, double t)
{
	while (*pos < n && s[*pos] < t)
		(*pos)++;
	return *pos;
}

void eval_rates_at(const double *gen, size_t ng, const double *imp, size_t ni,
    double thr, double *fmr, double *fnmr)
{
	size_t ga = 0, ia = 0;
	for (size_t i = 0; i < ng; i++)
		ga += gen[i] < thr;
	for (size_t i = 0; i < ni; i++)
		ia += imp[i] >= thr;
	*fmr = ni > 0 ? (double)ia / (double)ni : 0.0;
	*fnmr = ng > 0 ? (double)ga / (double)ng : 0.0;
}

int eval_curve(const double *gen, size_t ng, const double *imp, size_t ni,
    eval_point_t **curve, size_t *npoints)
{
	if (curve == NULL || npoints == NULL)
		return AMANA_ERR_ARG;
	*curve = NULL;
	*npoints = 0;
	if (gen == NULL || imp == NULL || ng == 0 || ni == 0)
		return AMANA_ERR_ARG;
	for (size_t i = 0; i < ng; i++)
		if (isnan(gen[i]))
			return AMANA_ERR_ARG;
	for (size_t i = 0; i < ni; i++)
		if (isnan(imp[i]))
			return AMANA_ERR_ARG;
	double *g = sorted_copy(gen, ng), *m = sorted_copy(imp, ni);
	eval_point_t *pts = malloc((ng + ni + 1) * sizeof(*pts));
	if (g == NULL || m == NULL || pts == NULL) {
		free(g);
		free(m);
		free(pts);
		return AMANA_ERR_NOMEM;
	}

	/* Candidate thresholds: the distinct scores ascending, then +inf. */
	size_t np = 0, gi = 0, mi = 0, gpos = 0, mpos = 0;
	for (;;) {
		double t;
		if (gi < ng && (mi >= ni || g[gi] <= m[mi]))
			t = g[gi];
		else if (mi < ni)
			t = m[mi];
		else
			t = INFINITY;
		size_t gb = count_below(g, ng, &gpos, t);
		size_t mb = count_below(m, ni, &mpos, t);
		pts[np].t = t;
		pts[np].fnmr = (double)gb / (double)ng;
		pts[np].fmr = (double)(ni - mb) / (double)ni;
		np++;
		if (isinf(t))
			break;
		while (gi < ng && g[gi] == t)
			gi++;
		while (mi < ni && m[mi] == t)
			mi++;
	}

	free(g);
	free(m);
	*curve = pts;
	*npoints = np;
	return AMANA_OK;
}

int eval_compute(const double *gen, size_t ng, const double *imp, size_t ni,
    eval_result_t *out)
{
	if (out == NULL)
		return AMANA_ERR_ARG;
	eval_point_t *pts;
	size_t np;
	int rc = eval_curve(gen, ng, imp, ni, &pts, &np);
	if (rc != AMANA_OK)
		return rc;

	memset(out, 0, sizeof(*out));
	out->genuine = ng;
	out->impostor = ni;

	/* FVC2000 EER. FNMR grows and FMR falls with t, so t1 is the last point
	 * with FNMR <= FMR and t2 the first with FNMR >= FMR; both exist since
	 * the first point has FNMR = 0 and the last FMR = 0. */
	size_t i1 = 0, i2 = np - 1;
	for (size_t i = 0; i < np; i++)
		if (pts[i].fnmr <= pts[i].fmr)
			i1 = i;
	for (size_t i = np; i-- > 0;)
		if (pts[i].fnmr >= pts[i].fmr)
			i2 = i;
	double lo, hi;
	if (pts[i1].fnmr + pts[i1].fmr <= pts[i2].fmr + pts[i2].fnmr) {
		lo = pts[i1].fnmr;
		hi = pts[i1].fmr;
		out->thr_eer = pts[i1].t;
	} else {
		lo = pts[i2].fmr;
		hi = pts[i2].fnmr;
		out->thr_eer = pts[i2].t;
	}
	out->eer = (lo + hi) / 2.0;

	/* Operating points: FNMR only grows with t, so the lowest FNMR under an
	 * FMR bound is at the first (smallest) threshold meeting the bound. */
	const double bounds[4] = {1e-2, 1e-3, 1e-4, 0.0};
	double fnmr[4], thr[4];
	for (int b = 0; b < 4; b++) {
		size_t i = 0;
		while (i < np - 1 && pts[i].fmr > bounds[b])
			i++;
		fnmr[b] = pts[i].fnmr;
		thr[b] = pts[i].t;
	}
	out->fmr100 = fnmr[0];
	out->fmr1000 = fnmr[1];
	out->fnmr_at_fmr1e3 = fnmr[1];
	out->thr_fmr1e3 = thr[1];
	out->fnmr_at_fmr1e4 = fnmr[2];
	out->thr_fmr1e4 = thr[2];
	out->zerofmr = fnmr[3];

	free(pts);
	return AMANA_OK;
}
