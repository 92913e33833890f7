/* face_data.c: listing a face data set (see face_data.h). */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "face_data.h"

#define FACE_MAX_NAMES 4096


/* Natural order: "s2" before "s10", "2.pgm" before "10.pgm". */
static int natural_cmp(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	while (*a != '\0' && *b != '\0') {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			char *ea, *eb;
			unsigned long x = strtoul(a, &ea, 10);
			unsigned long y = strtoul(b, &eb, 10);
			if (x != y)
				return x < y ? -1 : 1;
			a += ea - a;
			b += eb - b;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/* Names in dir (no dot files), of directories when want_dir, else of
 * regular files; sorted naturally. Returns the count or -1. */
static int list_dir(const char *dir, int want_dir, char **names, int max)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < max) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "README") == 0)
			continue;
		char p[PATH_MAX];
		struct stat st;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) >= sizeof(p) ||
		    stat(p, &st) != 0)
			continue;
		if ((want_dir && !S_ISDIR(st.st_mode)) || (!want_dir && !S_ISREG(st.st_mode)))
			continue;
		names[n] = strdup(e->d_name);
		if (names[n] == NULL)
			break;
		n++;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), natural_cmp);
	return n;
}

static void free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
}

/* The images of DIR/<subject>/<file>, limited as asked. */
face_img_t *face_collect(const char *root, uint64_t max_subj, uint64_t max_per,
    size_t *count)
{
	static char *subj[FACE_MAX_NAMES], *files[FACE_MAX_NAMES];
	int ns = list_dir(root, 1, subj, FACE_MAX_NAMES);
	*count = 0;
	if (ns <= 0)
		return NULL;
	face_img_t *imgs = NULL;
	size_t n = 0, cap = 0;
	for (int s = 0; s < ns && (uint64_t)s < max_subj; s++) {
		char sd[PATH_MAX / 2];
		if ((size_t)snprintf(sd, sizeof(sd), "%s/%s", root, subj[s]) >= sizeof(sd))
			continue;
		int nf = list_dir(sd, 0, files, FACE_MAX_NAMES);
		for (int f = 0; f < nf && (uint64_t)f < max_per; f++) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				face_img_t *t = realloc(imgs, cap * sizeof(*t));
				if (t == NULL) {
					free(imgs);
					free_names(files, nf);
					free_names(subj, ns);
					return NULL;
				}
				imgs = t;
			}
			memset(&imgs[n], 0, sizeof(imgs[n]));
			if ((size_t)snprintf(imgs[n].path, sizeof(imgs[n].path), "%s/%s", sd,
			    files[f]) >= sizeof(imgs[n].path))
				continue; /* a path too long to open anyway */
			imgs[n].subject = (size_t)s;
			n++;
		}
		if (nf > 0)
			free_names(files, nf);
	}
	free_names(subj, ns);
	*count = n;
	return imgs;
}

