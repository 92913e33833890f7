/* entries.c: documents and records, the public calls. Each change is one
 * transaction (vault.c): write the new object, fsync it and the directory,
 * commit a manifest copy that references it (and lists what it replaces as
 * garbage). On any failure the new object is removed and v is unchanged. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "vault_int.h"

size_t amana_vault_count(const amana_vault_t *v)
{
	return v->m.n;
}

int amana_vault_find(const amana_vault_t *v, const char *name)
{
	if (name == NULL)
		return AMANA_ERR_ARG;
	for (uint32_t i = 0; i < v->m.n; i++)
		if (strcmp(v->m.e[i].name, name) == 0)
			return (int)i;
	return AMANA_ERR_VAULT_NAME;
}

int amana_vault_entry(const amana_vault_t *v, size_t i, amana_vault_entry_t *out)
{
	if (i >= v->m.n)
		return AMANA_ERR_RANGE;
	const man_entry_t *e = &v->m.e[i];
	out->type = (amana_vault_type_t)e->type;
	out->name = e->name;
	out->size = e->len;
	out->added = e->added;
	out->meta.kind = e->kind;
	out->meta.number = e->number;
	out->meta.country = e->country;
	out->meta.expiry = e->expiry;
	out->meta.notes = e->notes;
	return AMANA_OK;
}

static bool str_ok(const char *s)
{
	return s == NULL || strlen(s) <= AMANA_VAULT_STR_MAX;
}

/* A copy of the manifest with one more entry (filled from e) whose object
 * id is next_id; garbage: the id of entry `replaces` (or none if < 0). */
static int next_with(const amana_vault_t *v, const man_entry_t *e, int replaces, manifest_t *next)
{
	int err = manifest_copy(&v->m, next);
	if (err != AMANA_OK)
		return err;
	next->ngc = 0;
	if (replaces >= 0) {
		next->gc[0] = next->e[replaces].id;
		next->ngc = 1;
		entry_clear(&next->e[replaces]);
		next->e[replaces] = next->e[next->n - 1u];
		next->n--;
	}
	err = entry_dup(e, &next->e[next->n]);
	if (err != AMANA_OK) {
		manifest_clear(next);
		return err;
	}
	next->n++;
	next->next_id++;
	return AMANA_OK;
}

int amana_vault_doc_add(amana_vault_t *v, const char *name, const amana_vault_meta_t *meta, int fd)
{
	static const amana_vault_meta_t none = {0};
	if (meta == NULL)
		meta = &none;
	if (name == NULL || name[0] == '\0' || !str_ok(name) || !str_ok(meta->kind) ||
	    !str_ok(meta->number) || !str_ok(meta->country) || !str_ok(meta->expiry) ||
	    !str_ok(meta->notes) || fd < 0)
		return AMANA_ERR_ARG;
	if (amana_vault_find(v, name) >= 0)
		return AMANA_ERR_EXISTS;
	man_entry_t e = {
	    .id = v->m.next_id, .version = v->m.generation + 1u, .added = (uint64_t)time(NULL),
	    .type = AMANA_VAULT_DOCUMENT, .kind = (char *)(uintptr_t)meta->kind,
	    .name = (char *)(uintptr_t)name, .number = (char *)(uintptr_t)meta->number,
	    .country = (char *)(uintptr_t)meta->country, .expiry = (char *)(uintptr_t)meta->expiry,
	    .notes = (char *)(uintptr_t)meta->notes};
	char obj[OBJ_NAME_LEN + 1];
	uint8_t ad[OBJ_AD_LEN];
	manifest_t next;
	obj_name(v->k, e.id, obj);
	obj_ad(v->slots.vault_id, e.id, e.version, e.type, ad);
	int err = doc_write(v->k, v->dirfd, obj, ad, e.id, fd, &e.len);
	if (err == AMANA_OK)
		err = vio_fsync_dir(v->dirfd);
	if (err == AMANA_OK)
		err = next_with(v, &e, -1, &next);
	if (err == AMANA_OK)
		err = vault_commit(v, &next);
	if (err != AMANA_OK)
		(void)unlinkat(v->dirfd, obj, 0);
	return err;
}

int amana_vault_doc_get(amana_vault_t *v, const char *name, int fd)
{
	int i = amana_vault_find(v, name);
	if (i < 0)
		return i;
	const man_entry_t *e = &v->m.e[i];
	if (e->type != AMANA_VAULT_DOCUMENT)
		return AMANA_ERR_VAULT_NAME;
	char obj[OBJ_NAME_LEN + 1];
	uint8_t ad[OBJ_AD_LEN];
	obj_name(v->k, e->id, obj);
	obj_ad(v->slots.vault_id, e->id, e->version, e->type, ad);
	return doc_read(v->k, v->dirfd, obj, ad, e->id, e->len, fd);
}

