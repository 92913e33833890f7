/* cred_store.c: see cred_store.h. Two back ends behind one handle: the
 * vault's records, or the plain wallet directory of docs/0305. */
#include "cred_store.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "amana/err.h"
#include "amana/vault.h"
#include "cli.h"
#include "credio.h"

struct cred_store {
	char dir[4096];
	amana_vault_t *v; /* NULL: a plain wallet directory */
};

void cred_store_where_init(cred_store_where_t *w)
{
	memset(w, 0, sizeof(*w));
	vault_unlock_init(&w->unlock);
}

int cred_store_arg(cred_store_where_t *w, int argc, char **argv, int *i)
{
	const char **dst = NULL;
	if (strcmp(argv[*i], "--vault") == 0)
		dst = &w->vault;
	else if (strcmp(argv[*i], "--wallet") == 0)
		dst = &w->wallet;
	else
		return vault_unlock_arg(&w->unlock, argc, argv, i);
	if (*i + 1 >= argc)
		return 0; /* the caller reports it as unexpected */
	*dst = argv[++*i];
	return 1;
}

static bool nonempty(const char *s) { return s != NULL && s[0] != '\0'; }

/* Which store and where: explicit options, then the environment, then the
 * home directory's vault if there is one, else its wallet directory. */
static int locate(const cred_store_where_t *w, char *dir, size_t cap, bool *vault)
{
	const char *ev = getenv("AMANA_VAULT_DIR"), *ew = getenv("AMANA_WALLET_DIR");
	const char *home = getenv("HOME"), *pick = NULL;
	char hv[4096];
	struct stat st;
	if (w->vault != NULL && w->wallet != NULL)
		return AMANA_ERR_ARG;
	*vault = true;
	if (w->vault != NULL || w->wallet != NULL) {
		pick = w->vault != NULL ? w->vault : w->wallet;
		*vault = w->vault != NULL;
	} else if (nonempty(ev)) {
		pick = ev;
	} else if (nonempty(ew)) {
		pick = ew;
		*vault = false;
	} else if (nonempty(home)) {
		snprintf(hv, sizeof(hv), "%s/.amana/vault/slots", home);
		*vault = stat(hv, &st) == 0;
		int n = snprintf(dir, cap, "%s/.amana/%s", home, *vault ? "vault" : "wallet");
		return n > 0 && (size_t)n < cap ? AMANA_OK : AMANA_ERR_ARG;
	} else {
		return AMANA_ERR_ARG;
	}
	int n = snprintf(dir, cap, "%s", pick);
	return pick[0] != '\0' && n > 0 && (size_t)n < cap ? AMANA_OK : AMANA_ERR_ARG;
}

static bool unlock_given(const vault_unlock_t *u)
{
	return u->pass_fd >= 0 || u->recovery_fd >= 0 || u->pin_fd >= 0 || u->token != NULL ||
	    u->decoy;
}

int cred_store_open(const cred_store_where_t *w, cred_store_t **out)
{
	bool vault;
	*out = NULL;
	cred_store_t *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return AMANA_ERR_NOMEM;
	int err = locate(w, s->dir, sizeof(s->dir), &vault);
	if (err == AMANA_OK && !vault && unlock_given(&w->unlock))
		err = AMANA_ERR_ARG; /* unlock options belong to a vault */
	if (err == AMANA_OK && vault) {
		struct rlimit nocore = {0, 0};
		setrlimit(RLIMIT_CORE, &nocore); /* no device key in a core dump */
		err = vault_unlock_open(&w->unlock, s->dir, &s->v);
	}
	if (err != AMANA_OK) {
		free(s);
		return err;
	}
	*out = s;
	return AMANA_OK;
}

int cred_store_open_cli(const cred_store_where_t *w, cred_store_t **out)
{
	char dir[4096];
	bool vault;
	*out = NULL;
	if (w->vault != NULL && w->wallet != NULL)
		return cli_usage_error("give --vault DIR or --wallet DIR, not both");
	if (locate(w, dir, sizeof(dir), &vault) != AMANA_OK)
		return cli_usage_error("where are the credentials? give --vault DIR");
	if (!vault && unlock_given(&w->unlock))
		return cli_usage_error("the unlock options need a vault (--vault DIR); %s is a "
		    "wallet directory", dir);
	int r = cred_store_open(w, out);
	if (r == AMANA_OK)
		return CLI_EXIT_OK;
	if (r == AMANA_ERR_ARG && vault)
		return cli_usage_error("no secret to open the vault %s: give --passphrase-fd N, "
		    "--recovery-fd N or --token SOCKET, or run in a terminal", dir);
	return cli_fail(r, "credential store %s", dir);
}

