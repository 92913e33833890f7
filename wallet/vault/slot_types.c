/* slot_types.c: how each unlock method turns its secret into the key that
 * wraps a slot entry (KEK). One small module per method; adding a method is
 * one row in slot_types[] and one derive function.
 *
 * All methods end the same way: KEK = BLAKE2b-256(key = base, "amana-vault-"
 * label | entry salt), so a KEK is unique to an entry and to a method. The
 * base differs:
 *   passphrase  Argon2id(passphrase, vault kdf_salt, entry ops/mem): the one
 *               expensive step, cached per parameter set during an unlock;
 *   recovery    the 32-byte recovery key itself (uniformly random);
 *   token       the token's hmac-secret output for the vault's token salt
 *               (computed by the token after user verification). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "vault_int.h"

typedef struct slot_type {
	amana_vault_method_t method;
	const char *label;
	/* base (32 bytes) from the secret; ent gives per-entry parameters */
	int (*base)(const slots_t *s, const slot_ent_t *ent, const uint8_t *secret,
	    size_t len, uint8_t base[32]);
} slot_type_t;

#define KEK_CACHE_N AMANA_VAULT_NSLOTS
struct slot_kek_cache {
	uint32_t ops[KEK_CACHE_N], mem[KEK_CACHE_N];
	uint8_t base[KEK_CACHE_N][32];
	unsigned n;
};

int slot_kdf_check(const amana_vault_kdf_t *kdf, uint32_t *ops, uint32_t *mem_kib)
{
	uint64_t min_ops = crypto_pwhash_OPSLIMIT_MODERATE;
	size_t min_mem = crypto_pwhash_MEMLIMIT_MODERATE;
#ifdef AMANA_VAULT_TESTING
	min_ops = crypto_pwhash_OPSLIMIT_MIN;
	min_mem = 8192;
#endif
	if (kdf->opslimit < min_ops || kdf->memlimit < min_mem)
		return AMANA_ERR_VAULT_WEAK_KDF;
	if (kdf->opslimit > VAULT_KDF_OPS_MAX || kdf->memlimit / 1024u > VAULT_KDF_MEM_KIB_MAX ||
	    kdf->memlimit % 1024u != 0)
		return AMANA_ERR_RANGE;
	*ops = (uint32_t)kdf->opslimit;
	*mem_kib = (uint32_t)(kdf->memlimit / 1024u);
	return AMANA_OK;
}

static int base_passphrase(const slots_t *s, const slot_ent_t *ent, const uint8_t *secret,
    size_t len, uint8_t base[32])
{
	amana_vault_kdf_t kdf = {ent->ops, (size_t)ent->mem_kib * 1024u};
	uint32_t o, m;
	/* Parameters come from the file: refuse ones below the floor (they could
	 * only be a forgery) or so high that trying them is a denial of service. */
	if (slot_kdf_check(&kdf, &o, &m) != AMANA_OK)
		return AMANA_ERR_VAULT_SLOTS;
	if (crypto_pwhash(base, 32, (const char *)secret, len, s->kdf_salt, kdf.opslimit,
	        kdf.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return AMANA_ERR_NOMEM;
	return AMANA_OK;
}

static int base_key32(const slots_t *s, const slot_ent_t *ent, const uint8_t *secret,
    size_t len, uint8_t base[32])
{
	(void)s;
	(void)ent;
	if (len != AMANA_VAULT_KEY_LEN)
		return AMANA_ERR_ARG;
	memcpy(base, secret, 32);
	return AMANA_OK;
}

static const slot_type_t slot_types[] = {
	{AMANA_VAULT_PASSPHRASE, "pass", base_passphrase},
	{AMANA_VAULT_RECOVERY, "reco", base_key32},
	{AMANA_VAULT_TOKEN, "tokn", base_key32},
};

static const slot_type_t *type_of(amana_vault_method_t m)
{
	for (size_t i = 0; i < sizeof(slot_types) / sizeof(slot_types[0]); i++)
		if (slot_types[i].method == m)
			return &slot_types[i];
	return NULL;
}

void slot_kek_cache_free(slot_kek_cache_t **cache)
{
	if (cache == NULL || *cache == NULL)
		return;
	sodium_free(*cache);
	*cache = NULL;
}

int slot_kek(const slots_t *s, unsigned idx, amana_vault_method_t method,
    const uint8_t *secret, size_t len, slot_kek_cache_t **cache, uint8_t kek[32])
{
	const slot_type_t *t = type_of(method);
	uint8_t *base = NULL;
	int err;
	if (t == NULL || idx >= AMANA_VAULT_NSLOTS || (secret == NULL && len > 0))
		return AMANA_ERR_ARG;
	const slot_ent_t *ent = &s->ent[idx];
	bool cacheable = method == AMANA_VAULT_PASSPHRASE && cache != NULL;
	if (cacheable && *cache == NULL) {
		*cache = sodium_malloc(sizeof(**cache));
		if (*cache == NULL)
			return AMANA_ERR_NOMEM;
		(*cache)->n = 0;
	}
	if (cacheable)
		for (unsigned i = 0; i < (*cache)->n; i++)
			if ((*cache)->ops[i] == ent->ops && (*cache)->mem[i] == ent->mem_kib)
				base = (*cache)->base[i];
	uint8_t local[32];
	if (base == NULL) {
		base = local;
		err = t->base(s, ent, secret, len, base);
		if (err != AMANA_OK) {
			sodium_memzero(local, sizeof(local));
			return err;
		}
		if (cacheable && (*cache)->n < KEK_CACHE_N) {
			unsigned n = (*cache)->n++;
			(*cache)->ops[n] = ent->ops;
			(*cache)->mem[n] = ent->mem_kib;
			memcpy((*cache)->base[n], local, 32);
		}
	}
	uint8_t msg[12 + 4 + 16];
	memcpy(msg, "amana-vault-", 12);
	memcpy(msg + 12, t->label, 4);
	memcpy(msg + 16, ent->salt, 16);
	crypto_generichash(kek, 32, msg, sizeof(msg), base, 32);
	sodium_memzero(local, sizeof(local));
	return AMANA_OK;
}

amana_vault_kdf_t amana_vault_kdf_default(void)
{
	amana_vault_kdf_t k = {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
	return k;
}

#ifdef AMANA_VAULT_TESTING
#include "vault_test.h"
amana_vault_kdf_t amana_vault_test_kdf_fast(void)
{
	amana_vault_kdf_t k = {crypto_pwhash_OPSLIMIT_MIN, 8192};
	return k;
}
#endif
