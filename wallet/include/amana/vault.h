/*
 * amana/vault.h: the worker's encrypted, crash-safe store of documents,
 * credentials, device keys and settings (docs/0500-vault-format.md).
 *
 * A vault is one directory: a key slot file ("slots") and objects with random
 * names, each padded to a size bucket. The directory always holds two
 * compartments (the real vault and a decoy) that look alike on disk; which
 * one a secret opens depends only on which key slot it unwraps.
 *
 * Every mutating call is a transaction: new objects are written and fsynced,
 * then the manifest is replaced atomically (temp, fsync, rename, fsync dir,
 * twice: a primary and a replica), then unreferenced objects are removed. A
 * crash leaves the old or the new state; leftovers are removed at the next
 * open.
 *
 * Secrets: the vault key lives in sodium_malloc'd memory and is wiped by
 * amana_vault_free(). Returned record bytes are sodium_malloc'd too; release
 * them with amana_vault_secret_free().
 *
 * Not thread-safe: one handle per thread. One handle per directory at a
 * time, across processes: a handle holds an exclusive flock on the
 * directory from open to free (the decoy handle opened from it shares it).
 */
#ifndef AMANA_VAULT_H
#define AMANA_VAULT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "amana/err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMANA_VAULT_WUR __attribute__((warn_unused_result))

#define AMANA_VAULT_KEY_LEN 32u       /* vault key, recovery key, token secret */
#define AMANA_VAULT_NSLOTS 8u         /* fixed number of key slot entries */
#define AMANA_VAULT_CREDID_MAX 128u   /* longest FIDO2 credential id kept */
#define AMANA_VAULT_TOKEN_SALT_LEN 32u
#define AMANA_VAULT_DOC_MAX (256ull * 1024u * 1024u) /* per document */
#define AMANA_VAULT_RECORD_MAX (1024u * 1024u)        /* per record */
#define AMANA_VAULT_STR_MAX 1024u     /* each metadata string */
#define AMANA_VAULT_WORDS 22u         /* recovery key as words */
#define AMANA_VAULT_WORDS_STRLEN 256u /* buffer for the words, NUL included */

typedef struct amana_vault amana_vault_t;

/* Argon2id parameters of a passphrase slot (stored in the slot). */
typedef struct amana_vault_kdf {
	uint64_t opslimit;
	size_t memlimit; /* bytes; a multiple of 1 KiB */
} amana_vault_kdf_t;

/* The default: libsodium's MODERATE limits (3 passes, 256 MiB). Nothing
 * weaker is accepted outside the test build. */
amana_vault_kdf_t amana_vault_kdf_default(void);

/* How a vault is opened. */
typedef enum amana_vault_method {
	AMANA_VAULT_PASSPHRASE = 1, /* secret: the passphrase bytes */
	AMANA_VAULT_RECOVERY = 2,   /* secret: the 32-byte recovery key */
	AMANA_VAULT_TOKEN = 3       /* secret: the token's 32-byte hmac-secret */
} amana_vault_method_t;

/* What a key slot is, as the opened compartment sees it. */
typedef enum amana_vault_slot_type {
	AMANA_VAULT_SLOT_FREE = 0,
	AMANA_VAULT_SLOT_PASSPHRASE = 1,
	AMANA_VAULT_SLOT_RECOVERY = 2,
	AMANA_VAULT_SLOT_TOKEN = 3,
	AMANA_VAULT_SLOT_DURESS = 4,  /* a passphrase opening this vault's decoy */
	AMANA_VAULT_SLOT_HIDDEN = 5   /* used by another compartment: not shown */
} amana_vault_slot_type_t;

/* Creates a vault in dir (created if missing, must be empty) with a
 * passphrase slot, and a recovery slot when recovery_out is not NULL (the
 * key is written there: show it once, then wipe it). kdf NULL: default. */
int amana_vault_create(const char *dir, const uint8_t *pass, size_t passlen,
    const amana_vault_kdf_t *kdf, uint8_t recovery_out[32]) AMANA_VAULT_WUR;

/* Opens the compartment whose key slot the secret unwraps. Errors:
 * AMANA_ERR_VAULT_NOT_VAULT, _SLOTS (slot file corrupt), _SECRET (no slot
 * opens), _MANIFEST (both manifest copies corrupt), _BUSY (another handle,
 * in this or another process, still has the directory after about 3 s). An
 * interrupted change is cleaned up here. */
int amana_vault_open(const char *dir, amana_vault_method_t method,
    const uint8_t *secret, size_t secret_len, amana_vault_t **out) AMANA_VAULT_WUR;

/* Opens the decoy compartment of an opened real vault (to fill it with
 * plausible content). AMANA_ERR_STATE if v has no decoy. */
