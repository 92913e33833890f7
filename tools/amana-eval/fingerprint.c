/* fingerprint.c: `amana-eval fingerprint DIR...`: every FFF_I image (or
 * .iso template with --iso) of each set through our extractor and matcher,
 * scored by both protocols of ../shared/data/README.md:
 *   fvc:       genuine = all pairs of impressions of a finger, impostor =
 *              first impressions of different fingers;
 *   all-pairs: genuine as above, impostor = every pair of different fingers.
 * With several sets, a pooled all-pairs line (pairs within each set) too.
 * Images are read here, at the tool edge: TIFF (libtiff), PNG (libpng),
 * PGM (P5) and BMP (8-bit palette or 24-bit, uncompressed). Times are the
 * process's CPU time (one core, whatever else the machine runs). */
#include <dirent.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <time.h>

#include "amana/err.h"
#include "amana/fp.h"
#include "cli.h"
#include "commands.h"
#include "eval.h"

#define FP_FINGERS 1000
#define FP_IMPRESSIONS 16

typedef struct fp_entry {
	int finger, impression, ok;
	amana_fp_template_t t;
} fp_entry_t;

typedef struct fp_scores {
	double *gen, *imp, *impf;
	size_t ng, ni, nif, cap_g, cap_i, cap_f;
} fp_scores_t;

static int push(double **v, size_t *n, size_t *cap, double x)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 1024;
		double *p = realloc(*v, nc * sizeof(double));
		if (p == NULL)
			return AMANA_ERR_NOMEM;
		*v = p;
		*cap = nc;
	}
	(*v)[(*n)++] = x;
	return AMANA_OK;
}

/* ---- image readers (8-bit grey out; caller frees) ---- */
static uint8_t *read_tiff(const char *path, uint32_t *w, uint32_t *h)
{
	TIFFSetWarningHandler(NULL);
	TIFF *t = TIFFOpen(path, "r");
	if (t == NULL)
		return NULL;
	uint32_t *rgba = NULL;
	uint8_t *g = NULL;
	TIFFGetField(t, TIFFTAG_IMAGEWIDTH, w);
	TIFFGetField(t, TIFFTAG_IMAGELENGTH, h);
	if (*w > 0 && *h > 0 && *w <= 8192 && *h <= 8192) {
		rgba = malloc((size_t)*w * *h * sizeof(uint32_t));
		g = malloc((size_t)*w * *h);
	}
	if (rgba != NULL && g != NULL &&
	    TIFFReadRGBAImageOriented(t, *w, *h, rgba, ORIENTATION_TOPLEFT, 0)) {
		for (size_t i = 0; i < (size_t)*w * *h; i++)
			g[i] = (uint8_t)((TIFFGetR(rgba[i]) * 77u + TIFFGetG(rgba[i]) * 150u +
			    TIFFGetB(rgba[i]) * 29u) >> 8);
	} else {
		free(g);
		g = NULL;
	}
	free(rgba);
	TIFFClose(t);
	return g;
}

static uint8_t *read_png(const char *path, uint32_t *w, uint32_t *h)
{
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path))
		return NULL;
	img.format = PNG_FORMAT_GRAY;
	uint8_t *g = NULL;
	if (img.width <= 8192 && img.height <= 8192)
		g = malloc(PNG_IMAGE_SIZE(img));
	if (g == NULL || !png_image_finish_read(&img, NULL, g, 0, NULL)) {
		png_image_free(&img);
		free(g);
		return NULL;
	}
	*w = img.width;
	*h = img.height;
	return g;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	uint8_t *b = NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		if (n > 0 && n < (64L << 20) && fseek(f, 0, SEEK_SET) == 0) {
			b = malloc((size_t)n);
			if (b != NULL && fread(b, 1, (size_t)n, f) != (size_t)n) {
				free(b);
				b = NULL;
			}
			*len = (size_t)n;
		}
	}
	fclose(f);
	return b;
}

