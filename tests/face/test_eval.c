/* test_eval.c: tools/eval statistics on score sets whose answers are worked
 * out by hand (comments show the sweep), a brute-force cross-check on random
 * scores, and the score/DET writers. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amana/err.h"
#include "check.h"
#include "eval.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-12)

static void test_simple_overlap(void)
{
	/* t:    .1   .2   .3   .6   .65  .7   .8   .9   inf
	 * FNMR: 0    0    0    0    .25  .25  .5   .75  1
	 * FMR:  1    .75  .5   .25  .25  0    0    0    0
	 * t1 = t2 = .65: EER = .25; FMR100 = ZeroFMR = .25 at t = .7 */
	const double gen[] = {0.9, 0.8, 0.7, 0.6};
	const double imp[] = {0.1, 0.65, 0.3, 0.2};
	eval_result_t r;
	CHECK_EQ(eval_compute(gen, 4, imp, 4, &r), AMANA_OK);
	CHECK(NEAR(r.eer, 0.25));
	CHECK(NEAR(r.thr_eer, 0.65));
	CHECK(NEAR(r.fmr100, 0.25));
	CHECK(NEAR(r.zerofmr, 0.25));
	CHECK(NEAR(r.thr_fmr1e3, 0.7));
	CHECK_EQ(r.genuine, 4);
	CHECK_EQ(r.impostor, 4);
}

static void test_interval(void)
{
	/* t:    .2   .3   .4   .5   .7   inf
	 * FNMR: 0    0    .5   .5   .5   1
	 * FMR:  1    2/3  2/3  1/3  0    0
	 * t1 = .4 (last FNMR <= FMR), t2 = .5 (first FNMR >= FMR);
	 * .5 + 2/3 > 1/3 + .5, so the interval is [1/3, 1/2]: EER = 5/12. */
	const double gen[] = {0.3, 0.7};
	const double imp[] = {0.4, 0.5, 0.2};
	eval_result_t r;
	CHECK_EQ(eval_compute(gen, 2, imp, 3, &r), AMANA_OK);
	CHECK(NEAR(r.eer, 5.0 / 12.0));
	CHECK(NEAR(r.thr_eer, 0.5));
	CHECK(NEAR(r.zerofmr, 0.5));
}

static void test_separated_and_ties(void)
{
	const double gen[] = {2, 1};
	const double imp[] = {0};
	eval_result_t r;
	CHECK_EQ(eval_compute(gen, 2, imp, 1, &r), AMANA_OK);
	CHECK(NEAR(r.eer, 0));
	CHECK(NEAR(r.zerofmr, 0));
	CHECK(NEAR(r.fnmr_at_fmr1e4, 0));
	CHECK(NEAR(r.thr_fmr1e4, 1));

	/* One tie: at t = .5 FNMR 0, FMR 1; at +inf FNMR 1, FMR 0. Both sums
	 * are 1, so t1's interval [0, 1] wins: EER = .5. */
	const double g1[] = {0.5}, i1[] = {0.5};
	CHECK_EQ(eval_compute(g1, 1, i1, 1, &r), AMANA_OK);
	CHECK(NEAR(r.eer, 0.5));
	CHECK(NEAR(r.zerofmr, 1.0));
	CHECK(isinf(r.thr_fmr1e4));
}

static void test_operating_points(void)
{
	/* 2,000 impostors 0..1999: FMR <= 1e-3 allows two accepted (t = 1997.5
	 * accepts 1998 and 1999, FNMR 0); FMR <= 1e-4 allows none (t = 2500
	 * rejects the genuine 1997.5: FNMR .25); FMR <= 1e-2 allows 20. */
	double imp[2000];
	for (int k = 0; k < 2000; k++)
		imp[k] = k;
	const double gen[] = {1997.5, 2500, 3000, 4000};
	eval_result_t r;
	CHECK_EQ(eval_compute(gen, 4, imp, 2000, &r), AMANA_OK);
	CHECK(NEAR(r.fnmr_at_fmr1e3, 0));
	CHECK(NEAR(r.fmr1000, 0));
	CHECK(NEAR(r.thr_fmr1e3, 1997.5));
	CHECK(NEAR(r.fnmr_at_fmr1e4, 0.25));
	CHECK(NEAR(r.thr_fmr1e4, 2500));
	CHECK(NEAR(r.zerofmr, 0.25));
	CHECK(NEAR(r.fmr100, 0));
	/* EER: FNMR stays 0 up to 1997.5 where FMR = 1e-3; next t = 2500 has
	 * FNMR .25 > FMR 0. t1 = 1997.5 ([0, .001]), t2 = 2500 ([0, .25]). */
	CHECK(NEAR(r.eer, 0.0005));
}

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/* Brute force straight from the definitions: every candidate threshold,
 * rates recounted from scratch. */
