/* cache.c: the verifier's status lists. An officer loads them while
 * online; at a checkpoint the verifier answers from the cache, and says
 * so when a list has outlived its expiry. Lists are kept as the signed
 * tokens received (never re-encoded) and checked again at every use. */
#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "amana/err.h"
#include "status_internal.h"

#define CACHE_MAX_LISTS 256u
#define CACHE_SUFFIX ".cwt"

struct amana_status_cache {
	char *dir; /* NULL: memory only */
	size_t n;
	amana_status_list_t *lists[CACHE_MAX_LISTS];
	/* The key each list was last verified with: a check with the same
	 * key skips the signature (the dominant cost of a status check).
	 * Lists read from disk start unverified. */
	bool verified[CACHE_MAX_LISTS];
	amana_cose_key_t verified_key[CACHE_MAX_LISTS];
};

void amana_status_policy_default(amana_status_policy_t *p)
{
	p->on_expired = AMANA_STATUS_EXPIRED_REJECT;
	p->grace = 0;
	p->max_skew = 300;
}

/* The file of a URI: hex SHA-256 of the URI, so any URI is a safe name. */
static int cache_path(const amana_status_cache_t *c, const char *uri, char *out,
    size_t cap, bool tmp)
{
	uint8_t h[crypto_hash_sha256_BYTES];
	char hex[2 * sizeof(h) + 1];
	crypto_hash_sha256(h, (const uint8_t *)uri, strlen(uri));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	int n = snprintf(out, cap, "%s/%s%s%s", c->dir, hex, CACHE_SUFFIX, tmp ? ".tmp" : "");
	return n > 0 && (size_t)n < cap ? AMANA_OK : AMANA_ERR_LIMIT;
}

static int cache_read(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return AMANA_ERR_IO;
	size_t cap = AMANA_CBOR_MAX_INPUT_DEFAULT + 1;
	uint8_t *b = malloc(cap);
	size_t n = b != NULL ? fread(b, 1, cap, f) : 0;
	fclose(f);
	if (b == NULL)
		return AMANA_ERR_NOMEM;
	if (n == cap) {
		free(b);
		return AMANA_ERR_LIMIT;
	}
	*buf = b;
	*len = n;
	return AMANA_OK;
}

static amana_status_list_t **cache_find(amana_status_cache_t *c, const char *uri)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(amana_status_list_uri(c->lists[i]), uri) == 0)
			return &c->lists[i];
	return NULL;
}

/* Loads every *.cwt of the directory. A file that does not parse is left
 * out (and reported by the check as "no list"), not fatal: one corrupt
 * download must not take the other lists with it. */
static int cache_load(amana_status_cache_t *c)
{
	DIR *d = opendir(c->dir);
	if (d == NULL)
		return AMANA_ERR_IO;
	struct dirent *e;
	int rc = AMANA_OK;
	while (rc == AMANA_OK && (e = readdir(d)) != NULL) {
		size_t nl = strlen(e->d_name), sl = strlen(CACHE_SUFFIX);
		if (nl <= sl || strcmp(e->d_name + nl - sl, CACHE_SUFFIX) != 0)
			continue;
		char path[4096];
		if (snprintf(path, sizeof(path), "%s/%s", c->dir, e->d_name) >= (int)sizeof(path))
			continue;
		uint8_t *buf = NULL;
		size_t len = 0;
		amana_status_list_t *l = NULL;
		if (cache_read(path, &buf, &len) == AMANA_OK &&
		    amana_status_list_parse(buf, len, &l) == AMANA_OK) {
			amana_status_list_t **old = cache_find(c, amana_status_list_uri(l));
			/* Two files of one URI (a copy under another name): the
			 * later list, as put would keep; not whichever readdir
			 * gave first, which could be the one before a revocation. */
			if (old != NULL && amana_status_list_iat(l) > amana_status_list_iat(*old)) {
				amana_status_list_free(old);
				*old = l;
				l = NULL;
			} else if (old != NULL)
				amana_status_list_free(&l);
			else if (c->n == CACHE_MAX_LISTS)
				rc = AMANA_ERR_LIMIT;
			else
				c->lists[c->n++] = l;
		}
		if (rc != AMANA_OK)
			amana_status_list_free(&l);
		free(buf);
	}
	closedir(d);
	return rc;
}

int amana_status_cache_open(const char *dir, amana_status_cache_t **out)
{
	if (out == NULL)
		return AMANA_ERR_ARG;
	*out = NULL;
	if (sodium_init() < 0)
		return AMANA_ERR_CRYPTO;
	amana_status_cache_t *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return AMANA_ERR_NOMEM;
	int rc = AMANA_OK;
	if (dir != NULL) {
		if ((c->dir = strdup(dir)) == NULL)
			rc = AMANA_ERR_NOMEM;
		else if (mkdir(dir, 0700) != 0 && access(dir, W_OK) != 0)
			rc = AMANA_ERR_IO;
		else
			rc = cache_load(c);
	}
	if (rc != AMANA_OK) {
		amana_status_cache_free(&c);
		return rc;
	}
	*out = c;
	return AMANA_OK;
}

void amana_status_cache_free(amana_status_cache_t **c)
{
	if (c == NULL || *c == NULL)
		return;
	for (size_t i = 0; i < (*c)->n; i++)
		amana_status_list_free(&(*c)->lists[i]);
	free((*c)->dir);
	free(*c);
	*c = NULL;
}

