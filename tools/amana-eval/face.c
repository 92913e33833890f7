/* face.c: `amana-eval face DIR`: every image through the face pipeline,
 * every pair compared, statistics from tools/eval. Undetected or refused
 * images take no part in the pairs; the detection rate says how many. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amana/err.h"
#include "amana/face.h"
#include "cli.h"
#include "commands.h"
#include "eval.h"
#include "face_data.h"

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void print_result(const char *what, const eval_result_t *r)
{
	printf("%-6s EER %.3f%%  FMR100 %.3f%%  FNMR@FMR1e-3 %.3f%% (t=%.4f)  "
	       "FNMR@FMR1e-4 %.3f%% (t=%.4f)  ZeroFMR %.3f%%\n",
	    what, 100 * r->eer, 100 * r->fmr100, 100 * r->fnmr_at_fmr1e3, r->thr_fmr1e3,
	    100 * r->fnmr_at_fmr1e4, r->thr_fmr1e4, 100 * r->zerofmr);
}

static void json_result(cli_json_t *j, const eval_result_t *r)
{
	cli_json_key(j, "eer");
	cli_json_num(j, r->eer);
	cli_json_key(j, "fmr100");
	cli_json_num(j, r->fmr100);
	cli_json_key(j, "fnmr_at_fmr1e3");
	cli_json_num(j, r->fnmr_at_fmr1e3);
	cli_json_key(j, "fnmr_at_fmr1e4");
	cli_json_num(j, r->fnmr_at_fmr1e4);
	cli_json_key(j, "zerofmr");
	cli_json_num(j, r->zerofmr);
	cli_json_key(j, "thr_eer");
	cli_json_num(j, r->thr_eer);
	cli_json_key(j, "thr_fmr1e3");
	cli_json_num(j, r->thr_fmr1e3);
	cli_json_key(j, "thr_fmr1e4");
	cli_json_num(j, r->thr_fmr1e4);
}

typedef struct face_opts {
	const char *dir, *scores, *det, *models;
	int json;
	amana_face_detector_t detector;
	uint64_t subjects, per_subject;
} face_opts_t;

static const char *detector_name(amana_face_detector_t d)
{
	return d == AMANA_FACE_DETECT_CASCADE ? "cascade" :
	    d == AMANA_FACE_DETECT_BLAZEFACE ? "blazeface" : "fr_detect";
}

static int parse(int argc, char **argv, face_opts_t *o)
{
	memset(o, 0, sizeof(*o));
	o->subjects = o->per_subject = UINT64_MAX;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_next = i + 1 < argc;
		if (strcmp(a, "--json") == 0)
			o->json = 1;
		else if (strcmp(a, "--cascade") == 0)
			o->detector = AMANA_FACE_DETECT_CASCADE;
		else if (strcmp(a, "--blazeface") == 0)
			o->detector = AMANA_FACE_DETECT_BLAZEFACE;
		else if (strcmp(a, "--scores") == 0 && has_next)
			o->scores = argv[++i];
		else if (strcmp(a, "--det") == 0 && has_next)
			o->det = argv[++i];
		else if (strcmp(a, "--models") == 0 && has_next)
			o->models = argv[++i];
		else if (strcmp(a, "--subjects") == 0 && has_next) {
			if (!cli_parse_u64(argv[++i], 100000, &o->subjects) || o->subjects == 0)
				return cli_usage_error("--subjects needs a positive number");
		} else if (strcmp(a, "--per-subject") == 0 && has_next) {
			if (!cli_parse_u64(argv[++i], 100000, &o->per_subject) || o->per_subject == 0)
				return cli_usage_error("--per-subject needs a positive number");
		} else if (a[0] == '-')
			return cli_usage_error("face: unknown or incomplete option '%s'", a);
		else if (o->dir == NULL)
			o->dir = a;
		else
			return cli_usage_error("face: one data directory only");
	}
	if (o->dir == NULL)
		return cli_usage_error("face: no data directory given");
	return CLI_EXIT_OK;
}

/* Runs the pipeline on every image; returns the number of templates made
 * and in *detected the number of images where a face was found (a found
 * face may still be refused by the quality checks). */
static size_t make_templates(amana_face_engine_t *e, face_img_t *imgs, size_t n,
    size_t *detected)
{
	cli_progress_t p;
	size_t ok = 0;
	*detected = 0;
	cli_progress_start(&p, "face templates", n);
	for (size_t i = 0; i < n; i++) {
		imgs[i].rc = amana_face_template_from_file(e, imgs[i].path, imgs[i].tmpl,
		    &imgs[i].rep);
		ok += imgs[i].rc == AMANA_OK;
		*detected += imgs[i].rep.faces > 0;
		cli_progress_step(&p, 1);
	}
	cli_progress_finish(&p);
	return ok;
}