int amana_vault_open_decoy(amana_vault_t *v, amana_vault_t **out) AMANA_VAULT_WUR;

void amana_vault_free(amana_vault_t **v);

/* ---- sessions: keeping a compartment key between commands
 * A program that wants to stay unlocked for a while (amana vault unlock)
 * exports the opened compartment's key to a short-lived OS store (the
 * kernel keyring, with a timeout) and later opens with it. Never write it
 * to a file. */

/* The vault id (public, from the slot file) naming a session. */
int amana_vault_id(const char *dir, uint8_t id[16]) AMANA_VAULT_WUR;
/* The opened compartment's key and the slot that opened it. */
void amana_vault_session_export(const amana_vault_t *v, uint8_t key[32], unsigned *slot);
/* Opens with an exported key; AMANA_ERR_VAULT_SECRET if it does not open
 * this vault (or both manifest copies are damaged). */
int amana_vault_open_session(const char *dir, const uint8_t key[32], unsigned slot,
    amana_vault_t **out) AMANA_VAULT_WUR;

/* 1 when the last open found the primary manifest corrupt and repaired it
 * from the replica (one change may have been lost). */
int amana_vault_repaired(const amana_vault_t *v);

/* ---- documents and records */

typedef enum amana_vault_type {
	AMANA_VAULT_DOCUMENT = 1, /* any file, streamed in chunks */
	AMANA_VAULT_RECORD = 2    /* small blob: credential, device key, setting */
} amana_vault_type_t;

/* Document metadata; NULL fields are stored as empty strings. */
typedef struct amana_vault_meta {
	const char *kind;    /* passport, visa, permit, contract, ... */
	const char *number;
	const char *country; /* issuing country */
	const char *expiry;  /* as written on the document */
	const char *notes;
} amana_vault_meta_t;

/* One entry as listed; strings are lent until the next change or free. */
typedef struct amana_vault_entry {
	amana_vault_type_t type;
	const char *name;    /* unique among entries of the vault */
	uint64_t size;       /* plaintext bytes */
	uint64_t added;      /* unix seconds */
	amana_vault_meta_t meta; /* records: kind only */
} amana_vault_entry_t;

size_t amana_vault_count(const amana_vault_t *v);
int amana_vault_entry(const amana_vault_t *v, size_t i, amana_vault_entry_t *out) AMANA_VAULT_WUR;
/* Index of the entry named name, or AMANA_ERR_VAULT_NAME. */
int amana_vault_find(const amana_vault_t *v, const char *name) AMANA_VAULT_WUR;

/* Adds a document read from fd until end of file (memory stays constant:
 * one 64 KiB chunk). AMANA_ERR_EXISTS if the name is taken. */
int amana_vault_doc_add(amana_vault_t *v, const char *name,
    const amana_vault_meta_t *meta, int fd) AMANA_VAULT_WUR;

/* Writes the document's plaintext to fd. On AMANA_ERR_VAULT_OBJECT a
 * prefix may already be written: write to a temporary file. */
int amana_vault_doc_get(amana_vault_t *v, const char *name, int fd) AMANA_VAULT_WUR;

/* Stores bytes as a record of the given kind (e.g. "device-key",
 * "credential", "setting") under name, replacing a record of that name. */
int amana_vault_put_record(amana_vault_t *v, const char *kind, const char *name,
    const uint8_t *data, size_t len) AMANA_VAULT_WUR;

/* Reads a record; *data is sodium_malloc'd: amana_vault_secret_free() it.
 * kind may be NULL (any kind). */
int amana_vault_get_record(amana_vault_t *v, const char *kind, const char *name,
    uint8_t **data, size_t *len) AMANA_VAULT_WUR;

void amana_vault_secret_free(uint8_t **data, size_t len);

/* Removes a document or record. */
int amana_vault_rm(amana_vault_t *v, const char *name) AMANA_VAULT_WUR;

/* Reads and authenticates every object; calls bad(name, err, ctx) for each
 * one that fails and returns the number of bad objects (or an error). */
int amana_vault_check(amana_vault_t *v,
    void (*bad)(const char *name, int err, void *ctx), void *ctx) AMANA_VAULT_WUR;

/* ---- key slots (adding or removing one never re-encrypts documents) */

typedef struct amana_vault_slot_info {
	amana_vault_slot_type_t type;
	uint64_t created;   /* unix seconds */
	amana_vault_kdf_t kdf; /* passphrase and duress slots */
} amana_vault_slot_info_t;

int amana_vault_slot_info(const amana_vault_t *v, unsigned idx,
    amana_vault_slot_info_t *out) AMANA_VAULT_WUR;