/* Temp file, fsync, rename, fsync of the directory: a crash leaves the
 * old list or the new one, never half of one. */
static int cache_write(const amana_status_cache_t *c, const amana_status_list_t *l)
{
	char path[4096], tmp[4096];
	size_t len;
	const uint8_t *bytes = status_list_bytes(l, &len);
	if (cache_path(c, amana_status_list_uri(l), path, sizeof(path), false) != AMANA_OK ||
	    cache_path(c, amana_status_list_uri(l), tmp, sizeof(tmp), true) != AMANA_OK)
		return AMANA_ERR_LIMIT;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return AMANA_ERR_IO;
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(fd, bytes + done, len - done);
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	bool ok = done == len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return AMANA_ERR_IO;
	}
	int dfd = open(c->dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return AMANA_OK;
}

int amana_status_cache_put(amana_status_cache_t *c, const uint8_t *tok, size_t len,
    const amana_cose_key_t *key, uint64_t now, const amana_status_policy_t *p)
{
	if (c == NULL || tok == NULL || key == NULL || p == NULL)
		return AMANA_ERR_ARG;
	amana_status_list_t *l = NULL;
	int rc = amana_status_list_parse(tok, len, &l);
	if (rc != AMANA_OK)
		return rc;
	if ((rc = amana_status_list_verify(l, key)) != AMANA_OK)
		goto out;
	/* Saturating: a clock near UINT64_MAX must not wrap into refusing
	 * every list. */
	uint64_t latest = now > UINT64_MAX - p->max_skew ? UINT64_MAX : now + p->max_skew;
	if (amana_status_list_iat(l) > latest) {
		rc = AMANA_ERR_STATUS_FUTURE;
		goto out;
	}
	amana_status_list_t **old = cache_find(c, amana_status_list_uri(l));
	if (old != NULL && amana_status_list_iat(*old) > amana_status_list_iat(l)) {
		rc = AMANA_ERR_STATUS_ROLLBACK;
		goto out;
	}
	if (old == NULL && c->n == CACHE_MAX_LISTS) {
		rc = AMANA_ERR_LIMIT;
		goto out;
	}
	if (c->dir != NULL && (rc = cache_write(c, l)) != AMANA_OK)
		goto out;
	size_t slot = old != NULL ? (size_t)(old - c->lists) : c->n++;
	amana_status_list_free(&c->lists[slot]);
	c->lists[slot] = l;
	c->verified[slot] = true;
	c->verified_key[slot] = *key;
	l = NULL;
out:
	amana_status_list_free(&l);
	return rc;
}

size_t amana_status_cache_count(const amana_status_cache_t *c)
{
	return c != NULL ? c->n : 0;
}

const amana_status_list_t *amana_status_cache_at(const amana_status_cache_t *c, size_t i)
{
	return c != NULL && i < c->n ? c->lists[i] : NULL;
}

const amana_status_list_t *amana_status_cache_get(const amana_status_cache_t *c,
    const char *uri)
{
	if (c == NULL || uri == NULL)
		return NULL;
	amana_status_list_t **l = cache_find((amana_status_cache_t *)(uintptr_t)c, uri);
	return l != NULL ? *l : NULL;
}

int amana_status_cache_check(const amana_status_cache_t *c, const char *uri,
    size_t idx, const amana_cose_key_t *key, uint64_t now,
    const amana_status_policy_t *p, amana_status_result_t *r)
{
	if (c == NULL || uri == NULL || key == NULL || p == NULL || r == NULL)
		return AMANA_ERR_ARG;
	memset(r, 0, sizeof(*r));
	/* The memo of verified keys is the only state a check changes. */
	amana_status_cache_t *m = (amana_status_cache_t *)(uintptr_t)c;
	amana_status_list_t **lp = cache_find(m, uri);
	if (lp == NULL)
		return AMANA_ERR_STATUS_NONE;
	const amana_status_list_t *l = *lp;
	size_t slot = (size_t)(lp - m->lists);
	int rc = AMANA_OK;
	if (!m->verified[slot] || !amana_cose_key_eq(&m->verified_key[slot], key)) {
		m->verified[slot] = false;
		if ((rc = amana_status_list_verify(l, key)) != AMANA_OK)
			return rc;
		m->verified[slot] = true;
		m->verified_key[slot] = *key;
	}
	r->iat = amana_status_list_iat(l);
	r->exp = amana_status_list_exp(l);
	r->expired = now > r->exp && now - r->exp > p->grace;
	if ((rc = amana_status_bits_get(amana_status_list_bits(l), idx, &r->status)) != AMANA_OK)
		return rc;
	if (r->status == AMANA_STATUS_INVALID || r->status == AMANA_STATUS_RESERVED)
		return AMANA_ERR_STATUS_REVOKED; /* 3 has no meaning to us: not valid */
	if (r->status == AMANA_STATUS_SUSPENDED)
		return AMANA_ERR_STATUS_SUSPENDED;
	if (r->expired && p->on_expired == AMANA_STATUS_EXPIRED_REJECT)
		return AMANA_ERR_STATUS_EXPIRED;
	return AMANA_OK;
}
