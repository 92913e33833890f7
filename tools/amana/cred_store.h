/* cred_store.h: where `amana cred` and `amana present` keep the device key
 * and credentials (docs/0306-holder-in-vault.md).
 *
 * The vault (the default, documented path): --vault DIR, else
 * $AMANA_VAULT_DIR, else ~/.amana/vault when it is a vault. The device key
 * is the record "mdoc-device-key" (kind "device-key", 64-byte libsodium
 * Ed25519 secret key) and each credential a record "<docType>-<hash>" (kind
 * "credential"); both are encrypted by the vault and never written in
 * plaintext. The vault is opened with the unlock options of `amana vault`
 * (vault_unlock.h).
 *
 * The plain wallet directory (kept for the journeys that still unpack one
 * from the vault): --wallet DIR, else $AMANA_WALLET_DIR, else
 * ~/.amana/wallet: device.key (0600) and creds/<name>.mdoc.
 *
 * The credential API itself works on bytes; only this file knows either
 * layout. */
#ifndef AMANA_CRED_STORE_H
#define AMANA_CRED_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "amana/mdoc.h"
#include "vault_unlock.h"

#define CRED_STORE_MAX 32
#define CRED_STORE_NAME 64

/* Vault record names and kinds. */
#define CRED_STORE_KEY_NAME "mdoc-device-key"
#define CRED_STORE_KEY_KIND "device-key"
#define CRED_STORE_CRED_KIND "credential"

typedef struct cred_store cred_store_t;

/* Where the store is, as the command line gave it. */
typedef struct cred_store_where {
	const char *vault;   /* --vault DIR, or NULL */
	const char *wallet;  /* --wallet DIR, or NULL */
	vault_unlock_t unlock;
} cred_store_where_t;

void cred_store_where_init(cred_store_where_t *w);

/* Parses --vault DIR, --wallet DIR and the unlock options at argv[*i]:
 * like vault_unlock_arg (1 consumed, 0 not ours, CLI_EXIT_USAGE). */
int cred_store_arg(cred_store_where_t *w, int argc, char **argv, int *i);

/* Opens the store (unlocking a vault: AMANA_ERR_VAULT_SECRET and the other
 * vault errors come back unchanged). AMANA_ERR_ARG when both --vault and
 * --wallet are given or no location can be found. */
int cred_store_open(const cred_store_where_t *w, cred_store_t **out);
/* cred_store_open for a command: on failure prints why (a usage error for
 * conflicting options or no secret to unlock with) and returns the exit
 * code (a wrong secret: 1); CLI_EXIT_OK on success. */
int cred_store_open_cli(const cred_store_where_t *w, cred_store_t **out);
void cred_store_free(cred_store_t **s);

/* The store's directory, for messages; true when it is a vault. */
const char *cred_store_path(const cred_store_t *s);
bool cred_store_is_vault(const cred_store_t *s);

/* The device secret key into sk (AMANA_ERR_NOT_FOUND before keygen). */
int cred_store_device_key(cred_store_t *s, uint8_t sk[64]);
/* Creates the device key and returns its public half; AMANA_ERR_EXISTS if
 * the store has one. The secret exists only in guarded memory and, in the
 * vault, encrypted. */
int cred_store_keygen(cred_store_t *s, uint8_t pk[32]);
/* Keeps an existing device secret key (moving a wallet directory into a
 * vault): AMANA_OK if the store already holds this very key,
 * AMANA_ERR_EXISTS if it holds another one. */
int cred_store_keep_key(cred_store_t *s, const uint8_t sk[64]);
/* A wallet directory only: removes device.key, creds/<name>.mdoc of each
 * name and the then empty directories (after their move into a vault).
 * AMANA_ERR_STATE for a vault. */
int cred_store_wallet_erase(cred_store_t *s, char names[][CRED_STORE_NAME], size_t n);
/* Keeps a credential's bytes under name (replacing the same name). */
int cred_store_put(cred_store_t *s, const char *name, const uint8_t *buf, size_t len);
/* Loads every stored credential (parsed), sorted by name; names[i] is its
 * store name. A credential that no longer parses is skipped with a warning. */
int cred_store_load(cred_store_t *s, amana_mdoc_t **creds,
    char names[][CRED_STORE_NAME], size_t *n);
void cred_store_creds_free(amana_mdoc_t **creds, size_t n);

#endif