/* The slot that opened v (idx into the table). */
unsigned amana_vault_slot_opened(const amana_vault_t *v);

/* Adds a slot; *idx_out receives its index (may be NULL). The secret must
 * not already open a slot (AMANA_ERR_VAULT_SAME_SECRET). */
int amana_vault_slot_add_passphrase(amana_vault_t *v, const uint8_t *pass,
    size_t passlen, const amana_vault_kdf_t *kdf, unsigned *idx_out) AMANA_VAULT_WUR;
/* Generates a recovery key into key_out and adds its slot. */
int amana_vault_slot_add_recovery(amana_vault_t *v, uint8_t key_out[32],
    unsigned *idx_out) AMANA_VAULT_WUR;
/* A duress passphrase opening the decoy compartment (created if missing). */
int amana_vault_slot_add_duress(amana_vault_t *v, const uint8_t *pass,
    size_t passlen, const amana_vault_kdf_t *kdf, unsigned *idx_out) AMANA_VAULT_WUR;
/* A token slot: hmac is the hmac-secret the token returned for the vault's
 * token salt (amana_vault_token_salt) and credential credid. */
int amana_vault_slot_add_token(amana_vault_t *v, const uint8_t *credid,
    size_t credid_len, const uint8_t hmac[32], unsigned *idx_out) AMANA_VAULT_WUR;
/* Removes slot idx (never the last slot that opens this compartment). */
int amana_vault_slot_remove(amana_vault_t *v, unsigned idx) AMANA_VAULT_WUR;
/* Replaces the passphrase of passphrase/duress slot idx in place. */
int amana_vault_passwd(amana_vault_t *v, unsigned idx, const uint8_t *pass,
    size_t passlen, const amana_vault_kdf_t *kdf) AMANA_VAULT_WUR;

/* Token unlock, step one (no secret needed): the hmac-secret salt and the
 * candidate credential ids of every slot entry (unused entries hold random
 * ids the token will not recognise). ids[i] points into a buffer of
 * AMANA_VAULT_NSLOTS * AMANA_VAULT_CREDID_MAX bytes. */
typedef struct amana_vault_token_challenge {
	uint8_t salt[AMANA_VAULT_TOKEN_SALT_LEN];
	uint8_t ids[AMANA_VAULT_NSLOTS][AMANA_VAULT_CREDID_MAX];
	size_t id_len[AMANA_VAULT_NSLOTS];
} amana_vault_token_challenge_t;

int amana_vault_token_challenge(const char *dir,
    amana_vault_token_challenge_t *out) AMANA_VAULT_WUR;

/* ---- the token slot (libamana-vault-token; links libfido2 via amana/fido.h)
 * token: the token's socket path (amana-token, or the QEMU image's UART).
 * pin: the token's clientPIN as the UV fallback, or NULL to ask the token
 * for its own user verification (fingerprint or face match). The assertion
 * must carry the UV flag. Errors: AMANA_ERR_VAULT_TOKEN (the token holds no
 * credential of this vault: wrong token), AMANA_ERR_DENIED (wrong PIN, UV
 * failed or blocked), AMANA_ERR_TOKEN_* (transport). */

/* Makes a credential (hmac-secret, credProtect UV-required) on the token and
 * adds a token slot for it. */
int amana_vault_token_enrol(amana_vault_t *v, const char *token, const char *pin,
    unsigned *idx_out) AMANA_VAULT_WUR;
/* Unlocks with the token: one getAssertion with UV over every entry's id. */
int amana_vault_token_open(const char *dir, const char *token, const char *pin,
    amana_vault_t **out) AMANA_VAULT_WUR;

/* ---- recovery key as words and QR code */

/* Encodes the 32-byte key as AMANA_VAULT_WORDS words from a generated
 * 4,096-word list (12 bits each; the last word carries an 8-bit checksum),
 * separated by single spaces. out must hold AMANA_VAULT_WORDS_STRLEN. */
void amana_vault_words_encode(const uint8_t key[32], char out[AMANA_VAULT_WORDS_STRLEN]);
/* Decodes words (any whitespace, case-insensitive). AMANA_ERR_VAULT_WORDS on
 * an unknown word, a wrong count or a checksum mismatch. */
int amana_vault_words_decode(const char *words, uint8_t key[32]) AMANA_VAULT_WUR;

/* Writes text as a QR code: to f with terminal block characters, or as a
 * PNG file (scale pixels per module). */
int amana_vault_qr_print(const char *text, FILE *f) AMANA_VAULT_WUR;
int amana_vault_qr_png(const char *text, const char *path, unsigned scale) AMANA_VAULT_WUR;

#ifdef __cplusplus
}
#endif
#endif /* AMANA_VAULT_H */
