/* vault.c: opening a compartment, the transaction commit, and the cleanup
 * of an interrupted change (docs/0501-vault-transactions.md).
 *
 * Commit order: new objects are already written and fsynced by the caller
 * (and the directory fsynced); then the replica manifest B is replaced, then
 * the primary A (each: temp, fsync, rename, fsync dir). A is the truth: the
 * new state exists from the moment A's rename is durable. Then the objects
 * the new manifest lists as garbage are removed.
 *
 * Open: A, or B when A is damaged (repair). Cleanup: garbage listed in the
 * manifest, orphans of a transaction that never committed (the ids just
 * above next_id, whose names only this compartment can compute), temp files,
 * and key slot entries an interrupted slot change left behind. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "vault_int.h"

#define MANIFEST_MIN 4096u

void vault_manifest_ad(const uint8_t vault_id[16], uint8_t copy, uint8_t ad[33])
{
	memcpy(ad, "amana-vault-man", 16);
	memcpy(ad + 16, vault_id, 16);
	ad[32] = copy;
}

static int write_copy(int dirfd, const uint8_t vault_id[16], const vkeys_t *k,
    const vbuf_t *body, uint8_t copy)
{
	uint8_t ad[33];
	char name[OBJ_NAME_LEN + 1];
	vbuf_t sealed = {0};
	vault_manifest_ad(vault_id, copy, ad);
	obj_name(k, copy == 0 ? OBJ_MANIFEST_A : OBJ_MANIFEST_B, name);
	int err = blob_seal(k->manifest, ad, sizeof(ad), body->p, body->len, MANIFEST_MIN, &sealed);
	if (err == AMANA_OK)
		err = vio_replace(dirfd, name, sealed.p, sealed.len);
	vbuf_wipe(&sealed);
	return err;
}

int vault_write_manifest(int dirfd, const uint8_t vault_id[16], const vkeys_t *k,
    const manifest_t *m)
{
	vbuf_t body = {0};
	int err = manifest_serialize(m, &body);
	if (err == AMANA_OK)
		err = write_copy(dirfd, vault_id, k, &body, 1);
	if (err == AMANA_OK)
		err = write_copy(dirfd, vault_id, k, &body, 0);
	vbuf_wipe(&body);
	return err;
}

/* Reads and authenticates manifest copy 0 (A) or 1 (B). */
static int read_copy(int dirfd, const uint8_t vault_id[16], const vkeys_t *k, uint8_t copy,
    manifest_t *m)
{
	uint8_t ad[33], *buf = NULL, *pt = NULL;
	size_t len = 0, ptlen = 0;
	char name[OBJ_NAME_LEN + 1];
	obj_name(k, copy == 0 ? OBJ_MANIFEST_A : OBJ_MANIFEST_B, name);
	vault_manifest_ad(vault_id, copy, ad);
	int err = vio_read(dirfd, name, VAULT_MANIFEST_MAX + 4096u, &buf, &len);
	if (err != AMANA_OK)
		return err == AMANA_ERR_NOT_FOUND ? AMANA_ERR_VAULT_MISSING : err;
	err = blob_open(k->manifest, ad, sizeof(ad), buf, len, &pt, &ptlen);
	free(buf);
	if (err == AMANA_ERR_VERIFY)
		return AMANA_ERR_VAULT_MANIFEST;
	if (err != AMANA_OK)
		return err;
	err = manifest_parse(pt, ptlen, m);
	sodium_free(pt);
	/* authentic but unparsable: written by a newer or broken version */
	return err == AMANA_OK || err == AMANA_ERR_NOMEM ? err : AMANA_ERR_VAULT_MANIFEST;
}

