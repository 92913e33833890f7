/*
 * journey-scan: "what the parties never see" (docs/0700-journeys.md).
 *
 *   journey-scan [--finger IMG]... [--face IMG]... [--image IMG]... -- FILE...
 *
 * Computes the worker's biometric data the way the token does (the
 * simulator's sensor code: image -> packed fingerprint template, or the
 * 513-byte face template) plus the ISO/IEC 19794-2 record of each
 * fingerprint, and takes every 16-byte window of them; of each image file
 * (--finger and --face images too) every 16-byte window at 8-byte steps.
 * Windows with fewer than 6 distinct byte values (zero padding, white
 * background) are left out: they say nothing about a person. Then reports
 * every FILE that contains any window, with the offset and what it matched.
 *
 * Prints "HIT FILE" or "CLEAN SIZE FILE" for each file. Before scanning, a
 * self-test plants a template window in noise and must find it.
 * Exit: 0 no file holds any window, 1 some file does, 2 usage, 3 a
 * template could not be computed, a file read, or the self-test failed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/fp.h"
#include "sensor.h"

#define W 16
#define MAX_NEEDLES (1u << 22)

typedef struct needle {
	uint8_t b[W];
	const char *what; /* "template of IMG", "image IMG" */
	bool used;
} needle_t;

static needle_t *tab; /* open addressing, power-of-two size */
static size_t tab_cap, tab_n;

static uint64_t h16(const uint8_t *p)
{
	uint64_t h = 1469598103934665603ull;
	for (int i = 0; i < W; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static bool diverse(const uint8_t *p)
{
	uint8_t seen[256] = {0};
	int n = 0;
	for (int i = 0; i < W; i++)
		if (!seen[p[i]]++)
			n++;
	return n >= 6;
}

static void add(const uint8_t *p, const char *what)
{
	if (!diverse(p) || tab_n * 2 >= tab_cap)
		return;
	size_t i = (size_t)h16(p) & (tab_cap - 1);
	while (tab[i].used) {
		if (memcmp(tab[i].b, p, W) == 0)
			return;
		i = (i + 1) & (tab_cap - 1);
	}
	memcpy(tab[i].b, p, W);
	tab[i].what = what;
	tab[i].used = true;
	tab_n++;
}

static const needle_t *find(const uint8_t *p)
{
	size_t i = (size_t)h16(p) & (tab_cap - 1);
	while (tab[i].used) {
		if (memcmp(tab[i].b, p, W) == 0)
			return &tab[i];
		i = (i + 1) & (tab_cap - 1);
	}
	return NULL;
}

static void add_all(const uint8_t *p, size_t n, size_t step, const char *what)
{
	for (size_t i = 0; i + W <= n; i += step)
		add(p + i, what);
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	uint8_t *buf = NULL;
	size_t cap = 0;
	*n = 0;
	for (;;) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(buf, cap);
			if (nb == NULL)
				break;
			buf = nb;
		}
		size_t k = fread(buf + *n, 1, cap - *n, f);
		*n += k;
		if (k == 0)
			break;
	}
	fclose(f);
	return buf;
}

static const char *label(const char *kind, const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n = strlen(kind) + strlen(b ? b + 1 : path) + 2;
	static char *labels[512]; /* kept for the needles' lifetime */
	static size_t nlabels;
	if (nlabels == sizeof(labels) / sizeof(labels[0]))
		return "(more)";
	char *s = malloc(n);
	if (s != NULL)
		snprintf(s, n, "%s %s", kind, b ? b + 1 : path);
	labels[nlabels++] = s;
	return s != NULL ? s : "(?)";
}

