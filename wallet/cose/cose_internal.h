/* cose_internal.h: shared by the COSE files (not installed). */
#ifndef AMANA_COSE_INTERNAL_H
#define AMANA_COSE_INTERNAL_H

#include "amana/cose.h"

/* ES256: SHA-256 of msg, ECDSA P-256 over raw r || s (64 bytes). */
int amana_cose_es256_verify(const amana_cose_key_t *key, const uint8_t *msg,
    size_t len, const uint8_t sig[64]);

#endif