static uint8_t *read_pgm(const char *path, uint32_t *w, uint32_t *h)
{
	size_t n;
	uint8_t *b = read_file(path, &n);
	if (b == NULL)
		return NULL;
	unsigned vals[3];
	size_t p = 2;
	int ok = n > 2 && b[0] == 'P' && b[1] == '5';
	for (int k = 0; ok && k < 3; k++) {
		while (p < n && (b[p] == ' ' || b[p] == '\n' || b[p] == '\r' || b[p] == '\t' || b[p] == '#')) {
			if (b[p] == '#')
				while (p < n && b[p] != '\n')
					p++;
			else
				p++;
		}
		vals[k] = 0;
		int digits = 0;
		while (p < n && b[p] >= '0' && b[p] <= '9' && digits < 6) {
			vals[k] = vals[k] * 10u + (unsigned)(b[p++] - '0');
			digits++;
		}
		ok = digits > 0;
	}
	p++;
	uint8_t *g = NULL;
	if (ok && vals[2] == 255 && vals[0] > 0 && vals[1] > 0 &&
	    (size_t)vals[0] * vals[1] <= n - p) {
		g = malloc((size_t)vals[0] * vals[1]);
		if (g != NULL)
			memcpy(g, b + p, (size_t)vals[0] * vals[1]);
		*w = vals[0];
		*h = vals[1];
	}
	free(b);
	return g;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t *read_bmp(const char *path, uint32_t *w, uint32_t *h)
{
	size_t n;
	uint8_t *b = read_file(path, &n);
	if (b == NULL)
		return NULL;
	uint8_t *g = NULL;
	if (n >= 54 && b[0] == 'B' && b[1] == 'M' && le32(b + 30) == 0) {
		uint32_t off = le32(b + 10), hs = le32(b + 14);
		int32_t sw = (int32_t)le32(b + 18), sh = (int32_t)le32(b + 22);
		unsigned bpp = (unsigned)b[28] | (unsigned)b[29] << 8;
		uint32_t aw = (uint32_t)(sw < 0 ? -sw : sw), ah = (uint32_t)(sh < 0 ? -sh : sh);
		size_t stride = ((size_t)aw * (bpp / 8u) + 3u) & ~(size_t)3;
		if ((bpp == 8 || bpp == 24) && aw > 0 && ah > 0 && aw <= 8192 && ah <= 8192 &&
		    off <= n && stride * ah <= n - off && 14u + hs + 1024u <= n)
			g = malloc((size_t)aw * ah);
		for (uint32_t y = 0; g != NULL && y < ah; y++) {
			const uint8_t *row = b + off + stride * (sh > 0 ? ah - 1 - y : y);
			for (uint32_t x = 0; x < aw; x++) {
				const uint8_t *c = bpp == 24 ? row + 3 * x : b + 14 + hs + 4u * row[x];
				g[(size_t)y * aw + x] = (uint8_t)((c[2] * 77u + c[1] * 150u + c[0] * 29u) >> 8);
			}
		}
		*w = aw;
		*h = ah;
	}
	free(b);
	return g;
}

static uint8_t *read_image(const char *path, uint32_t *w, uint32_t *h)
{
	const char *dot = strrchr(path, '.');
	if (dot == NULL)
		return NULL;
	if (strcmp(dot, ".tif") == 0 || strcmp(dot, ".tiff") == 0)
		return read_tiff(path, w, h);
	if (strcmp(dot, ".png") == 0)
		return read_png(path, w, h);
	if (strcmp(dot, ".pgm") == 0)
		return read_pgm(path, w, h);
	if (strcmp(dot, ".bmp") == 0)
		return read_bmp(path, w, h);
	return NULL;
}

static int is_image(const char *dot)
{
	return strcmp(dot, ".tif") == 0 || strcmp(dot, ".tiff") == 0 ||
	    strcmp(dot, ".png") == 0 || strcmp(dot, ".pgm") == 0 || strcmp(dot, ".bmp") == 0;
}

typedef struct fp_opts {
	int json, iso, iso_remap, dpi;
	const char *scores, *det;
} fp_opts_t;

/* The SecuGen records of ../shared/data were made from images resized to
 * 300x400 whatever their shape (data README): with the image beside the
 * record, map the minutiae back to its true geometry at 500 dpi, directions
 * re-projected, so that a rotation between impressions stays a rotation. */
static void remap_to_image(const char *iso_path, int dpi, amana_fp_template_t *t)
{
	char img[1100];
	snprintf(img, sizeof(img), "%s", iso_path);
	char *dot = strrchr(img, '.');
	if (dot == NULL || (size_t)(dot - img) + 5 > sizeof(img))
		return;
	strcpy(dot, ".tif");
	uint32_t w = 0, h = 0;
	uint8_t *g = read_image(img, &w, &h);
	free(g);
	if (g == NULL || w == 0 || h == 0 || t->width == 0 || t->height == 0)
		return;
	double sx = (double)w / t->width * 500.0 / dpi, sy = (double)h / t->height * 500.0 / dpi;
	double nw = w * 500.0 / dpi, nh = h * 500.0 / dpi;
	t->width = (uint16_t)(nw < 16383 ? nw : 16383);
	t->height = (uint16_t)(nh < 16383 ? nh : 16383);
	for (unsigned i = 0; i < t->count; i++) {
		amana_fp_minutia_t *m = &t->minutiae[i];
		double x = m->x * sx, y = m->y * sy, a = m->angle * M_PI / 128.0;
		double na = atan2(sin(a) * sy, cos(a) * sx);
		long ai = lround(na * 128.0 / M_PI);
		m->x = (uint16_t)(x < t->width - 1 ? x : t->width - 1);
		m->y = (uint16_t)(y < t->height - 1 ? y : t->height - 1);
		m->angle = (uint8_t)(((ai % 256) + 256) % 256);
	}
}

/* Loads every FFF_I.* of dir into e (sorted by finger, impression). */
static int load_set(const char *dir, const fp_opts_t *o, fp_entry_t **out,
    size_t *n, size_t *fte, double *ms_median)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return AMANA_ERR_IO;
	fp_entry_t *e = NULL;
	size_t cnt = 0, cap = 0;
	char (*paths)[1024] = NULL;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		int f, i, used = 0;
		const char *dot = strrchr(de->d_name, '.');
		if (dot == NULL || sscanf(de->d_name, "%d_%d%n", &f, &i, &used) != 2 ||
		    de->d_name + used != dot || f < 0 || i < 0)
			continue;
		if (o->iso ? strcmp(dot, ".iso") != 0 : !is_image(dot))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 128;
			void *pe = realloc(e, cap * sizeof(*e)), *pp = NULL;
			if (pe != NULL)
				e = pe;
			if (pe != NULL)
				pp = realloc(paths, cap * sizeof(*paths));
			if (pe == NULL || pp == NULL) {
				closedir(d);
				free(e);
				free(paths);
				return AMANA_ERR_NOMEM;
			}
			paths = pp;
		}
		e[cnt].finger = f;
		e[cnt].impression = i;
		snprintf(paths[cnt], sizeof(paths[cnt]), "%s/%s", dir, de->d_name);
		cnt++;
	}
	closedir(d);
	/* sort (insertion: a few hundred entries) */
	for (size_t a = 1; a < cnt; a++)
		for (size_t b = a; b > 0 && (e[b - 1].finger > e[b].finger ||
		    (e[b - 1].finger == e[b].finger && e[b - 1].impression > e[b].impression)); b--) {
			fp_entry_t te = e[b];
			char tp[1024];
			e[b] = e[b - 1];
			e[b - 1] = te;
			memcpy(tp, paths[b], sizeof(tp));
			memcpy(paths[b], paths[b - 1], sizeof(tp));
			memcpy(paths[b - 1], tp, sizeof(tp));
		}
	double *ms = calloc(cnt ? cnt : 1, sizeof(double));
	cli_progress_t p;
	cli_progress_start(&p, dir, cnt);
	*fte = 0;
	for (size_t k = 0; k < cnt; k++) {
		memset(&e[k].t, 0, sizeof(e[k].t));
		e[k].t.width = e[k].t.height = 1;
		int err, q = 100;
		if (o->iso) {
			size_t len, nv;
			uint8_t *b = read_file(paths[k], &len);
			err = b == NULL ? AMANA_ERR_IO :
			    amana_fp_iso_read(b, len, &e[k].t, 1, &nv, NULL);
			if (err == AMANA_OK && nv == 0)
				err = AMANA_ERR_FP_ISO_VIEWS;
			if (err == AMANA_OK && o->iso_remap)
				remap_to_image(paths[k], o->dpi, &e[k].t);
			free(b);
		} else {
			uint32_t w = 0, h = 0;
			uint8_t *g = read_image(paths[k], &w, &h);
			struct timespec t0, t1;
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
			err = g == NULL ? AMANA_ERR_FORMAT :
			    amana_fp_extract(g, w, h, (uint32_t)o->dpi, &e[k].t, &q);
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
			if (ms != NULL)
				ms[k] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
				    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
			free(g);
		}
		e[k].ok = err == AMANA_OK && q >= AMANA_FP_ENROL_MIN_QUALITY;
		if (err != AMANA_OK) {
			memset(&e[k].t, 0, sizeof(e[k].t));
			e[k].t.width = e[k].t.height = 1;
			if (!o->json)
				fprintf(stderr, "%s: %s\n", paths[k], amana_strerr(err));
		}
		*fte += !e[k].ok;
		cli_progress_step(&p, 1);
	}
	cli_progress_finish(&p);
	*ms_median = 0;
	if (ms != NULL && cnt > 0 && !o->iso) {
		for (size_t a = 1; a < cnt; a++)
			for (size_t b = a; b > 0 && ms[b - 1] > ms[b]; b--) {
				double t = ms[b];
				ms[b] = ms[b - 1];
				ms[b - 1] = t;
			}
		*ms_median = ms[cnt / 2];
	}
	free(ms);
	free(paths);
	*out = e;
	*n = cnt;
	return AMANA_OK;
}