static void brute(const double *gen, size_t ng, const double *imp, size_t ni,
    double *eer, double *fnmr1e3)
{
	size_t nc = ng + ni + 1;
	double *cand = malloc(nc * sizeof(*cand));
	memcpy(cand, gen, ng * sizeof(*cand));
	memcpy(cand + ng, imp, ni * sizeof(*cand));
	cand[nc - 1] = INFINITY;
	double t1 = -INFINITY, t2 = INFINITY, best = 1.0;
	for (size_t i = 0; i < nc; i++) {
		double fmr, fnmr;
		eval_rates_at(gen, ng, imp, ni, cand[i], &fmr, &fnmr);
		if (fnmr <= fmr && cand[i] > t1)
			t1 = cand[i];
		if (fnmr >= fmr && cand[i] < t2)
			t2 = cand[i];
		if (fmr <= 1e-3 && fnmr < best)
			best = fnmr;
	}
	double a1, b1, a2, b2;
	eval_rates_at(gen, ng, imp, ni, t1, &a1, &b1);
	eval_rates_at(gen, ng, imp, ni, t2, &a2, &b2);
	*eer = (b1 + a1 <= a2 + b2) ? (b1 + a1) / 2 : (a2 + b2) / 2;
	*fnmr1e3 = best;
	free(cand);
}

static void test_random_against_brute_force(void)
{
	uint32_t s = 12345;
	for (int round = 0; round < 5; round++) {
		size_t ng = 150, ni = 1500;
		double gen[150], imp[1500];
		/* Coarse scores so that ties happen. */
		for (size_t i = 0; i < ng; i++)
			gen[i] = (double)(lcg(&s) % 400u) / 400.0 + 0.3;
		for (size_t i = 0; i < ni; i++)
			imp[i] = (double)(lcg(&s) % 400u) / 400.0;
		eval_result_t r;
		double eer, f3;
		CHECK_EQ(eval_compute(gen, ng, imp, ni, &r), AMANA_OK);
		brute(gen, ng, imp, ni, &eer, &f3);
		CHECK(NEAR(r.eer, eer));
		CHECK(NEAR(r.fnmr_at_fmr1e3, f3));
		CHECK(r.eer > 0.01 && r.eer < 0.5);
	}
}

static void test_bad_args(void)
{
	const double one[] = {1}, nan_[] = {NAN};
	eval_result_t r;
	CHECK_EQ(eval_compute(one, 0, one, 1, &r), AMANA_ERR_ARG);
	CHECK_EQ(eval_compute(one, 1, one, 0, &r), AMANA_ERR_ARG);
	CHECK_EQ(eval_compute(nan_, 1, one, 1, &r), AMANA_ERR_ARG);
	CHECK_EQ(eval_compute(one, 1, nan_, 1, &r), AMANA_ERR_ARG);
	CHECK_EQ(eval_compute(one, 1, one, 1, NULL), AMANA_ERR_ARG);
}

static void test_writers(void)
{
	char dir[] = "/tmp/amana-eval-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char scores[300], det[300];
	snprintf(scores, sizeof(scores), "%s/scores.txt", dir);
	snprintf(det, sizeof(det), "%s/det.svg", dir);
	const double gen[] = {0.9, 0.123456789012345678};
	const double imp[] = {0.1};
	CHECK_EQ(eval_write_scores(scores, gen, 2, imp, 1), AMANA_OK);
	FILE *f = fopen(scores, "r");
	CHECK(f != NULL);
	if (f != NULL) {
		char label[16];
		double v[3];
		int n = 0;
		while (n < 3 && fscanf(f, "%15s %lf", label, &v[n]) == 2)
			n++;
		fclose(f);
		CHECK_EQ(n, 3);
		CHECK(v[1] == gen[1]); /* exact round trip */
		CHECK(v[2] == imp[0]);
	}
	CHECK_EQ(eval_write_det_svg(det, gen, 2, imp, 1, 0.5, "a <title>"), AMANA_OK);
	f = fopen(det, "r");
	CHECK(f != NULL);
	if (f != NULL) {
		char buf[8192];
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
		CHECK(strncmp(buf, "<svg", 4) == 0);
		CHECK(strstr(buf, "<polyline") != NULL);
		CHECK(strstr(buf, "a &lt;title&gt;") != NULL);
		CHECK(strstr(buf, "</svg>") != NULL);
	}
	CHECK_EQ(eval_write_scores("/nonexistent-dir/x", gen, 2, imp, 1), AMANA_ERR_IO);
	unlink(scores);
	unlink(det);
	rmdir(dir);
}

int main(void)
{
	test_simple_overlap();
	test_interval();
	test_separated_and_ties();
	test_operating_points();
	test_random_against_brute_force();
	test_bad_args();
	test_writers();
	return check_done();
}
