/* create.c: a new vault (docs/0500-vault-format.md): the slot file with a
 * passphrase entry (and a recovery entry), a real compartment and a decoy
 * compartment, so that every vault has the same shape on disk whether or
 * not a duress passphrase is ever added. The slot file is written last: a
 * directory is a vault once it exists. Also the token challenge, which
 * reads only public data of the slot file. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "vault_int.h"

int amana_vault_token_challenge(const char *dir, amana_vault_token_challenge_t *out)
{
	slots_t s;
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return AMANA_ERR_VAULT_NOT_VAULT;
	int err = slots_load(dirfd, &s);
	close(dirfd);
	if (err != AMANA_OK)
		return err;
	memcpy(out->salt, s.token_salt, sizeof(out->salt));
	for (unsigned i = 0; i < AMANA_VAULT_NSLOTS; i++) {
		memcpy(out->ids[i], s.ent[i].credid, AMANA_VAULT_CREDID_MAX);
		out->id_len[i] = s.ent[i].credid_len;
	}
	return AMANA_OK;
}

int amana_vault_create(const char *dir, const uint8_t *pass, size_t passlen,
    const amana_vault_kdf_t *kdf, uint8_t recovery_out[32])
{
	amana_vault_kdf_t d = amana_vault_kdf_default();
	uint32_t ops, mem;
	slots_t s;
	uint8_t kek[32];
	int err;
	if (dir == NULL || pass == NULL || sodium_init() < 0)
		return AMANA_ERR_ARG;
	if ((err = slot_kdf_check(kdf != NULL ? kdf : &d, &ops, &mem)))
		return err;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return AMANA_ERR_IO;
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return AMANA_ERR_IO;
	struct stat st;
	if (fstatat(dirfd, SLOTS_FILE, &st, 0) == 0) {
		close(dirfd);
		return AMANA_ERR_EXISTS;
	}
	vkeys_t *real = sodium_malloc(sizeof(vkeys_t)), *decoy = sodium_malloc(sizeof(vkeys_t));
	manifest_t rm = {0}, dm = {0};
	if (real == NULL || decoy == NULL) {
		err = AMANA_ERR_NOMEM;
		goto out;
	}
	randombytes_buf(real->key, 32);
	randombytes_buf(decoy->key, 32);
	vkeys_derive(real);
	vkeys_derive(decoy);
	slots_init(&s, ops, mem);
	uint64_t now = (uint64_t)time(NULL);
	rm.generation = dm.generation = 1;
	rm.has_decoy = 1;
	memcpy(rm.decoy_key, decoy->key, 32);
	rm.slot[0] = (man_slot_t){AMANA_VAULT_SLOT_PASSPHRASE, now, ops, mem};
	dm.slot[0].state = AMANA_VAULT_SLOT_HIDDEN;
	err = slot_kek(&s, 0, AMANA_VAULT_PASSPHRASE, pass, passlen, NULL, kek);
	if (err == AMANA_OK)
		err = slots_wrap(&s, 0, kek, AMANA_VAULT_PASSPHRASE, real->key);
	if (err == AMANA_OK && recovery_out != NULL) {
		randombytes_buf(recovery_out, 32);
		rm.slot[1] = (man_slot_t){AMANA_VAULT_SLOT_RECOVERY, now, 0, 0};
		dm.slot[1].state = AMANA_VAULT_SLOT_HIDDEN;
		err = slot_kek(&s, 1, AMANA_VAULT_RECOVERY, recovery_out, 32, NULL, kek);
		if (err == AMANA_OK)
			err = slots_wrap(&s, 1, kek, AMANA_VAULT_RECOVERY, real->key);
	}
	sodium_memzero(kek, sizeof(kek));
	if (err == AMANA_OK)
		err = vault_write_manifest(dirfd, s.vault_id, decoy, &dm);
	if (err == AMANA_OK)
		err = vault_write_manifest(dirfd, s.vault_id, real, &rm);
	if (err == AMANA_OK) /* last: a vault exists once its slot file does */
		err = slots_store(dirfd, &s);
out:
	sodium_memzero(&rm, sizeof(rm));
	sodium_memzero(&dm, sizeof(dm));
	if (real != NULL)
		sodium_free(real);
	if (decoy != NULL)
		sodium_free(decoy);
	close(dirfd);
	if (err != AMANA_OK && recovery_out != NULL)
		sodium_memzero(recovery_out, 32);
	return err;
}

#ifdef AMANA_VAULT_TESTING
#include "vault_test.h"
void amana_vault_test_key(const amana_vault_t *v, uint8_t key[32])
{
	memcpy(key, v->k->key, 32);
}
#endif
