/* bench_fp.c: the fingerprint figures of issue 3, one per line
 * ("name value unit"), so bench-rev.sh can divide two runs:
 *   extract_ms_median   median extraction time per FVC2002 image, one core
 *   compare_per_s       comparisons per second, one core (all pairs of the
 *                       DB1_B templates, repeated for about two seconds)
 *   compare_prepared_per_s  the same with each reference prepared once
 *                       (amana_fp_reference_prepare; a token that keeps its
 *                       reference prepared): the probe's cylinders are built
 *                       in every comparison
 *   compare_prepared_pair_per_s  the same with both templates prepared
 *                       once (amana_fp_compare_prepared_pair; identification
 *                       and evaluation, and how OpenAFIS counts)
 *   compare_work_bytes  the comparison's working memory (no heap)
 *   template_bytes_max  largest packed template; template_bytes_mean
 * With AMANA_DATA absent it uses synthetic sine-ridge images instead.
 * Times are CPU time of this process, so a busy machine slows the run but
 * not the figures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <time.h>

#include "amana/err.h"
#include "amana/fp.h"

#define NIMG 80

static amana_fp_template_t T[4 * NIMG];
static _Alignas(8) uint8_t work[AMANA_FP_COMPARE_WORK_BYTES];
static amana_fp_prepared_t P[NIMG];

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint8_t *load(const char *path, uint32_t *w, uint32_t *h)
{
	TIFFSetWarningHandler(NULL);
	TIFF *t = TIFFOpen(path, "r");
	if (t == NULL)
		return NULL;
	TIFFGetField(t, TIFFTAG_IMAGEWIDTH, w);
	TIFFGetField(t, TIFFTAG_IMAGELENGTH, h);
	uint8_t *g = malloc((size_t)*w * *h);
	for (uint32_t y = 0; g != NULL && y < *h; y++)
		TIFFReadScanline(t, g + (size_t)y * *w, y, 0);
	TIFFClose(t);
	return g;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	const char *data = getenv("AMANA_DATA");
	static double ms[4 * NIMG];
	int n = 0;
	for (int db = 1; db <= 4 && data != NULL; db++)
		for (int k = 0; k < NIMG; k++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/fvc2002/DB%d_B/%d_%d.tif", data, db,
			    101 + k / 8, 1 + k % 8);
			uint32_t w, h;
			uint8_t *g = load(path, &w, &h);
			if (g == NULL)
				continue;
			int q;
			double t0 = now_ms();
			int err = amana_fp_extract(g, w, h, db == 2 ? 569 : 500, &T[n], &q);
			ms[n] = now_ms() - t0;
			free(g);
			if (err == AMANA_OK)
				n++;
		}
	const char *src = "FVC2002 DB1_B..DB4_B";
	if (n == 0) {
		src = "synthetic";
		static uint8_t g[300 * 300];
		for (int k = 0; k < 16; k++) {
			float a = 0.2f * (float)k, per = 8.0f + 0.25f * (float)k;
			for (int y = 0; y < 300; y++)
				for (int x = 0; x < 300; x++) {
					float r = hypotf((float)x - 150, (float)y - 150) + 20 * sinf(a + (float)x / 40);
					g[y * 300 + x] = (uint8_t)(128 + 100 * cosf(6.2831853f * r / per));
				}
			int q;
			double t0 = now_ms();
			if (amana_fp_extract(g, 300, 300, 500, &T[n], &q) == AMANA_OK) {
				ms[n] = now_ms() - t0;
				n++;
			}
		}
	}
	if (n < 2) {
		fprintf(stderr, "bench_fp: no templates\n");
		return 1;
	}
	qsort(ms, (size_t)n, sizeof(double), cmp_double);
	size_t bytes_max = 0, bytes_sum = 0;
	for (int i = 0; i < n; i++) {
		uint8_t buf[AMANA_FP_TEMPLATE_MAX_BYTES];
		size_t len = 0;
		if (amana_fp_template_pack(&T[i], buf, sizeof(buf), &len) != AMANA_OK)
			return 1;
		bytes_max = len > bytes_max ? len : bytes_max;
		bytes_sum += len;
	}
	int m = n < NIMG ? n : NIMG; /* the first set */
	long pairs = 0;
	double t0 = now_ms(), el = 0;
	volatile float sink = 0;
	do {
		for (int a = 0; a < m; a++)
			for (int b = a + 1; b < m; b++) {
				float s;
				amana_fp_compare(&T[a], &T[b], work, sizeof(work), &s);
				sink += s;
				pairs++;
			}
		el = now_ms() - t0;
	} while (el < 2000);
	for (int b = 0; b < m; b++)
		if (amana_fp_reference_prepare(&T[b], work, sizeof(work), &P[b]) !=
		    AMANA_OK)
			return 1;
	long ppairs = 0;
	double pel = 0;
	t0 = now_ms();
	do {
		for (int a = 0; a < m; a++)
			for (int b = a + 1; b < m; b++) {
				float s;
				amana_fp_compare_prepared(&T[a], &P[b], work,
				    sizeof(work), &s);
				sink += s;
				ppairs++;
			}
		pel = now_ms() - t0;
	} while (pel < 2000);
	long qpairs = 0;
	double qel = 0;
	t0 = now_ms();
	do {
		for (int a = 0; a < m; a++)
			for (int b = a + 1; b < m; b++) {
				float s;
				amana_fp_compare_prepared_pair(&P[a], &P[b], work,
				    sizeof(work), &s);
				sink += s;
				qpairs++;
			}
		qel = now_ms() - t0;
	} while (qel < 2000);
	printf("source %s (%d templates, score checksum %.3f)\n", src, n, (double)sink);
	printf("extract_ms_median %.2f ms\n", ms[n / 2]);
	printf("compare_per_s %.0f 1/s\n", (double)pairs / (el / 1e3));
	printf("compare_prepared_per_s %.0f 1/s\n", (double)ppairs / (pel / 1e3));
	printf("compare_prepared_pair_per_s %.0f 1/s\n", (double)qpairs / (qel / 1e3));
	printf("compare_work_bytes %d B\n", AMANA_FP_COMPARE_WORK_BYTES);
	printf("template_bytes_max %zu B\n", bytes_max);
	printf("template_bytes_mean %.0f B\n", (double)bytes_sum / n);
	return 0;
}