typedef struct face_scores {
	double *gen, *imp, *fgen, *fimp;
	size_t ng, ni;
	double compare_s; /* seconds spent in amana_face_template_compare */
} face_scores_t;

static double float_cosine(const float *a, const float *b)
{
	double s = 0;
	for (int k = 0; k < AMANA_FACE_EMBEDDING_DIM; k++)
		s += (double)a[k] * (double)b[k];
	return s;
}

static int score_pairs(const face_img_t *imgs, size_t n, face_scores_t *s)
{
	size_t pairs = n * (n - 1) / 2;
	memset(s, 0, sizeof(*s));
	s->gen = malloc(pairs * sizeof(double));
	s->imp = malloc(pairs * sizeof(double));
	s->fgen = malloc(pairs * sizeof(double));
	s->fimp = malloc(pairs * sizeof(double));
	if (s->gen == NULL || s->imp == NULL || s->fgen == NULL || s->fimp == NULL)
		return AMANA_ERR_NOMEM;
	struct timespec t0, t1;
	double spent = 0;
	for (size_t i = 0; i < n; i++) {
		if (imgs[i].rc != AMANA_OK)
			continue;
		for (size_t j = i + 1; j < n; j++) {
			if (imgs[j].rc != AMANA_OK)
				continue;
			float c;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			int rc = amana_face_template_compare(imgs[i].tmpl, imgs[j].tmpl, &c);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			spent += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
			if (rc != AMANA_OK)
				return rc;
			double f = float_cosine(imgs[i].rep.embedding, imgs[j].rep.embedding);
			if (imgs[i].subject == imgs[j].subject) {
				s->gen[s->ng] = c;
				s->fgen[s->ng++] = f;
			} else {
				s->imp[s->ni] = c;
				s->fimp[s->ni++] = f;
			}
		}
	}
	s->compare_s = spent;
	return AMANA_OK;
}

static void free_scores(face_scores_t *s)
{
	free(s->gen);
	free(s->imp);
	free(s->fgen);
	free(s->fimp);
}

static const char *stage_names[5] = {"decode", "detect", "landmark", "align", "embed"};

static void stage_medians(const face_img_t *imgs, size_t n, double med[5])
{
	double *v = malloc((n ? n : 1) * sizeof(double));
	for (int st = 0; st < 5; st++) {
		size_t k = 0;
		for (size_t i = 0; v != NULL && i < n; i++) {
			const amana_face_report_t *r = &imgs[i].rep;
			if (imgs[i].rc != AMANA_OK)
				continue;
			const double t[5] = {r->ms_decode, r->ms_detect, r->ms_landmark,
				r->ms_align, r->ms_embed};
			v[k++] = t[st];
		}
		med[st] = v != NULL ? median(v, k) : NAN;
	}
	free(v);
}