int amana_vault_put_record(amana_vault_t *v, const char *kind, const char *name,
    const uint8_t *data, size_t len)
{
	if (name == NULL || name[0] == '\0' || kind == NULL || !str_ok(name) || !str_ok(kind) ||
	    (data == NULL && len > 0) || len > AMANA_VAULT_RECORD_MAX)
		return AMANA_ERR_ARG;
	int old = amana_vault_find(v, name);
	if (old >= 0 && v->m.e[old].type != AMANA_VAULT_RECORD)
		return AMANA_ERR_EXISTS;
	man_entry_t e = {.id = v->m.next_id, .version = v->m.generation + 1u,
	    .added = (uint64_t)time(NULL), .type = AMANA_VAULT_RECORD, .len = len,
	    .kind = (char *)(uintptr_t)kind, .name = (char *)(uintptr_t)name};
	char obj[OBJ_NAME_LEN + 1];
	uint8_t ad[OBJ_AD_LEN];
	vbuf_t sealed = {0};
	manifest_t next;
	obj_name(v->k, e.id, obj);
	obj_ad(v->slots.vault_id, e.id, e.version, e.type, ad);
	int err = blob_seal(v->k->records, ad, sizeof(ad), data, len, 512u, &sealed);
	if (err == AMANA_OK)
		err = vio_write_new(v->dirfd, obj, sealed.p, sealed.len);
	vbuf_wipe(&sealed);
	if (err == AMANA_OK)
		err = vio_fsync_dir(v->dirfd);
	if (err == AMANA_OK)
		err = next_with(v, &e, old >= 0 ? old : -1, &next);
	if (err == AMANA_OK)
		err = vault_commit(v, &next);
	if (err != AMANA_OK)
		(void)unlinkat(v->dirfd, obj, 0);
	return err;
}

int amana_vault_get_record(amana_vault_t *v, const char *kind, const char *name,
    uint8_t **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	int i = amana_vault_find(v, name);
	if (i < 0)
		return i;
	const man_entry_t *e = &v->m.e[i];
	if (e->type != AMANA_VAULT_RECORD || (kind != NULL && strcmp(kind, e->kind) != 0))
		return AMANA_ERR_VAULT_NAME;
	char obj[OBJ_NAME_LEN + 1];
	uint8_t ad[OBJ_AD_LEN], *buf = NULL;
	size_t blen = 0;
	obj_name(v->k, e->id, obj);
	obj_ad(v->slots.vault_id, e->id, e->version, e->type, ad);
	int err = vio_read(v->dirfd, obj, 2u * AMANA_VAULT_RECORD_MAX, &buf, &blen);
	if (err != AMANA_OK)
		return err == AMANA_ERR_NOT_FOUND ? AMANA_ERR_VAULT_MISSING :
		    err == AMANA_ERR_LIMIT ? AMANA_ERR_VAULT_OBJECT : err;
	err = blob_open(v->k->records, ad, sizeof(ad), buf, blen, data, len);
	free(buf);
	if (err == AMANA_OK && *len != e->len) {
		amana_vault_secret_free(data, *len);
		err = AMANA_ERR_VAULT_OBJECT;
	}
	return err == AMANA_ERR_VERIFY ? AMANA_ERR_VAULT_OBJECT : err;
}

void amana_vault_secret_free(uint8_t **data, size_t len)
{
	(void)len; /* sodium_free wipes the whole allocation */
	if (data != NULL && *data != NULL) {
		sodium_free(*data);
		*data = NULL;
	}
}

int amana_vault_rm(amana_vault_t *v, const char *name)
{
	int i = amana_vault_find(v, name);
	if (i < 0)
		return i;
	manifest_t next;
	int err = manifest_copy(&v->m, &next);
	if (err != AMANA_OK)
		return err;
	next.gc[0] = next.e[i].id; /* manifest_copy leaves room for one */
	next.ngc = 1;
	entry_clear(&next.e[i]);
	next.e[i] = next.e[next.n - 1u];
	next.n--;
	return vault_commit(v, &next);
}

int amana_vault_check(amana_vault_t *v, void (*bad)(const char *name, int err, void *ctx),
    void *ctx)
{
	int nbad = 0;
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0)
		return AMANA_ERR_IO;
	for (uint32_t i = 0; i < v->m.n; i++) {
		const man_entry_t *e = &v->m.e[i];
		int err;
		if (e->type == AMANA_VAULT_DOCUMENT) {
			err = amana_vault_doc_get(v, e->name, devnull);
		} else {
			uint8_t *d = NULL;
			size_t n = 0;
			err = amana_vault_get_record(v, NULL, e->name, &d, &n);
			amana_vault_secret_free(&d, n);
		}
		if (err != AMANA_OK) {
			nbad++;
			if (bad != NULL)
				bad(e->name, err, ctx);
		}
	}
	close(devnull);
	return nbad;
}
