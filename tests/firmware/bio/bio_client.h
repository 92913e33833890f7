/*
 * bio_client.h: what the bio tests need beyond libfido2's public API,
 * over amana's raw CTAPHID channel: a PIN/UV auth protocol 2 client
 * (getKeyAgreement, ECDH, HKDF, getPinUvAuthTokenUsingPinWithPermissions)
 * written with libcrypto, so that the face vendor command (which libfido2
 * cannot send) is authenticated exactly as a platform would; and a few
 * canonical-CBOR helpers. Every raw response is appended to a log that the
 * tests scan for template bytes.
 */
#ifndef AMANA_TEST_BIO_CLIENT_H
#define AMANA_TEST_BIO_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "amana/fido.h"

/* A tiny canonical CBOR writer for requests. */
typedef struct bc_buf {
	uint8_t b[1024];
	size_t n;
} bc_buf_t;
void bc_head(bc_buf_t *w, uint8_t major, uint64_t v);
void bc_uint(bc_buf_t *w, uint64_t v);
void bc_bytes(bc_buf_t *w, const uint8_t *p, size_t n);
void bc_text(bc_buf_t *w, const char *s);
void bc_raw(bc_buf_t *w, const uint8_t *p, size_t n);

typedef struct bio_client {
	amana_ctaphid_t *h;
	uint8_t token[32];  /* pinUvAuthToken */
	bool have_token;
	uint8_t log[65536]; /* every raw response, back to back */
	size_t log_len;
} bio_client_t;

/* Connects to the token's socket. */
int bc_open(bio_client_t *c, const char *sock);
void bc_close(bio_client_t *c);

/* ctap_cmd + CBOR request; *status and the CBOR response (logged). */
int bc_cmd(bio_client_t *c, uint8_t ctap_cmd, const bc_buf_t *req,
    uint8_t *status, uint8_t *resp, size_t cap, size_t *resp_len);

/* Gets a pinUvAuthToken with the given permissions using pin (protocol 2).
 * Returns the CTAP status (0 on success). */
int bc_get_token(bio_client_t *c, const char *pin, uint8_t permissions);

/* The token's face vendor command (TOKEN_CMD_VENDOR_FACE, docs/0653). */
#define BC_CMD_FACE 0x50

/* A bioEnrollment-shaped command (cmd 0x40/0x09 or the face vendor command
 * BC_CMD_FACE): {1: modality, 2: sub, [3: params], 4: 2, 5: auth} where auth =
 * HMAC-SHA-256(token, modality || sub || params) when with_auth. */
int bc_bio(bio_client_t *c, uint8_t cmd, uint8_t modality, uint8_t sub,
    const bc_buf_t *params, bool with_auth, uint8_t *status, uint8_t *resp,
    size_t cap, size_t *resp_len);

/* Response parsing with libcbor (tests only): the item for integer key k
 * of a map, or NULL. */
struct cbor_item_t;
struct cbor_item_t *bc_map_find(struct cbor_item_t *map, uint64_t k);

/* True when haystack contains any window of w bytes of needle. */
bool bc_contains_window(const uint8_t *hay, size_t hay_len,
    const uint8_t *needle, size_t needle_len, size_t w);

#endif