/* Best effort: a failure here leaves work for the next open, never damage. */
static void vault_cleanup(amana_vault_t *v)
{
	char name[OBJ_NAME_LEN + 1], tmp[OBJ_NAME_LEN + 8];
	for (uint32_t i = 0; i < v->m.ngc; i++) {
		obj_name(v->k, v->m.gc[i], name);
		(void)vio_unlink(v->dirfd, name);
	}
	for (uint64_t id = v->m.next_id; id < v->m.next_id + VAULT_TX_MAX_NEW; id++) {
		obj_name(v->k, id, name);
		(void)vio_unlink(v->dirfd, name);
	}
	/* temp files of our manifest copies, and of the decoy's (the real
	 * compartment changes the decoy's manifest when it changes slots) */
	vkeys_t *dk = v->m.has_decoy ? sodium_malloc(sizeof(vkeys_t)) : NULL;
	if (dk != NULL) {
		memcpy(dk->key, v->m.decoy_key, 32);
		vkeys_derive(dk);
	}
	const uint64_t man[2] = {OBJ_MANIFEST_A, OBJ_MANIFEST_B};
	for (int i = 0; i < 4; i++) {
		if (i >= 2 && dk == NULL)
			break;
		obj_name(i < 2 ? v->k : dk, man[i % 2], name);
		memcpy(tmp, name, OBJ_NAME_LEN);
		memcpy(tmp + OBJ_NAME_LEN, ".tmp", 5);
		(void)vio_unlink(v->dirfd, tmp);
	}
	if (dk != NULL)
		sodium_free(dk);
	(void)vio_unlink(v->dirfd, SLOTS_FILE ".tmp");

	bool pending = false;
	for (unsigned i = 0; i < AMANA_VAULT_NSLOTS; i++)
		pending |= v->m.pending_wipe[i] != 0;
	if (!pending)
		return;
	/* An interrupted slot change: the entry may hold a half-added way in;
	 * make it random again, then forget about it. */
	slots_t s;
	if (slots_load(v->dirfd, &s) != AMANA_OK)
		return;
	const slot_ent_t *like = &s.ent[v->opened_slot < AMANA_VAULT_NSLOTS ? v->opened_slot : 0];
	for (unsigned i = 0; i < AMANA_VAULT_NSLOTS; i++)
		if (v->m.pending_wipe[i])
			slots_ent_random(&s.ent[i], like->ops, like->mem_kib);
	if (slots_store(v->dirfd, &s) != AMANA_OK)
		return;
	v->slots = s;
	manifest_t next;
	if (manifest_copy(&v->m, &next) != AMANA_OK)
		return;
	memset(next.pending_wipe, 0, sizeof(next.pending_wipe));
	next.ngc = 0;
	if (vault_commit(v, &next) != AMANA_OK)
		return; /* retried at the next open */
}

int vault_commit(amana_vault_t *v, manifest_t *next)
{
	next->generation = v->m.generation + 1u;
	int err = vault_write_manifest(v->dirfd, v->slots.vault_id, v->k, next);
	if (err != AMANA_OK) {
		manifest_clear(next);
		return err;
	}
	char name[OBJ_NAME_LEN + 1];
	for (uint32_t i = 0; i < next->ngc; i++) {
		obj_name(v->k, next->gc[i], name);
		(void)vio_unlink(v->dirfd, name);
	}
	manifest_clear(&v->m);
	v->m = *next;
	memset(next, 0, sizeof(*next));
	return AMANA_OK;
}

/* One handle at a time per directory, across processes: a second handle's
 * open-time cleanup would unlink the objects a first handle's transaction
 * has written but not yet committed (they are the orphans it looks for),
 * and two commits from stale manifests would lose one change. An exclusive
 * flock on the directory, held for the handle's life: dup()ed descriptors
 * share it, so the decoy handle opened from a handle does not wait for it;
 * the kernel drops it when the process dies. Waits up to
 * VAULT_LOCK_WAIT_MS for a short command to finish. */