void cred_store_free(cred_store_t **s)
{
	if (s == NULL || *s == NULL)
		return;
	amana_vault_free(&(*s)->v);
	free(*s);
	*s = NULL;
}

const char *cred_store_path(const cred_store_t *s) { return s->dir; }
bool cred_store_is_vault(const cred_store_t *s) { return s->v != NULL; }

int cred_store_device_key(cred_store_t *s, uint8_t sk[64])
{
	if (s->v == NULL) {
		char p[4200];
		snprintf(p, sizeof(p), "%s/device.key", s->dir);
		return credio_read_sk(p, sk);
	}
	uint8_t *d = NULL;
	size_t n = 0;
	int err = amana_vault_get_record(s->v, CRED_STORE_KEY_KIND, CRED_STORE_KEY_NAME, &d, &n);
	if (err == AMANA_ERR_VAULT_NAME)
		return AMANA_ERR_NOT_FOUND;
	if (err == AMANA_OK && n != 64)
		err = AMANA_ERR_FORMAT;
	if (err == AMANA_OK)
		memcpy(sk, d, 64);
	amana_vault_secret_free(&d, n);
	return err;
}

static int wallet_keygen(const char *dir, const uint8_t sk[64])
{
	char p[4200], parent[4200];
	struct stat st;
	snprintf(p, sizeof(p), "%s/device.key", dir);
	if (stat(p, &st) == 0)
		return AMANA_ERR_EXISTS;
	snprintf(parent, sizeof(parent), "%s", dir);
	for (char *c = parent + 1; *c != '\0'; c++)
		if (*c == '/') {
			*c = '\0';
			mkdir(parent, 0700);
			*c = '/';
		}
	mkdir(dir, 0700);
	return credio_write(p, sk, 64, 0600);
}

int cred_store_keygen(cred_store_t *s, uint8_t pk[32])
{
	if (s->v != NULL && amana_vault_find(s->v, CRED_STORE_KEY_NAME) >= 0)
		return AMANA_ERR_EXISTS;
	uint8_t *sk = sodium_malloc(64);
	if (sk == NULL)
		return AMANA_ERR_NOMEM;
	crypto_sign_keypair(pk, sk);
	int err = s->v != NULL ?
	    amana_vault_put_record(s->v, CRED_STORE_KEY_KIND, CRED_STORE_KEY_NAME, sk, 64) :
	    wallet_keygen(s->dir, sk);
	sodium_free(sk); /* wipes */
	return err;
}

int cred_store_keep_key(cred_store_t *s, const uint8_t sk[64])
{
	uint8_t *have = sodium_malloc(64);
	if (have == NULL)
		return AMANA_ERR_NOMEM;
	int err = cred_store_device_key(s, have);
	if (err == AMANA_OK)
		err = sodium_memcmp(have, sk, 64) == 0 ? AMANA_OK : AMANA_ERR_EXISTS;
	else if (err == AMANA_ERR_NOT_FOUND)
		err = s->v != NULL ?
		    amana_vault_put_record(s->v, CRED_STORE_KEY_KIND, CRED_STORE_KEY_NAME, sk, 64) :
		    wallet_keygen(s->dir, sk);
	sodium_free(have);
	return err;
}

int cred_store_wallet_erase(cred_store_t *s, char names[][CRED_STORE_NAME], size_t n)
{
	char p[4200];
	int err = AMANA_OK;
	if (s->v != NULL)
		return AMANA_ERR_STATE;
	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/creds/%s.mdoc", s->dir, names[i]);
		if (unlink(p) != 0 && errno != ENOENT)
			err = AMANA_ERR_IO;
	}
	snprintf(p, sizeof(p), "%s/device.key", s->dir);
	if (unlink(p) != 0 && errno != ENOENT)
		err = AMANA_ERR_IO;
	snprintf(p, sizeof(p), "%s/creds", s->dir);
	(void)rmdir(p); /* only when empty: other files stay */
	(void)rmdir(s->dir);
	return err;
}

