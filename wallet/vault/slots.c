/* slots.c: the key slot file (docs/0500-vault-format.md).
 *
 *   header  "AMVAULT\1" | u32 version | u32 0 | vault_id[16] | kdf_salt[16]
 *           | token_salt[32]                                   (80 bytes)
 *   8 entries of 256 bytes: salt[16] | u32 ops | u32 mem_kib | u8 credid_len
 *           | credid[128] | nonce[24] | wrapped payload[64] | random[15]
 *   BLAKE2b-256 of all the above (detects a damaged file, keyless)
 *
 * Every entry has the same shape whether used or not: an unused entry is
 * random bytes with plausible parameters, so the file does not say how many
 * ways in there are, nor which one opens a decoy. The payload (type, 15 zero
 * bytes, the compartment key) is XChaCha20-Poly1305 under the slot's KEK with
 * the header, the entry index and the entry's clear fields as associated
 * data, so neither parameters nor entries can be moved around. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "vault_int.h"

static const uint8_t slots_magic[8] = {'A', 'M', 'V', 'A', 'U', 'L', 'T', 1};
#define SLOTS_VERSION 1u
#define ENT_CLEAR_LEN 153u /* salt .. credid: the part bound as AD */

void slots_ent_random(slot_ent_t *e, uint32_t ops, uint32_t mem_kib)
{
	randombytes_buf(e->salt, sizeof(e->salt));
	e->ops = ops;
	e->mem_kib = mem_kib;
	/* Credential ids of FIDO2 tokens run from 16 to a few hundred bytes. */
	e->credid_len = (uint8_t)(32u + randombytes_uniform(AMANA_VAULT_CREDID_MAX - 32u + 1u));
	randombytes_buf(e->credid, sizeof(e->credid));
	randombytes_buf(e->nonce, sizeof(e->nonce));
	randombytes_buf(e->ct, sizeof(e->ct));
	randombytes_buf(e->tail, sizeof(e->tail));
}

void slots_init(slots_t *s, uint32_t ops, uint32_t mem_kib)
{
	randombytes_buf(s->vault_id, sizeof(s->vault_id));
	randombytes_buf(s->kdf_salt, sizeof(s->kdf_salt));
	randombytes_buf(s->token_salt, sizeof(s->token_salt));
	for (unsigned i = 0; i < AMANA_VAULT_NSLOTS; i++)
		slots_ent_random(&s->ent[i], ops, mem_kib);
}

static void hdr_bytes(const slots_t *s, uint8_t out[SLOTS_HDR_LEN])
{
	memcpy(out, slots_magic, 8);
	vle32(out + 8, SLOTS_VERSION);
	vle32(out + 12, 0);
	memcpy(out + 16, s->vault_id, 16);
	memcpy(out + 32, s->kdf_salt, 16);
	memcpy(out + 48, s->token_salt, 32);
}

static void ent_bytes(const slot_ent_t *e, uint8_t out[SLOT_ENT_LEN])
{
	memcpy(out, e->salt, 16);
	vle32(out + 16, e->ops);
	vle32(out + 20, e->mem_kib);
	out[24] = e->credid_len;
	memcpy(out + 25, e->credid, AMANA_VAULT_CREDID_MAX);
	memcpy(out + 153, e->nonce, 24);
	memcpy(out + 177, e->ct, sizeof(e->ct));
	memcpy(out + 241, e->tail, sizeof(e->tail));
}

void slots_serialize(const slots_t *s, uint8_t out[SLOTS_FILE_LEN])
{
	hdr_bytes(s, out);
	for (unsigned i = 0; i < AMANA_VAULT_NSLOTS; i++)
		ent_bytes(&s->ent[i], out + SLOTS_HDR_LEN + i * SLOT_ENT_LEN);
	size_t body = SLOTS_FILE_LEN - 32u;
	crypto_generichash(out + body, 32, out, body, NULL, 0);
}

