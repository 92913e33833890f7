/* cred_store.c: see cred_store.h. */
#include "cred_store.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "credio.h"

int cred_store_dir(const char *arg, char *out, size_t cap)
{
	const char *env = getenv("AMANA_WALLET_DIR");
	const char *home = getenv("HOME");
	int n;
	if (arg != NULL)
		n = snprintf(out, cap, "%s", arg);
	else if (env != NULL && env[0] != '\0')
		n = snprintf(out, cap, "%s", env);
	else if (home != NULL)
		n = snprintf(out, cap, "%s/.amana/wallet", home);
	else
		return AMANA_ERR_ARG;
	return n > 0 && (size_t)n < cap ? AMANA_OK : AMANA_ERR_ARG;
}

int cred_store_device_key(const char *dir, uint8_t sk[64])
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/device.key", dir);
	return credio_read_sk(p, sk);
}

int cred_store_load(const char *dir, amana_mdoc_t **creds, char names[][64],
    size_t *n)
{
	char p[4200];
	*n = 0;
	snprintf(p, sizeof(p), "%s/creds", dir);
	DIR *d = opendir(p);
	if (d == NULL)
		return errno == ENOENT ? AMANA_OK : AMANA_ERR_IO;
	struct dirent *e;
	int r = AMANA_OK;
	while ((e = readdir(d)) != NULL && r == AMANA_OK) {
		size_t len = strlen(e->d_name);
		if (len < 6 || len >= 64 + 5 || strcmp(e->d_name + len - 5, ".mdoc") != 0)
			continue;
		if (*n >= CRED_STORE_MAX) {
			r = AMANA_ERR_LIMIT;
			break;
		}
		uint8_t *buf = NULL;
		size_t bn;
		snprintf(p, sizeof(p), "%s/creds/%s", dir, e->d_name);
		r = credio_read(p, AMANA_MDOC_MAX_BYTES, &buf, &bn);
		if (r == AMANA_OK)
			r = amana_mdoc_parse(buf, bn, &creds[*n]);
		free(buf);
		if (r != AMANA_OK) {
			fprintf(stderr, "amana: skipping %s: %s\n", p, amana_strerr(r));
			r = AMANA_OK;
			continue;
		}
		snprintf(names[*n], 64, "%.*s", (int)(len - 5), e->d_name);
		(*n)++;
	}
	closedir(d);
	/* a stable order: by name */
	for (size_t i = 1; i < *n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char t[64];
			memcpy(t, names[j], 64);
			memcpy(names[j], names[j - 1], 64);
			memcpy(names[j - 1], t, 64);
			amana_mdoc_t *m = creds[j];
			creds[j] = creds[j - 1];
			creds[j - 1] = m;
		}
	return r;
}

void cred_store_free(amana_mdoc_t **creds, size_t n)
{
	for (size_t k = 0; k < n; k++)
		amana_mdoc_free(&creds[k]);
}
