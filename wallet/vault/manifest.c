/* manifest.c: the manifest body (the plaintext inside the sealed manifest
 * object). Parsed with the bounded cursor; every count and string is capped
 * before anything is allocated, and the result is checked for the invariants
 * the rest of the vault relies on (unique names and ids, ids below next_id).
 *
 *   "AVM1" | u64 generation | u64 next_id | u8 has_decoy | decoy_key[32]
 *   | 8 x (u8 state | u64 created | u32 ops | u32 mem_kib | u8 pending_wipe)
 *   | u32 ngc | ngc x u64 id
 *   | u32 n | n x (u64 id | u64 version | u64 len | u64 added | u8 type
 *                 | str kind | str name | str number | str country
 *                 | str expiry | str notes)          str = u16 len | bytes */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "vault_int.h"

static const uint8_t man_magic[4] = {'A', 'V', 'M', '1'};

void entry_clear(man_entry_t *e)
{
	char **f[] = {&e->kind, &e->name, &e->number, &e->country, &e->expiry, &e->notes};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (*f[i] != NULL) {
			sodium_memzero(*f[i], strlen(*f[i]));
			free(*f[i]);
		}
		*f[i] = NULL;
	}
}

void manifest_clear(manifest_t *m)
{
	if (m->e != NULL)
		for (uint32_t i = 0; i < m->n; i++)
			entry_clear(&m->e[i]);
	free(m->e);
	free(m->gc);
	sodium_memzero(m, sizeof(*m));
}

static int str_dup(const char *s, char **out)
{
	size_t n = s != NULL ? strlen(s) : 0;
	if (n > AMANA_VAULT_STR_MAX)
		return AMANA_ERR_LIMIT;
	*out = malloc(n + 1);
	if (*out == NULL)
		return AMANA_ERR_NOMEM;
	if (n > 0)
		memcpy(*out, s, n);
	(*out)[n] = '\0';
	return AMANA_OK;
}

int entry_dup(const man_entry_t *src, man_entry_t *dst)
{
	*dst = *src;
	dst->kind = dst->name = dst->number = dst->country = dst->expiry = dst->notes = NULL;
	int err = str_dup(src->kind, &dst->kind);
	if (err == AMANA_OK)
		err = str_dup(src->name, &dst->name);
	if (err == AMANA_OK)
		err = str_dup(src->number, &dst->number);
	if (err == AMANA_OK)
		err = str_dup(src->country, &dst->country);
	if (err == AMANA_OK)
		err = str_dup(src->expiry, &dst->expiry);
	if (err == AMANA_OK)
		err = str_dup(src->notes, &dst->notes);
	if (err != AMANA_OK)
		entry_clear(dst);
	return err;
}

int manifest_copy(const manifest_t *src, manifest_t *dst)
{
	*dst = *src;
	dst->gc = NULL;
	dst->e = NULL;
	dst->n = 0;
	dst->gc = malloc((src->ngc > 0 ? src->ngc : 1) * sizeof(uint64_t));
	/* one spare entry so an add needs no second copy */
	dst->e = calloc((size_t)src->n + 1u, sizeof(man_entry_t));
	if (dst->gc == NULL || dst->e == NULL) {
		manifest_clear(dst);
		return AMANA_ERR_NOMEM;
	}
	if (src->ngc > 0)
		memcpy(dst->gc, src->gc, src->ngc * sizeof(uint64_t));
	for (uint32_t i = 0; i < src->n; i++) {
		int err = entry_dup(&src->e[i], &dst->e[i]);
		if (err != AMANA_OK) {
			manifest_clear(dst);
			return err;
		}
		dst->n++;
	}
	return AMANA_OK;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp((*(const man_entry_t *const *)a)->name, (*(const man_entry_t *const *)b)->name);
}

/* Unique non-empty names and unique ids below next_id. */
static int manifest_check(const manifest_t *m)
{
	if (m->n == 0)
		return AMANA_OK;
	uint64_t *ids = malloc(m->n * sizeof(uint64_t));
	const man_entry_t **byname = malloc(m->n * sizeof(*byname));
	int err = AMANA_OK;
	if (ids == NULL || byname == NULL) {
		err = AMANA_ERR_NOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < m->n; i++) {
		ids[i] = m->e[i].id;
		byname[i] = &m->e[i];
	}
	qsort(ids, m->n, sizeof(uint64_t), cmp_u64);
	qsort(byname, m->n, sizeof(*byname), cmp_name);
	for (uint32_t i = 1; i < m->n && err == AMANA_OK; i++)
		if (ids[i] == ids[i - 1] || strcmp(byname[i]->name, byname[i - 1]->name) == 0)
			err = AMANA_ERR_FORMAT;
out:
	free(ids);
	free(byname);
	return err;
}

static int entry_parse(vcur_t *c, const manifest_t *m, man_entry_t *e)
{
	int err;
	if ((err = vcur_u64(c, &e->id)) || (err = vcur_u64(c, &e->version)) ||
	    (err = vcur_u64(c, &e->len)) || (err = vcur_u64(c, &e->added)) ||
	    (err = vcur_u8(c, &e->type)) || (err = vcur_str(c, &e->kind)) ||
	    (err = vcur_str(c, &e->name)) || (err = vcur_str(c, &e->number)) ||
	    (err = vcur_str(c, &e->country)) || (err = vcur_str(c, &e->expiry)) ||
	    (err = vcur_str(c, &e->notes)))
		return err;
	if (e->type != AMANA_VAULT_DOCUMENT && e->type != AMANA_VAULT_RECORD)
		return AMANA_ERR_FORMAT;
	if (e->id >= m->next_id || e->version > m->generation || e->name[0] == '\0')
		return AMANA_ERR_FORMAT;
	if (e->len > (e->type == AMANA_VAULT_DOCUMENT ? AMANA_VAULT_DOC_MAX : AMANA_VAULT_RECORD_MAX))
		return AMANA_ERR_LIMIT;
	return AMANA_OK;
}