/* Scores every pair of the set into s (fvc impostors also into impf).
 * Each template is prepared once (the scores are amana_fp_compare's, bit
 * for bit); *cps counts the preparation in. */
static int score_set(const fp_entry_t *e, size_t n, fp_scores_t *s, double *cps)
{
	static _Alignas(8) uint8_t work[AMANA_FP_COMPARE_WORK_BYTES];
	int err = AMANA_OK;
	size_t pairs = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	amana_fp_prepared_t *p = malloc(n * sizeof(*p));
	if (p == NULL)
		return AMANA_ERR_NOMEM;
	for (size_t k = 0; k < n && err == AMANA_OK; k++)
		err = amana_fp_reference_prepare(&e[k].t, work, sizeof(work), &p[k]);
	for (size_t a = 0; a < n && err == AMANA_OK; a++)
		for (size_t b = a + 1; b < n && err == AMANA_OK; b++) {
			float sc = 0.0f;
			if (e[a].t.count > 0 && e[b].t.count > 0)
				err = amana_fp_compare_prepared_pair(&p[b], &p[a], work,
				    sizeof(work), &sc);
			pairs++;
			if (e[a].finger == e[b].finger) {
				err = err ? err : push(&s->gen, &s->ng, &s->cap_g, (double)sc);
				continue;
			}
			err = err ? err : push(&s->imp, &s->ni, &s->cap_i, (double)sc);
			if (err == AMANA_OK && e[a].impression == 1 && e[b].impression == 1)
				err = push(&s->impf, &s->nif, &s->cap_f, (double)sc);
		}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	free(p);
	double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	*cps = sec > 0 ? (double)pairs / sec : 0;
	return err;
}

