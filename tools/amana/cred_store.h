/* cred_store.h: where `amana cred` and `amana present` keep the device key
 * and credentials until the vault holds them: a wallet directory
 * (--wallet DIR, else $AMANA_WALLET_DIR, else ~/.amana/wallet) with
 * device.key (64-byte Ed25519 secret, 0600) and creds/<name>.mdoc. The
 * credential API itself works on bytes, so moving to the vault changes
 * only this file's users' storage calls. */
#ifndef AMANA_CRED_STORE_H
#define AMANA_CRED_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "amana/mdoc.h"

#define CRED_STORE_MAX 32

/* The wallet directory for an optional --wallet value (out: 4096 bytes). */
int cred_store_dir(const char *arg, char *out, size_t cap);
/* Reads the device secret key (AMANA_ERR_NOT_FOUND before keygen). */
int cred_store_device_key(const char *dir, uint8_t sk[64]);
/* Loads every stored credential (parsed); names[i] is its file stem. */
int cred_store_load(const char *dir, amana_mdoc_t **creds,
    char names[][64], size_t *n);
void cred_store_free(amana_mdoc_t **creds, size_t n);

#endif
