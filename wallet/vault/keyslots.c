/* keyslots.c: managing the key slots of an opened vault
 * (docs/0502-vault-key-slots.md).
 *
 * A slot change touches two files, the slot file and the manifest, so it is
 * made crash-safe with an intent: adding entry j first commits a manifest
 * that marks j "pending wipe", then writes the slot file, then commits j as
 * used. Removing marks j free and pending, rewrites the entry as random,
 * then clears the mark. Whatever a crash interrupts, the next open
 * randomises every pending entry: the old set of ways in, never a half one.
 * Changing a passphrase rewrites one entry in place (one atomic replace).
 *
 * The real compartment tells its decoy which entries it uses (HIDDEN there)
 * so that changes made in the decoy never overwrite a real slot. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "vault_int.h"

static void ent_set(slot_ent_t *e, uint32_t ops, uint32_t mem_kib)
{
	slots_ent_random(e, ops, mem_kib); /* fresh salt, nonce, filler */
}

/* Rejects a secret that already opens any entry (also other compartments'). */
static int secret_unused(const slots_t *s, amana_vault_method_t method, const uint8_t *secret,
    size_t len)
{
	slot_kek_cache_t *cache = NULL;
	uint8_t kek[32], key[32], type;
	int err = AMANA_OK;
	for (unsigned i = 0; i < AMANA_VAULT_NSLOTS && err == AMANA_OK; i++) {
		int e = slot_kek(s, i, method, secret, len, &cache, kek);
		if (e == AMANA_ERR_NOMEM)
			err = e;
		else if (e == AMANA_OK && slots_unwrap(s, i, kek, &type, key) == AMANA_OK)
			err = AMANA_ERR_VAULT_SAME_SECRET;
	}
	sodium_memzero(kek, sizeof(kek));
	sodium_memzero(key, sizeof(key));
	slot_kek_cache_free(&cache);
	return err;
}

/* Sets slot idx's state in the decoy compartment's manifest, if any. */
static int decoy_mark(amana_vault_t *v, unsigned idx, uint8_t state)
{
	amana_vault_t *d = NULL;
	if (!v->m.has_decoy)
		return AMANA_OK;
	int err = amana_vault_open_decoy(v, &d);
	if (err != AMANA_OK)
		return err;
	manifest_t next;
	err = manifest_copy(&d->m, &next);
	if (err == AMANA_OK) {
		next.ngc = 0;
		next.slot[idx].state = state;
		next.slot[idx].created = (uint64_t)time(NULL);
		err = vault_commit(d, &next);
	}
	amana_vault_free(&d);
	return err;
}

static int commit_slot(amana_vault_t *v, unsigned idx, const man_slot_t *st, uint8_t pending)
{
	manifest_t next;
	int err = manifest_copy(&v->m, &next);
	if (err != AMANA_OK)
		return err;
	next.ngc = 0;
	if (st != NULL)
		next.slot[idx] = *st;
	next.pending_wipe[idx] = pending;
	return vault_commit(v, &next);
}

/* The common path of every slot addition: key is the compartment key the
 * entry will unwrap to, state what this compartment records. */
static int slot_add(amana_vault_t *v, amana_vault_method_t method, const uint8_t *secret,
    size_t len, uint32_t ops, uint32_t mem_kib, const uint8_t *credid, size_t credid_len,
    const uint8_t key[32], uint8_t state, unsigned *idx_out)
{
	slots_t s;
	uint8_t kek[32];
	unsigned j;
	int err = slots_load(v->dirfd, &s);
	if (err != AMANA_OK)
		return err;
	v->slots = s;
	if ((err = secret_unused(&s, method, secret, len)))
		return err;
	for (j = 0; j < AMANA_VAULT_NSLOTS; j++)
		if (v->m.slot[j].state == AMANA_VAULT_SLOT_FREE && !v->m.pending_wipe[j])
			break;
	if (j == AMANA_VAULT_NSLOTS)
		return AMANA_ERR_VAULT_SLOTS_FULL;
	if ((err = commit_slot(v, j, NULL, 1)))
		return err;
	if ((err = decoy_mark(v, j, state == AMANA_VAULT_SLOT_DURESS ?
	         AMANA_VAULT_SLOT_PASSPHRASE : AMANA_VAULT_SLOT_HIDDEN)))
		return err;
	ent_set(&s.ent[j], ops, mem_kib);
	if (credid != NULL) {
		s.ent[j].credid_len = (uint8_t)credid_len;
		memset(s.ent[j].credid, 0, AMANA_VAULT_CREDID_MAX);
		memcpy(s.ent[j].credid, credid, credid_len);
	}
	err = slot_kek(&s, j, method, secret, len, NULL, kek);
	if (err == AMANA_OK)
		err = slots_wrap(&s, j, kek, (uint8_t)method, key);
	sodium_memzero(kek, sizeof(kek));
	if (err == AMANA_OK)
		err = slots_store(v->dirfd, &s);
	if (err != AMANA_OK)
		return err; /* j stays pending: the next open wipes it */
	v->slots = s;
	man_slot_t st = {state, (uint64_t)time(NULL), ops, mem_kib};
	if (method != AMANA_VAULT_PASSPHRASE)
		st.ops = st.mem_kib = 0;
	if ((err = commit_slot(v, j, &st, 0)))
		return err;
	if (idx_out != NULL)
		*idx_out = j;
	return AMANA_OK;
}