static void json_res(cli_json_t *j, const char *key, const eval_result_t *r)
{
	cli_json_key(j, key);
	cli_json_object(j);
	cli_json_key(j, "genuine");
	cli_json_int(j, (int64_t)r->genuine);
	cli_json_key(j, "impostor");
	cli_json_int(j, (int64_t)r->impostor);
	const char *k[] = {"eer", "fmr100", "fmr1000", "zerofmr", "fnmr_at_fmr1e4",
	    "thr_eer", "thr_fmr1e3", "thr_fmr1e4"};
	double v[] = {r->eer, r->fmr100, r->fmr1000, r->zerofmr, r->fnmr_at_fmr1e4,
	    r->thr_eer, r->thr_fmr1e3, r->thr_fmr1e4};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cli_json_key(j, k[i]);
		cli_json_num(j, v[i]);
	}
	cli_json_close(j);
}

static void print_res(const char *name, const char *proto, const eval_result_t *r)
{
	printf("%-28s %-9s genuine %5zu impostor %6zu  EER %6.2f%%  FMR100 %6.2f%%  "
	       "FMR1000 %6.2f%%  ZeroFMR %6.2f%%\n", name, proto, r->genuine, r->impostor,
	    100 * r->eer, 100 * r->fmr100, 100 * r->fmr1000, 100 * r->zerofmr);
}