#define VAULT_LOCK_WAIT_MS 3000
static int vault_lock_dir(int dirfd)
{
	for (int waited = 0;; waited += 20) {
		if (flock(dirfd, LOCK_EX | LOCK_NB) == 0)
			return AMANA_OK;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return AMANA_ERR_IO;
		if (waited >= VAULT_LOCK_WAIT_MS)
			return AMANA_ERR_VAULT_BUSY;
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

int vault_open_key(int dirfd, const char *dir, const slots_t *s, const uint8_t key[32],
    unsigned slot, amana_vault_t **out)
{
	*out = NULL;
	/* guarded, mlocked memory: the handle holds the manifest, and with it
	 * the decoy compartment's key */
	amana_vault_t *v = sodium_malloc(sizeof(*v));
	if (v == NULL)
		return AMANA_ERR_NOMEM;
	memset(v, 0, sizeof(*v));
	v->dirfd = dup(dirfd);
	v->dir = strdup(dir);
	v->k = sodium_malloc(sizeof(vkeys_t));
	if (v->dirfd < 0 || v->dir == NULL || v->k == NULL) {
		amana_vault_free(&v);
		return AMANA_ERR_NOMEM;
	}
	int err = vault_lock_dir(v->dirfd);
	if (err != AMANA_OK) {
		amana_vault_free(&v);
		return err;
	}
	memcpy(v->k->key, key, 32);
	vkeys_derive(v->k);
	v->slots = *s;
	v->opened_slot = slot;

	manifest_t b;
	int ea = read_copy(v->dirfd, s->vault_id, v->k, 0, &v->m);
	int eb = read_copy(v->dirfd, s->vault_id, v->k, 1, &b);
	if (ea != AMANA_OK && eb != AMANA_OK) {
		amana_vault_free(&v);
		return ea == AMANA_ERR_NOMEM ? ea : AMANA_ERR_VAULT_MANIFEST;
	}
	if (ea != AMANA_OK) {
		v->m = b; /* primary damaged: the replica is at most one change older */
		v->repaired = 1;
		if (vault_write_manifest(v->dirfd, s->vault_id, v->k, &v->m) != AMANA_OK) {
			/* repaired at a later open */
		}
	} else if (eb != AMANA_OK || b.generation != v->m.generation) {
		/* an interrupted or failed commit left the replica behind */
		vbuf_t body = {0};
		if (manifest_serialize(&v->m, &body) == AMANA_OK)
			if (write_copy(v->dirfd, s->vault_id, v->k, &body, 1) != AMANA_OK) {
				/* repaired at a later open */
			}
		vbuf_wipe(&body);
	}
	if (ea == AMANA_OK && eb == AMANA_OK)
		manifest_clear(&b);
	vault_cleanup(v);
	*out = v;
	return AMANA_OK;
}

void amana_vault_free(amana_vault_t **pv)
{
	if (pv == NULL || *pv == NULL)
		return;
	amana_vault_t *v = *pv;
	manifest_clear(&v->m);
	if (v->k != NULL)
		sodium_free(v->k);
	if (v->dirfd >= 0)
		close(v->dirfd);
	free(v->dir);
	sodium_free(v);
	*pv = NULL;
}

int amana_vault_repaired(const amana_vault_t *v)
{
	return v->repaired;
}

unsigned amana_vault_slot_opened(const amana_vault_t *v)
{
	return v->opened_slot;
}

int amana_vault_open(const char *dir, amana_vault_method_t method, const uint8_t *secret,
    size_t secret_len, amana_vault_t **out)
{
	slots_t s;
	slot_kek_cache_t *cache = NULL;
	uint8_t kek[32], type = 0;
	int err = AMANA_ERR_VAULT_SECRET;
	*out = NULL;
	if (dir == NULL || (secret == NULL && secret_len > 0) || sodium_init() < 0)
		return AMANA_ERR_ARG;
	uint8_t *key = sodium_malloc(32);
	if (key == NULL)
		return AMANA_ERR_NOMEM;
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		sodium_free(key);
		return errno == ENOENT || errno == ENOTDIR ? AMANA_ERR_VAULT_NOT_VAULT : AMANA_ERR_IO;
	}
	int e = slots_load(dirfd, &s);
	if (e != AMANA_OK) {
		err = e;
		goto out;
	}
	for (unsigned i = 0; i < AMANA_VAULT_NSLOTS; i++) {
		e = slot_kek(&s, i, method, secret, secret_len, &cache, kek);
		if (e == AMANA_ERR_ARG) {
			err = e;
			break;
		}
		/* Parameters this build refuses, or too big for this machine: not
		 * a way in, but no reason to give up on the other entries (a
		 * forged entry must not lock the worker out). */
		if (e != AMANA_OK) {
			if (e == AMANA_ERR_NOMEM)
				err = e; /* reported if nothing else opens */
			continue;
		}
		if (slots_unwrap(&s, i, kek, &type, key) == AMANA_OK && type == (uint8_t)method) {
			err = vault_open_key(dirfd, dir, &s, key, i, out);
			break;
		}
	}
out:
	sodium_memzero(kek, sizeof(kek));
	slot_kek_cache_free(&cache);
	sodium_free(key);
	close(dirfd);
	return err;
}

int amana_vault_open_decoy(amana_vault_t *v, amana_vault_t **out)
{
	*out = NULL;
	if (!v->m.has_decoy)
		return AMANA_ERR_STATE;
	return vault_open_key(v->dirfd, v->dir, &v->slots, v->m.decoy_key, AMANA_VAULT_NSLOTS, out);
}

int amana_vault_id(const char *dir, uint8_t id[16])
{
	slots_t s;
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return AMANA_ERR_VAULT_NOT_VAULT;
	int err = slots_load(dirfd, &s);
	close(dirfd);
	if (err == AMANA_OK)
		memcpy(id, s.vault_id, 16);
	return err;
}

void amana_vault_session_export(const amana_vault_t *v, uint8_t key[32], unsigned *slot)
{
	memcpy(key, v->k->key, 32);
	*slot = v->opened_slot;
}

int amana_vault_open_session(const char *dir, const uint8_t key[32], unsigned slot,
    amana_vault_t **out)
{
	slots_t s;
	*out = NULL;
	if (dir == NULL || key == NULL || slot > AMANA_VAULT_NSLOTS || sodium_init() < 0)
		return AMANA_ERR_ARG;
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return AMANA_ERR_VAULT_NOT_VAULT;
	int err = slots_load(dirfd, &s);
	if (err == AMANA_OK)
		err = vault_open_key(dirfd, dir, &s, key, slot, out);
	close(dirfd);
	return err == AMANA_ERR_VAULT_MANIFEST ? AMANA_ERR_VAULT_SECRET : err;
}