/* Parameters unused entries copy, so that they look like the used ones. */
static void like_params(const amana_vault_t *v, uint32_t *ops, uint32_t *mem)
{
	unsigned i = v->opened_slot < AMANA_VAULT_NSLOTS ? v->opened_slot : 0;
	*ops = v->slots.ent[i].ops;
	*mem = v->slots.ent[i].mem_kib;
}

int amana_vault_slot_add_passphrase(amana_vault_t *v, const uint8_t *pass, size_t passlen,
    const amana_vault_kdf_t *kdf, unsigned *idx_out)
{
	amana_vault_kdf_t d = amana_vault_kdf_default();
	uint32_t ops, mem;
	int err = slot_kdf_check(kdf != NULL ? kdf : &d, &ops, &mem);
	if (err != AMANA_OK)
		return err;
	return slot_add(v, AMANA_VAULT_PASSPHRASE, pass, passlen, ops, mem, NULL, 0, v->k->key,
	    AMANA_VAULT_SLOT_PASSPHRASE, idx_out);
}

int amana_vault_slot_add_recovery(amana_vault_t *v, uint8_t key_out[32], unsigned *idx_out)
{
	uint32_t ops, mem;
	like_params(v, &ops, &mem);
	randombytes_buf(key_out, 32);
	int err = slot_add(v, AMANA_VAULT_RECOVERY, key_out, 32, ops, mem, NULL, 0, v->k->key,
	    AMANA_VAULT_SLOT_RECOVERY, idx_out);
	if (err != AMANA_OK)
		sodium_memzero(key_out, 32);
	return err;
}

int amana_vault_slot_add_token(amana_vault_t *v, const uint8_t *credid, size_t credid_len,
    const uint8_t hmac[32], unsigned *idx_out)
{
	uint32_t ops, mem;
	if (credid == NULL || credid_len == 0 || credid_len > AMANA_VAULT_CREDID_MAX)
		return AMANA_ERR_ARG;
	like_params(v, &ops, &mem);
	return slot_add(v, AMANA_VAULT_TOKEN, hmac, 32, ops, mem, credid, credid_len, v->k->key,
	    AMANA_VAULT_SLOT_TOKEN, idx_out);
}

/* Makes sure v has a decoy compartment (an empty one if none yet). */
static int ensure_decoy(amana_vault_t *v)
{
	if (v->m.has_decoy)
		return AMANA_OK;
	vkeys_t *dk = sodium_malloc(sizeof(vkeys_t));
	if (dk == NULL)
		return AMANA_ERR_NOMEM;
	randombytes_buf(dk->key, 32);
	vkeys_derive(dk);
	manifest_t dm = {0}, next;
	dm.generation = 1;
	for (unsigned i = 0; i < AMANA_VAULT_NSLOTS; i++)
		if (v->m.slot[i].state != AMANA_VAULT_SLOT_FREE || v->m.pending_wipe[i])
			dm.slot[i].state = AMANA_VAULT_SLOT_HIDDEN;
	int err = vault_write_manifest(v->dirfd, v->slots.vault_id, dk, &dm);
	if (err == AMANA_OK)
		err = manifest_copy(&v->m, &next);
	if (err == AMANA_OK) {
		next.ngc = 0;
		next.has_decoy = 1;
		memcpy(next.decoy_key, dk->key, 32);
		err = vault_commit(v, &next);
	}
	sodium_free(dk);
	return err;
}

int amana_vault_slot_add_duress(amana_vault_t *v, const uint8_t *pass, size_t passlen,
    const amana_vault_kdf_t *kdf, unsigned *idx_out)
{
	amana_vault_kdf_t d = amana_vault_kdf_default();
	uint32_t ops, mem;
	int err = slot_kdf_check(kdf != NULL ? kdf : &d, &ops, &mem);
	if (err == AMANA_OK)
		err = ensure_decoy(v);
	if (err != AMANA_OK)
		return err;
	uint8_t *key = sodium_malloc(32);
	if (key == NULL)
		return AMANA_ERR_NOMEM;
	memcpy(key, v->m.decoy_key, 32);
	err = slot_add(v, AMANA_VAULT_PASSPHRASE, pass, passlen, ops, mem, NULL, 0, key,
	    AMANA_VAULT_SLOT_DURESS, idx_out);
	sodium_free(key);
	return err;
}