int cred_store_put(cred_store_t *s, const char *name, const uint8_t *buf, size_t len)
{
	char p[4200];
	if (name[0] == '\0' || strlen(name) >= CRED_STORE_NAME || strchr(name, '/') != NULL)
		return AMANA_ERR_ARG;
	if (s->v != NULL)
		return amana_vault_put_record(s->v, CRED_STORE_CRED_KIND, name, buf, len);
	snprintf(p, sizeof(p), "%s/creds", s->dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/creds/%s.mdoc", s->dir, name);
	return credio_write(p, buf, len, 0600);
}

/* Parses one credential into slot *n (skipping, with a warning, one that
 * does not parse: the others stay usable). */
static int add_one(const char *where, const char *name, const uint8_t *buf, size_t len,
    amana_mdoc_t **creds, char names[][CRED_STORE_NAME], size_t *n)
{
	if (*n >= CRED_STORE_MAX)
		return AMANA_ERR_LIMIT;
	int r = amana_mdoc_parse(buf, len, &creds[*n]);
	if (r != AMANA_OK) {
		fprintf(stderr, "amana: skipping %s in %s: %s\n", name, where, amana_strerr(r));
		return AMANA_OK;
	}
	snprintf(names[*n], CRED_STORE_NAME, "%s", name);
	(*n)++;
	return AMANA_OK;
}

static int vault_load(cred_store_t *s, amana_mdoc_t **creds, char names[][CRED_STORE_NAME],
    size_t *n)
{
	int r = AMANA_OK;
	for (size_t i = 0; i < amana_vault_count(s->v) && r == AMANA_OK; i++) {
		amana_vault_entry_t e;
		uint8_t *d = NULL;
		size_t len = 0;
		if (amana_vault_entry(s->v, i, &e) != AMANA_OK || e.type != AMANA_VAULT_RECORD ||
		    strcmp(e.meta.kind, CRED_STORE_CRED_KIND) != 0 || strlen(e.name) >= CRED_STORE_NAME)
			continue;
		r = amana_vault_get_record(s->v, CRED_STORE_CRED_KIND, e.name, &d, &len);
		if (r == AMANA_OK)
			r = add_one(s->dir, e.name, d, len, creds, names, n);
		else if (r == AMANA_ERR_VAULT_OBJECT || r == AMANA_ERR_VAULT_MISSING) {
			fprintf(stderr, "amana: skipping %s in %s: %s\n", e.name, s->dir, amana_strerr(r));
			r = AMANA_OK;
		}
		amana_vault_secret_free(&d, len);
	}
	return r;
}

static int wallet_load(cred_store_t *s, amana_mdoc_t **creds, char names[][CRED_STORE_NAME],
    size_t *n)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/creds", s->dir);
	DIR *d = opendir(p);
	if (d == NULL)
		return errno == ENOENT ? AMANA_OK : AMANA_ERR_IO;
	struct dirent *e;
	int r = AMANA_OK;
	while ((e = readdir(d)) != NULL && r == AMANA_OK) {
		size_t len = strlen(e->d_name);
		if (len < 6 || len >= CRED_STORE_NAME + 5 || strcmp(e->d_name + len - 5, ".mdoc") != 0)
			continue;
		uint8_t *buf = NULL;
		size_t bn;
		char name[CRED_STORE_NAME];
		snprintf(name, sizeof(name), "%.*s", (int)(len - 5), e->d_name);
		snprintf(p, sizeof(p), "%s/creds/%s", s->dir, e->d_name);
		r = credio_read(p, AMANA_MDOC_MAX_BYTES, &buf, &bn);
		if (r == AMANA_OK)
			r = add_one(s->dir, name, buf, bn, creds, names, n);
		else {
			fprintf(stderr, "amana: skipping %s: %s\n", p, amana_strerr(r));
			r = AMANA_OK;
		}
		free(buf);
	}
	closedir(d);
	return r;
}

int cred_store_load(cred_store_t *s, amana_mdoc_t **creds, char names[][CRED_STORE_NAME],
    size_t *n)
{
	*n = 0;
	int r = s->v != NULL ? vault_load(s, creds, names, n) : wallet_load(s, creds, names, n);
	if (r != AMANA_OK) {
		cred_store_creds_free(creds, *n);
		*n = 0;
		return r;
	}
	/* a stable order: by name */
	for (size_t i = 1; i < *n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char t[CRED_STORE_NAME];
			memcpy(t, names[j], sizeof(t));
			memcpy(names[j], names[j - 1], sizeof(t));
			memcpy(names[j - 1], t, sizeof(t));
			amana_mdoc_t *m = creds[j];
			creds[j] = creds[j - 1];
			creds[j - 1] = m;
		}
	return AMANA_OK;
}

void cred_store_creds_free(amana_mdoc_t **creds, size_t n)
{
	for (size_t k = 0; k < n; k++)
		amana_mdoc_free(&creds[k]);
}