int manifest_parse(const uint8_t *buf, size_t len, manifest_t *m)
{
	vcur_t c = {buf, len};
	uint8_t magic[4];
	uint32_t n;
	int err;
	memset(m, 0, sizeof(*m));
	if ((err = vcur_bytes(&c, magic, 4)))
		return err;
	if (memcmp(magic, man_magic, 4) != 0)
		return AMANA_ERR_FORMAT;
	if ((err = vcur_u64(&c, &m->generation)) || (err = vcur_u64(&c, &m->next_id)) ||
	    (err = vcur_u8(&c, &m->has_decoy)) || (err = vcur_bytes(&c, m->decoy_key, 32)))
		goto fail;
	if (m->has_decoy > 1 || m->next_id >= OBJ_MANIFEST_B - VAULT_TX_MAX_NEW) {
		err = AMANA_ERR_FORMAT;
		goto fail;
	}
	for (unsigned i = 0; i < AMANA_VAULT_NSLOTS; i++) {
		man_slot_t *s = &m->slot[i];
		if ((err = vcur_u8(&c, &s->state)) || (err = vcur_u64(&c, &s->created)) ||
		    (err = vcur_u32(&c, &s->ops)) || (err = vcur_u32(&c, &s->mem_kib)) ||
		    (err = vcur_u8(&c, &m->pending_wipe[i])))
			goto fail;
		if (s->state > AMANA_VAULT_SLOT_HIDDEN || m->pending_wipe[i] > 1) {
			err = AMANA_ERR_FORMAT;
			goto fail;
		}
	}
	if ((err = vcur_u32(&c, &n)))
		goto fail;
	if (n > VAULT_GC_MAX || (size_t)n * 8u > c.left) {
		err = n > VAULT_GC_MAX ? AMANA_ERR_LIMIT : AMANA_ERR_TRUNCATED;
		goto fail;
	}
	m->gc = malloc((n > 0 ? n : 1) * sizeof(uint64_t));
	if (m->gc == NULL) {
		err = AMANA_ERR_NOMEM;
		goto fail;
	}
	for (m->ngc = 0; m->ngc < n; m->ngc++) {
		if ((err = vcur_u64(&c, &m->gc[m->ngc])))
			goto fail;
		if (m->gc[m->ngc] >= m->next_id) {
			err = AMANA_ERR_FORMAT;
			goto fail;
		}
	}
	if ((err = vcur_u32(&c, &n)))
		goto fail;
	/* an entry takes at least 45 bytes: bound n by what is left */
	if (n > VAULT_ENTRIES_MAX || (size_t)n * 45u > c.left) {
		err = n > VAULT_ENTRIES_MAX ? AMANA_ERR_LIMIT : AMANA_ERR_TRUNCATED;
		goto fail;
	}
	m->e = calloc((size_t)n + 1u, sizeof(man_entry_t));
	if (m->e == NULL) {
		err = AMANA_ERR_NOMEM;
		goto fail;
	}
	for (m->n = 0; m->n < n;) {
		err = entry_parse(&c, m, &m->e[m->n]);
		m->n++; /* so that manifest_clear frees a half-parsed entry */
		if (err)
			goto fail;
	}
	if (c.left != 0) {
		err = AMANA_ERR_FORMAT;
		goto fail;
	}
	if ((err = manifest_check(m)))
		goto fail;
	return AMANA_OK;
fail:
	manifest_clear(m);
	return err;
}

int manifest_serialize(const manifest_t *m, vbuf_t *out)
{
	vbuf_bytes(out, man_magic, 4);
	vbuf_u64(out, m->generation);
	vbuf_u64(out, m->next_id);
	vbuf_u8(out, m->has_decoy);
	vbuf_bytes(out, m->decoy_key, 32);
	for (unsigned i = 0; i < AMANA_VAULT_NSLOTS; i++) {
		vbuf_u8(out, m->slot[i].state);
		vbuf_u64(out, m->slot[i].created);
		vbuf_u32(out, m->slot[i].ops);
		vbuf_u32(out, m->slot[i].mem_kib);
		vbuf_u8(out, m->pending_wipe[i]);
	}
	vbuf_u32(out, m->ngc);
	for (uint32_t i = 0; i < m->ngc; i++)
		vbuf_u64(out, m->gc[i]);
	vbuf_u32(out, m->n);
	for (uint32_t i = 0; i < m->n; i++) {
		const man_entry_t *e = &m->e[i];
		vbuf_u64(out, e->id);
		vbuf_u64(out, e->version);
		vbuf_u64(out, e->len);
		vbuf_u64(out, e->added);
		vbuf_u8(out, e->type);
		vbuf_str(out, e->kind);
		vbuf_str(out, e->name);
		vbuf_str(out, e->number);
		vbuf_str(out, e->country);
		vbuf_str(out, e->expiry);
		vbuf_str(out, e->notes);
	}
	if (out->oom || out->len > VAULT_MANIFEST_MAX)
		return out->oom ? AMANA_ERR_NOMEM : AMANA_ERR_LIMIT;
	return AMANA_OK;
}