int slots_parse(const uint8_t *buf, size_t len, slots_t *s)
{
	uint8_t h[32];
	if (len != SLOTS_FILE_LEN)
		return AMANA_ERR_VAULT_SLOTS;
	if (memcmp(buf, slots_magic, 8) != 0)
		return AMANA_ERR_VAULT_NOT_VAULT;
	crypto_generichash(h, 32, buf, len - 32u, NULL, 0);
	if (sodium_memcmp(h, buf + len - 32u, 32) != 0)
		return AMANA_ERR_VAULT_SLOTS;
	if (vrd32(buf + 8) != SLOTS_VERSION)
		return AMANA_ERR_UNSUPPORTED;
	memcpy(s->vault_id, buf + 16, 16);
	memcpy(s->kdf_salt, buf + 32, 16);
	memcpy(s->token_salt, buf + 48, 32);
	for (unsigned i = 0; i < AMANA_VAULT_NSLOTS; i++) {
		const uint8_t *p = buf + SLOTS_HDR_LEN + i * SLOT_ENT_LEN;
		slot_ent_t *e = &s->ent[i];
		memcpy(e->salt, p, 16);
		e->ops = vrd32(p + 16);
		e->mem_kib = vrd32(p + 20);
		e->credid_len = p[24];
		if (e->credid_len > AMANA_VAULT_CREDID_MAX)
			return AMANA_ERR_VAULT_SLOTS;
		memcpy(e->credid, p + 25, AMANA_VAULT_CREDID_MAX);
		memcpy(e->nonce, p + 153, 24);
		memcpy(e->ct, p + 177, sizeof(e->ct));
		memcpy(e->tail, p + 241, sizeof(e->tail));
	}
	return AMANA_OK;
}

int slots_load(int dirfd, slots_t *s)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err = vio_read(dirfd, SLOTS_FILE, SLOTS_FILE_LEN, &buf, &len);
	if (err == AMANA_ERR_NOT_FOUND)
		return AMANA_ERR_VAULT_NOT_VAULT;
	if (err == AMANA_ERR_LIMIT)
		return AMANA_ERR_VAULT_SLOTS;
	if (err != AMANA_OK)
		return err;
	err = slots_parse(buf, len, s);
	free(buf);
	return err;
}

int slots_store(int dirfd, const slots_t *s)
{
	uint8_t buf[SLOTS_FILE_LEN];
	slots_serialize(s, buf);
	return vio_replace(dirfd, SLOTS_FILE, buf, sizeof(buf));
}

static void wrap_ad(const slots_t *s, unsigned idx, uint8_t ad[16 + SLOTS_HDR_LEN + 1 + ENT_CLEAR_LEN])
{
	uint8_t ent[SLOT_ENT_LEN];
	memcpy(ad, "amana-vault-slot", 16);
	hdr_bytes(s, ad + 16);
	ad[16 + SLOTS_HDR_LEN] = (uint8_t)idx;
	ent_bytes(&s->ent[idx], ent);
	memcpy(ad + 17 + SLOTS_HDR_LEN, ent, ENT_CLEAR_LEN);
}

int slots_wrap(slots_t *s, unsigned idx, const uint8_t kek[32], uint8_t type,
    const uint8_t key[32])
{
	uint8_t ad[16 + SLOTS_HDR_LEN + 1 + ENT_CLEAR_LEN];
	uint8_t pt[SLOT_PAYLOAD_LEN] = {0};
	if (idx >= AMANA_VAULT_NSLOTS)
		return AMANA_ERR_ARG;
	slot_ent_t *e = &s->ent[idx];
	pt[0] = type;
	memcpy(pt + 16, key, 32);
	randombytes_buf(e->nonce, sizeof(e->nonce));
	wrap_ad(s, idx, ad);
	crypto_aead_xchacha20poly1305_ietf_encrypt(e->ct, NULL, pt, sizeof(pt),
	    ad, sizeof(ad), NULL, e->nonce, kek);
	sodium_memzero(pt, sizeof(pt));
	return AMANA_OK;
}

int slots_unwrap(const slots_t *s, unsigned idx, const uint8_t kek[32],
    uint8_t *type, uint8_t key[32])
{
	uint8_t ad[16 + SLOTS_HDR_LEN + 1 + ENT_CLEAR_LEN];
	uint8_t pt[SLOT_PAYLOAD_LEN];
	static const uint8_t zero[15];
	if (idx >= AMANA_VAULT_NSLOTS)
		return AMANA_ERR_ARG;
	const slot_ent_t *e = &s->ent[idx];
	wrap_ad(s, idx, ad);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL, e->ct, sizeof(e->ct),
	        ad, sizeof(ad), e->nonce, kek) != 0)
		return AMANA_ERR_VERIFY;
	int err = AMANA_OK;
	if (sodium_memcmp(pt + 1, zero, sizeof(zero)) != 0 || pt[0] == 0 || pt[0] > 4)
		err = AMANA_ERR_VAULT_SLOTS;
	else {
		*type = pt[0];
		memcpy(key, pt + 16, 32);
	}
	sodium_memzero(pt, sizeof(pt));
	return err;
}