/* The templates the token would compute from img (and keep). */
static int add_template(amana_sensor_t *s, const char *img, bool face)
{
	uint8_t t[AMANA_SENSOR_SAMPLE_MAX];
	size_t n = 0;
	int rc = amana_sensor_capture(s, img, face ? AMANA_SENSOR_FACE : AMANA_SENSOR_FINGER,
	    t, sizeof(t), &n, NULL);
	if (rc != AMANA_OK) {
		fprintf(stderr, "journey-scan: %s: %s\n", img, amana_strerr(rc));
		return rc;
	}
	add_all(t, n, 1, label(face ? "face template of" : "finger template of", img));
	if (!face) {
		static amana_fp_template_t ft;
		static uint8_t iso[8192];
		size_t il = 0;
		if (amana_fp_template_unpack(t, n, &ft) == AMANA_OK &&
		    amana_fp_iso_write(&ft, 1, iso, sizeof(iso), &il) == AMANA_OK)
			add_all(iso, il, 1, label("ISO 19794-2 record of", img));
	}
	size_t in = 0;
	uint8_t *raw = slurp(img, &in);
	if (raw == NULL)
		return AMANA_ERR_IO;
	add_all(raw, in, 8, label("image", img));
	free(raw);
	return AMANA_OK;
}

/* Returns the number of hits in buf (reports the first few). */
static size_t scan(const uint8_t *buf, size_t n, const char *name)
{
	size_t hits = 0;
	for (size_t i = 0; i + W <= n; i++) {
		const needle_t *x = find(buf + i);
		if (x != NULL && hits++ < 3)
			printf("FOUND  %s at offset %zu: 16 bytes of the %s\n", name, i, x->what);
	}
	return hits;
}

/* Plants a template window in noise: the scan must find it. */
static bool selftest(void)
{
	static uint8_t buf[4096];
	for (size_t k = 0; k < sizeof(buf); k++)
		buf[k] = (uint8_t)(k * 7u + 3u);
	for (size_t k = 0; k < tab_cap; k++)
		if (tab[k].used && strncmp(tab[k].what, "image", 5) != 0) {
			memcpy(buf + 1000, tab[k].b, W);
			return scan(buf, sizeof(buf), "(planted)") > 0;
		}
	return false;
}

int main(int argc, char **argv)
{
	tab_cap = MAX_NEEDLES;
	tab = calloc(tab_cap, sizeof(*tab));
	amana_sensor_t *s = NULL;
	if (tab == NULL || amana_sensor_new(&s, NULL) != AMANA_OK)
		return 3;
	int i = 1, ntemplates = 0, ret = 0;
	for (; i < argc && strcmp(argv[i], "--") != 0 && ret == 0; i++) {
		if (i + 1 >= argc) {
			ret = 2;
			break;
		}
		const char *o = argv[i], *v = argv[++i];
		int rc = AMANA_OK;
		if (strcmp(o, "--finger") == 0 || strcmp(o, "--face") == 0) {
			rc = add_template(s, v, strcmp(o, "--face") == 0);
			ntemplates++;
		} else if (strcmp(o, "--image") == 0) {
			size_t in = 0;
			uint8_t *raw = slurp(v, &in);
			if (raw == NULL)
				rc = AMANA_ERR_IO;
			else
				add_all(raw, in, 8, label("image", v));
			free(raw);
		} else {
			ret = 2;
		}
		if (rc != AMANA_OK)
			ret = 3;
	}
	amana_sensor_free(&s);
	if (ret != 0)
		return ret;
	printf("needles: %zu distinct 16-byte windows from %d templates and their images\n",
	    tab_n, ntemplates);
	bool st = tab_n > 0 && selftest();
	printf("selftest: %s\n", st ? "a template planted in noise is found" : "FAILED");
	if (!st)
		return 3;
	size_t bad = 0, files = 0, bytes = 0;
	for (i++; i < argc; i++) {
		size_t n = 0;
		uint8_t *buf = slurp(argv[i], &n);
		if (buf == NULL) {
			fprintf(stderr, "journey-scan: cannot read %s\n", argv[i]);
			return 3;
		}
		files++;
		bytes += n;
		size_t h = scan(buf, n, argv[i]);
		if (h > 0) {
			printf("HIT %s (%zu windows)\n", argv[i], h);
			bad++;
		} else {
			printf("CLEAN %zu %s\n", n, argv[i]);
		}
		free(buf);
	}
	printf("scanned %zu files (%zu bytes): %zu hold biometric or image bytes\n", files, bytes, bad);
	return bad == 0 ? 0 : 1;
}
