/*
 * bench_bio.c: figures of the token's biometric decision (a benchmark: it
 * prints, it does not judge).
 *
 *   bench_bio [DATA]          decision-level FNMR/FMR on FVC2002 DB1_B..DB4_B
 *                             with the token's own enrolment rule
 *   bench_bio --compare N A B N comparisons of probe A with reference B, as
 *                             the token does them (for callgrind, see
 *                             bench_callgrind.sh)
 *   bench_bio --dump finger|face IMAGE OUT
 *                             writes the probe template the sensor makes
 *                             (seed corpus of fuzz_bio_cmd)
 *
 * Decision protocol (docs/0651-uv-decision.md): per set and finger, the
 * sensor extracts impressions 1..4, the token's bio_fp_select keeps its
 * references (<= 3); impressions 5..8 of the same finger are genuine
 * attempts, impressions 5..8 of the other nine fingers impostor attempts.
 * An attempt is accepted when any kept reference scores >= the matcher's
 * FMR 1:10,000 threshold, exactly as token_uv_verify decides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amana/err.h"
#include "bio_match.h"
#include "bio_rec.h"
#include "sensor.h"

#define FINGERS 10
#define IMPRESSIONS 8
#define ENROL 4

typedef struct sample {
	uint8_t bytes[AMANA_SENSOR_SAMPLE_MAX];
	size_t len;
	int ok;
} sample_t;

static bio_work_t work;
/* Best score of every attempt, for the threshold sweep. */
static float gen_best[4 * FINGERS * (IMPRESSIONS - ENROL)];
static float imp_best[4 * FINGERS * (FINGERS - 1) * (IMPRESSIONS - ENROL)];
static size_t ngen_best, nimp_best;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int capture(amana_sensor_t *s, const char *path, sample_t *out)
{
	out->ok = amana_sensor_capture(s, path, AMANA_SENSOR_FINGER, out->bytes,
	    sizeof(out->bytes), &out->len, NULL) == AMANA_OK;
	return out->ok;
}

/* Best score of probe p against the kept references of finger f. */
static float best_score(const sample_t *p, sample_t sm[FINGERS][IMPRESSIONS],
    int f, const uint8_t *order, size_t kept)
{
	float best = 0.0f;
	if (!p->ok || bio_fp_probe_load(&work, p->bytes, p->len, false) != AMANA_OK)
		return 0.0f;
	for (size_t k = 0; k < kept; k++) {
		float sc;
		const sample_t *r = &sm[f][order[k]];
		if (bio_fp_score_ref(&work, r->bytes, r->len, &sc) == AMANA_OK && sc > best)
			best = sc;
	}
	return best;
}