int amana_vault_slot_remove(amana_vault_t *v, unsigned idx)
{
	if (idx >= AMANA_VAULT_NSLOTS)
		return AMANA_ERR_ARG;
	uint8_t st = v->m.slot[idx].state;
	if (st == AMANA_VAULT_SLOT_FREE || st == AMANA_VAULT_SLOT_HIDDEN)
		return AMANA_ERR_NOT_FOUND;
	unsigned ways = 0;
	for (unsigned i = 0; i < AMANA_VAULT_NSLOTS; i++) {
		uint8_t s = v->m.slot[i].state;
		ways += s == AMANA_VAULT_SLOT_PASSPHRASE || s == AMANA_VAULT_SLOT_RECOVERY ||
		    s == AMANA_VAULT_SLOT_TOKEN;
	}
	if (st != AMANA_VAULT_SLOT_DURESS && ways <= 1)
		return AMANA_ERR_VAULT_LAST_SLOT;
	man_slot_t freed = {0};
	int err = commit_slot(v, idx, &freed, 1);
	if (err != AMANA_OK)
		return err;
	slots_t s;
	uint32_t ops, mem;
	like_params(v, &ops, &mem);
	if ((err = slots_load(v->dirfd, &s)))
		return err;
	slots_ent_random(&s.ent[idx], ops, mem);
	if ((err = slots_store(v->dirfd, &s)))
		return err;
	v->slots = s;
	if ((err = decoy_mark(v, idx, AMANA_VAULT_SLOT_FREE)))
		return err;
	return commit_slot(v, idx, &freed, 0);
}

int amana_vault_passwd(amana_vault_t *v, unsigned idx, const uint8_t *pass, size_t passlen,
    const amana_vault_kdf_t *kdf)
{
	amana_vault_kdf_t d = amana_vault_kdf_default();
	uint32_t ops, mem;
	uint8_t kek[32];
	slots_t s;
	if (idx >= AMANA_VAULT_NSLOTS)
		return AMANA_ERR_ARG;
	uint8_t st = v->m.slot[idx].state;
	if (st != AMANA_VAULT_SLOT_PASSPHRASE && st != AMANA_VAULT_SLOT_DURESS)
		return AMANA_ERR_ARG;
	int err = slot_kdf_check(kdf != NULL ? kdf : &d, &ops, &mem);
	if (err == AMANA_OK)
		err = slots_load(v->dirfd, &s);
	if (err == AMANA_OK)
		err = secret_unused(&s, AMANA_VAULT_PASSPHRASE, pass, passlen);
	if (err != AMANA_OK)
		return err;
	ent_set(&s.ent[idx], ops, mem);
	err = slot_kek(&s, idx, AMANA_VAULT_PASSPHRASE, pass, passlen, NULL, kek);
	if (err == AMANA_OK)
		err = slots_wrap(&s, idx, kek, AMANA_VAULT_PASSPHRASE,
		    st == AMANA_VAULT_SLOT_DURESS ? v->m.decoy_key : v->k->key);
	sodium_memzero(kek, sizeof(kek));
	if (err == AMANA_OK)
		err = slots_store(v->dirfd, &s); /* the switch: one atomic replace */
	if (err != AMANA_OK)
		return err;
	v->slots = s;
	man_slot_t ms = v->m.slot[idx];
	ms.ops = ops;
	ms.mem_kib = mem;
	ms.created = (uint64_t)time(NULL);
	if (commit_slot(v, idx, &ms, 0) != AMANA_OK) { /* informational only */ }
	return AMANA_OK;
}

int amana_vault_slot_info(const amana_vault_t *v, unsigned idx, amana_vault_slot_info_t *out)
{
	if (idx >= AMANA_VAULT_NSLOTS)
		return AMANA_ERR_RANGE;
	const man_slot_t *s = &v->m.slot[idx];
	out->type = (amana_vault_slot_type_t)(s->state == AMANA_VAULT_SLOT_HIDDEN ?
	        AMANA_VAULT_SLOT_HIDDEN : s->state);
	out->created = s->created;
	out->kdf.opslimit = s->ops;
	out->kdf.memlimit = (size_t)s->mem_kib * 1024u;
	return AMANA_OK;
}