static void report(const face_opts_t *o, const face_img_t *imgs, size_t n, size_t detected,
    size_t templates, const face_scores_t *s, const eval_result_t *ri, const eval_result_t *rf)
{
	double med[5];
	stage_medians(imgs, n, med);
	double total = 0;
	for (int st = 0; st < 5; st++)
		total += med[st];
	double cps = s->compare_s > 0 ? (double)(s->ng + s->ni) / s->compare_s : NAN;
	if (!o->json) {
		printf("data %s: %zu images, face detected in %zu (%.2f%%), %zu templates "
		       "(%.2f%%), detector %s\n", o->dir, n, detected,
		    100.0 * (double)detected / (double)n, templates,
		    100.0 * (double)templates / (double)n, detector_name(o->detector));
		for (size_t i = 0; i < n; i++)
			if (imgs[i].rc != AMANA_OK)
				printf("  refused %s: %s (stage %s)\n", imgs[i].path,
				    amana_strerr(imgs[i].rc), imgs[i].rep.stage);
		printf("pairs: %zu genuine, %zu impostor\n", s->ng, s->ni);
		print_result("int8", ri);
		print_result("float", rf);
		printf("int8 minus float EER: %+.3f points\n", 100 * (ri->eer - rf->eer));
		printf("median ms per image: decode %.2f detect %.2f landmark %.2f align %.2f "
		       "embed %.2f total %.2f\n", med[0], med[1], med[2], med[3], med[4], total);
		printf("template comparisons: %.0f per second\n", cps);
		return;
	}
	cli_json_t j;
	cli_json_begin(&j, stdout);
	cli_json_key(&j, "dataset");
	cli_json_str(&j, o->dir);
	cli_json_key(&j, "detector");
	cli_json_str(&j, detector_name(o->detector));
	cli_json_key(&j, "images");
	cli_json_int(&j, (int64_t)n);
	cli_json_key(&j, "detected");
	cli_json_int(&j, (int64_t)detected);
	cli_json_key(&j, "templates");
	cli_json_int(&j, (int64_t)templates);
	cli_json_key(&j, "genuine");
	cli_json_int(&j, (int64_t)s->ng);
	cli_json_key(&j, "impostor");
	cli_json_int(&j, (int64_t)s->ni);
	json_result(&j, ri);
	cli_json_key(&j, "float");
	cli_json_object(&j);
	json_result(&j, rf);
	cli_json_close(&j);
	cli_json_key(&j, "ms_median");
	cli_json_object(&j);
	for (int st = 0; st < 5; st++) {
		cli_json_key(&j, stage_names[st]);
		cli_json_num(&j, med[st]);
	}
	cli_json_key(&j, "total");
	cli_json_num(&j, total);
	cli_json_close(&j);
	cli_json_key(&j, "comparisons_per_second");
	cli_json_num(&j, cps);
	cli_json_key(&j, "refused");
	cli_json_array(&j);
	for (size_t i = 0; i < n; i++) {
		if (imgs[i].rc == AMANA_OK)
			continue;
		cli_json_object(&j);
		cli_json_key(&j, "path");
		cli_json_str(&j, imgs[i].path);
		cli_json_key(&j, "reason");
		cli_json_str(&j, amana_strerr(imgs[i].rc));
		cli_json_key(&j, "stage");
		cli_json_str(&j, imgs[i].rep.stage != NULL ? imgs[i].rep.stage : "");
		cli_json_close(&j);
	}
	cli_json_close(&j);
	cli_json_end(&j);
}

int eval_cmd_face(int argc, char **argv)
{
	face_opts_t o;
	int ex = parse(argc, argv, &o);
	if (ex != CLI_EXIT_OK)
		return ex;
	size_t n;
	face_img_t *imgs = face_collect(o.dir, o.subjects, o.per_subject, &n);
	if (imgs == NULL || n == 0) {
		free(imgs);
		return cli_fail(AMANA_ERR_FORMAT, "face: no subject folders with images in %s", o.dir);
	}
	amana_face_set_threads(1);
	amana_face_models_t m = {0};
	m.dir = o.models;
	m.detector = o.detector;
	amana_face_engine_t *e = NULL;
	int rc = amana_face_engine_new_with(&e, &m);
	if (rc != AMANA_OK) {
		free(imgs);
		return cli_fail(rc, "face: cannot load the models");
	}
	size_t detected;
	size_t templates = make_templates(e, imgs, n, &detected);
	amana_face_engine_free(&e);

	face_scores_t s;
	eval_result_t ri, rf;
	rc = score_pairs(imgs, n, &s);
	if (rc == AMANA_OK && (s.ng == 0 || s.ni == 0))
		rc = AMANA_ERR_NOT_FOUND;
	if (rc == AMANA_OK)
		rc = eval_compute(s.gen, s.ng, s.imp, s.ni, &ri);
	if (rc == AMANA_OK)
		rc = eval_compute(s.fgen, s.ng, s.fimp, s.ni, &rf);
	if (rc != AMANA_OK) {
		ex = cli_fail(rc == AMANA_ERR_NOT_FOUND ? AMANA_ERR_FORMAT : rc,
		    "face: %zu of %zu images usable: not enough genuine and impostor pairs",
		    templates, n);
		goto out;
	}
	if (o.scores != NULL && (rc = eval_write_scores(o.scores, s.gen, s.ng, s.imp, s.ni)) != AMANA_OK) {
		ex = cli_fail(rc, "face: cannot write %s", o.scores);
		goto out;
	}
	if (o.det != NULL && (rc = eval_write_det_svg(o.det, s.gen, s.ng, s.imp, s.ni,
	    (double)AMANA_FACE_THRESHOLD_FMR1E4, "face, int8 templates")) != AMANA_OK) {
		ex = cli_fail(rc, "face: cannot write %s", o.det);
		goto out;
	}
	report(&o, imgs, n, detected, templates, &s, &ri, &rf);
	ex = CLI_EXIT_OK;
out:
	free_scores(&s);
	free(imgs);
	return ex;
}