int eval_cmd_fingerprint(int argc, char **argv)
{
	fp_opts_t o = {0, 0, 0, 0, NULL, NULL};
	const char *dirs[16];
	int nd = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_next = i + 1 < argc;
		uint64_t v;
		if (strcmp(a, "--json") == 0)
			o.json = 1;
		else if (strcmp(a, "--iso") == 0)
			o.iso = 1;
		else if (strcmp(a, "--iso-remap") == 0)
			o.iso = o.iso_remap = 1;
		else if (strcmp(a, "--scores") == 0 && has_next)
			o.scores = argv[++i];
		else if (strcmp(a, "--det") == 0 && has_next)
			o.det = argv[++i];
		else if (strcmp(a, "--dpi") == 0 && has_next && cli_parse_u64(argv[++i], 5000, &v))
			o.dpi = (int)v;
		else if (a[0] == '-')
			return cli_usage_error("unknown option %s", a);
		else if (nd < 16)
			dirs[nd++] = a;
		else
			return cli_usage_error("at most 16 directories");
	}
	if (nd == 0)
		return cli_usage_error("missing DIR");
	fp_scores_t pool = {0};
	cli_json_t j;
	if (o.json) {
		cli_json_begin(&j, stdout);
		cli_json_key(&j, "sets");
		cli_json_array(&j);
	}
	int rc = CLI_EXIT_OK;
	double eer_sum = 0;
	for (int d = 0; d < nd && rc == CLI_EXIT_OK; d++) {
		fp_opts_t od = o;
		if (od.dpi == 0) /* FVC2002 DB2 was scanned at 569 dpi, the rest at 500 */
			od.dpi = strstr(dirs[d], "DB2_") != NULL ? 569 : 500;
		fp_entry_t *e = NULL;
		size_t n = 0, fte = 0;
		double ms = 0, cps = 0;
		int err = load_set(dirs[d], &od, &e, &n, &fte, &ms);
		if (err != AMANA_OK) {
			rc = cli_fail(err, "cannot read %s", dirs[d]);
			break;
		}
		fp_scores_t s = {0};
		err = n < 2 ? AMANA_ERR_NOT_FOUND : score_set(e, n, &s, &cps);
		eval_result_t rf, ra;
		if (err == AMANA_OK && (s.ng == 0 || s.nif == 0))
			err = AMANA_ERR_NOT_FOUND;
		if (err == AMANA_OK)
			err = eval_compute(s.gen, s.ng, s.impf, s.nif, &rf);
		if (err == AMANA_OK)
			err = eval_compute(s.gen, s.ng, s.imp, s.ni, &ra);
		for (size_t k = 0; err == AMANA_OK && k < s.ng; k++)
			err = push(&pool.gen, &pool.ng, &pool.cap_g, s.gen[k]);
		for (size_t k = 0; err == AMANA_OK && k < s.ni; k++)
			err = push(&pool.imp, &pool.ni, &pool.cap_i, s.imp[k]);
		if (err != AMANA_OK) {
			int ex = cli_fail(err, "%s: no genuine and impostor pairs to score", dirs[d]);
			/* too few FFF_I files is bad input data, not a failed check */
			rc = err == AMANA_ERR_NOT_FOUND ? CLI_EXIT_DATA : ex;
		} else if (o.json) {
			cli_json_object(&j);
			cli_json_key(&j, "dir");
			cli_json_str(&j, dirs[d]);
			cli_json_key(&j, "templates");
			cli_json_int(&j, (int64_t)n);
			cli_json_key(&j, "fte");
			cli_json_int(&j, (int64_t)fte);
			cli_json_key(&j, "extract_ms_median");
			cli_json_num(&j, ms);
			cli_json_key(&j, "comparisons_per_s");
			cli_json_num(&j, cps);
			json_res(&j, "fvc", &rf);
			json_res(&j, "all_pairs", &ra);
			cli_json_close(&j);
		} else {
			printf("%s: %zu %s, fte %zu, extraction median %.1f ms, %.0f comparisons/s (prepared)\n",
			    dirs[d], n, o.iso ? "templates" : "images", fte, ms, cps);
			print_res(dirs[d], "fvc", &rf);
			print_res(dirs[d], "all-pairs", &ra);
		}
		eer_sum += rf.eer;
		free(s.gen);
		free(s.imp);
		free(s.impf);
		free(e);
	}
	eval_result_t rp;
	int have_pool = rc == CLI_EXIT_OK && pool.ng > 0 && pool.ni > 0 &&
	    eval_compute(pool.gen, pool.ng, pool.imp, pool.ni, &rp) == AMANA_OK;
	if (o.json) {
		cli_json_close(&j);
		if (have_pool && nd > 1) {
			json_res(&j, "pooled_all_pairs", &rp);
			cli_json_key(&j, "fvc_eer_mean");
			cli_json_num(&j, eer_sum / nd);
		}
		cli_json_key(&j, "threshold_fmr1e4");
		cli_json_num(&j, (double)AMANA_FP_THRESHOLD_FMR1E4);
		cli_json_end(&j);
	} else if (have_pool && nd > 1) {
		print_res("pooled", "all-pairs", &rp);
		printf("mean FVC EER over %d sets: %.2f%%\n", nd, 100 * eer_sum / nd);
	}
	if (have_pool && o.scores != NULL &&
	    eval_write_scores(o.scores, pool.gen, pool.ng, pool.imp, pool.ni) != AMANA_OK)
		rc = cli_fail(AMANA_ERR_IO, "cannot write %s", o.scores);
	if (have_pool && o.det != NULL &&
	    eval_write_det_svg(o.det, pool.gen, pool.ng, pool.imp, pool.ni,
	        (double)AMANA_FP_THRESHOLD_FMR1E4, "fingerprint (MCC), all pairs") != AMANA_OK)
		rc = cli_fail(AMANA_ERR_IO, "cannot write %s", o.det);
	if (have_pool && !o.json) {
		double fmr, fnmr;
		eval_rates_at(pool.gen, pool.ng, pool.imp, pool.ni,
		    (double)AMANA_FP_THRESHOLD_FMR1E4, &fmr, &fnmr);
		printf("operating threshold %.4f: FMR %.4f%%, FNMR %.2f%% (all pairs, pooled)\n",
		    (double)AMANA_FP_THRESHOLD_FMR1E4, 100 * fmr, 100 * fnmr);
	}
	free(pool.gen);
	free(pool.imp);
	free(pool.impf);
	return rc;
}