static int decision(const char *data)
{
	static const char *sets[] = {"DB1_B", "DB2_B", "DB3_B", "DB4_B"};
	amana_sensor_t *s = NULL;
	if (amana_sensor_new(&s, NULL) != AMANA_OK)
		return 3;
	static sample_t sm[FINGERS][IMPRESSIONS];
	size_t gen = 0, gen_rej = 0, imp = 0, imp_acc = 0, refs = 0, bytes = 0;
	size_t cmp = 0, sets_done = 0;
	double t_cmp = 0.0, t_ext = 0.0;
	for (size_t d = 0; d < 4; d++) {
		char path[4096];
		size_t sg = 0, sgr = 0, si = 0, sia = 0;
		snprintf(path, sizeof(path), "%s/fvc2002/%s/101_1.tif", data, sets[d]);
		FILE *probe = fopen(path, "rb");
		if (probe == NULL)
			continue;
		fclose(probe);
		sets_done++;
		double t0 = now_s();
		for (int f = 0; f < FINGERS; f++)
			for (int i = 0; i < IMPRESSIONS; i++) {
				snprintf(path, sizeof(path), "%s/fvc2002/%s/%d_%d.tif",
				    data, sets[d], 101 + f, i + 1);
				capture(s, path, &sm[f][i]);
			}
		t_ext += now_s() - t0;
		for (int f = 0; f < FINGERS; f++) {
			const uint8_t *samples[ENROL];
			uint16_t lens[ENROL];
			uint8_t idx[ENROL], order[ENROL];
			size_t n = 0, kept = 0;
			for (int i = 0; i < ENROL; i++)
				if (sm[f][i].ok) {
					samples[n] = sm[f][i].bytes;
					lens[n] = (uint16_t)sm[f][i].len;
					idx[n++] = (uint8_t)i;
				}
			if (n == 0 || bio_fp_select(&work, samples, lens, n,
			    BIO_REC_TEMPLATE_BUDGET, BIO_REC_MAX_TEMPLATES, order, &kept) != AMANA_OK)
				kept = 0;
			for (size_t k = 0; k < kept; k++) {
				order[k] = idx[order[k]];
				bytes += sm[f][order[k]].len;
			}
			refs += kept;
			t0 = now_s();
			for (int g = 0; g < FINGERS; g++)
				for (int i = ENROL; i < IMPRESSIONS; i++) {
					float sc = kept > 0 ? best_score(&sm[g][i], sm, f, order, kept) : 0.0f;
					bool acc = bio_fp_accept(sc);
					cmp += kept;
					if (g == f)
						gen_best[ngen_best++] = sc;
					else
						imp_best[nimp_best++] = sc;
					if (g == f) {
						sg++;
						sgr += !acc;
					} else {
						si++;
						sia += acc;
					}
				}
			t_cmp += now_s() - t0;
		}
		printf("%s: genuine attempts %zu, rejected %zu (FNMR %.2f%%); impostor attempts %zu, accepted %zu (FMR %.4f%%)\n",
		    sets[d], sg, sgr, 100.0 * (double)sgr / (double)(sg ? sg : 1), si, sia,
		    100.0 * (double)sia / (double)(si ? si : 1));
		gen += sg;
		gen_rej += sgr;
		imp += si;
		imp_acc += sia;
	}
	amana_sensor_free(&s);
	if (sets_done == 0) {
		printf("SKIP: no FVC2002 data under %s\n", data);
		return 77;
	}
	printf("token decision (threshold %.3f, <= %u references a finger): FNMR %.2f%% (%zu/%zu), FMR %.4f%% (%zu/%zu)\n",
	    (double)AMANA_FP_THRESHOLD_FMR1E4, BIO_REC_MAX_TEMPLATES,
	    100.0 * (double)gen_rej / (double)gen, gen_rej, gen,
	    100.0 * (double)imp_acc / (double)imp, imp_acc, imp);
	/* The same decisions at other thresholds: what the token would do
	 * once the matcher's constant moves (it owns that choice). */
	float zero = 0.0f;
	for (size_t i = 0; i < nimp_best; i++)
		if (imp_best[i] > zero)
			zero = imp_best[i];
	static const float sweep[] = {0.08f, 0.10f, 0.12f, 0.15f, 0.20f, 0.25f, 0.30f};
	for (size_t k = 0; k <= sizeof(sweep) / sizeof(sweep[0]); k++) {
		float th = k < sizeof(sweep) / sizeof(sweep[0]) ? sweep[k] : zero + 1e-6f;
		size_t fr = 0, fa = 0;
		for (size_t i = 0; i < ngen_best; i++)
			fr += gen_best[i] < th;
		for (size_t i = 0; i < nimp_best; i++)
			fa += imp_best[i] >= th;
		printf("  %s %.3f: decision FNMR %.2f%%, FMR %.4f%% (%zu/%zu)\n",
		    k < sizeof(sweep) / sizeof(sweep[0]) ? "threshold" : "zero-FMR threshold",
		    (double)th, 100.0 * (double)fr / (double)ngen_best,
		    100.0 * (double)fa / (double)nimp_best, fa, nimp_best);
	}
	printf("references kept: %.2f a finger, %.0f bytes a finger record of templates\n",
	    (double)refs / (double)(sets_done * FINGERS),
	    (double)bytes / (double)(sets_done * FINGERS));
	printf("sensor extraction: %.1f ms an image; token comparison (unpack + MCC): %.3f ms, %.0f comparisons/s\n",
	    1e3 * t_ext / (double)(sets_done * FINGERS * IMPRESSIONS),
	    1e3 * t_cmp / (double)(cmp ? cmp : 1), (double)cmp / (t_cmp > 0 ? t_cmp : 1));
	return 0;
}

static int compare_n(long n, const char *a, const char *b)
{
	amana_sensor_t *s = NULL;
	static sample_t pa, pb;
	if (amana_sensor_new(&s, NULL) != AMANA_OK)
		return 3;
	int ok = capture(s, a, &pa) && capture(s, b, &pb);
	amana_sensor_free(&s);
	if (!ok) {
		fprintf(stderr, "cannot extract %s or %s\n", a, b);
		return 4;
	}
	float sc = 0.0f;
	if (bio_fp_probe_load(&work, pa.bytes, pa.len, false) != AMANA_OK)
		return 4;
	for (long i = 0; i < n; i++)
		if (bio_fp_score_ref(&work, pb.bytes, pb.len, &sc) != AMANA_OK)
			return 4;
	printf("%ld comparisons, score %.4f\n", n, (double)sc);
	return 0;
}

static int dump(const char *mod, const char *in, const char *out)
{
	amana_sensor_t *s = NULL;
	static uint8_t t[AMANA_SENSOR_SAMPLE_MAX];
	size_t len = 0;
	if (amana_sensor_new(&s, NULL) != AMANA_OK)
		return 3;
	int rc = amana_sensor_capture(s, in, strcmp(mod, "face") == 0 ? AMANA_SENSOR_FACE
	    : AMANA_SENSOR_FINGER, t, sizeof(t), &len, NULL);
	amana_sensor_free(&s);
	FILE *f = rc == AMANA_OK ? fopen(out, "wb") : NULL;
	if (f == NULL || fwrite(t, 1, len, f) != len) {
		fprintf(stderr, "cannot make %s: %s\n", out, amana_strerr(rc));
		if (f != NULL)
			fclose(f);
		return 4;
	}
	return fclose(f) == 0 ? 0 : 3;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "--dump") == 0)
		return dump(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(argv[1], "--compare") == 0)
		return compare_n(atol(argv[2]), argv[3], argv[4]);
	const char *data = argc > 1 ? argv[1] : getenv("AMANA_DATA");
	if (data == NULL || data[0] == '\0') {
		printf("SKIP: AMANA_DATA not set\n");
		return 77;
	}
	return decision(data);
}
