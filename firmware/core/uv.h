/*
 * uv.h: the seam between the CTAP2 core (firmware A) and built-in user
 * verification and biometric enrolment (firmware B: bio*.c, uv.c, face*.c).
 *
 * Until firmware B's uv.c lands, uv_absent.c implements this header as a
 * token without a sensor: UV not supported, nothing enrolled, every bio
 * command CTAP1_ERR_INVALID_COMMAND.
 *
 * Return values are CTAP status codes (ctap.h: 0 = CTAP2_OK), since they go
 * straight into a CTAP response. State: in t->bio_state (TOKEN_BIO_STATE_SIZE
 * bytes, opaque to the core) and in the store under the STORE_KEY_BIO_*,
 * STORE_KEY_FACE_* and STORE_KEY_UV_* keys. References never leave the token.
 */
#ifndef TOKEN_UV_H
#define TOKEN_UV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "token.h"

/* Called at the end of token_init (after the store is mounted). */
void token_uv_init(token_t *t);

/* Called after authenticatorReset wiped the store. */
void token_uv_on_reset(token_t *t);

/* Called when a correct PIN was presented (clientPIN changePIN or
 * getPinUvAuthTokenUsingPin...): UV blocked by retries opens again. */
void token_uv_pin_ok(token_t *t);

/* True when the token has a built-in UV method (a sensor), enrolled or not:
 * getInfo then carries options "uv" and "bioEnroll". */
bool token_uv_supported(const token_t *t);

/* True when at least one reference (finger or face) is enrolled. */
bool token_uv_enrolled(const token_t *t);

/* True when at least one finger is enrolled: getInfo's "bioEnroll" speaks of
 * authenticatorBioEnrollment, which enrols fingers only (docs/0653). */
bool token_uv_fingers_enrolled(const token_t *t);

/* uvModality for getInfo (FIDO registry USER_VERIFY_* bits), 0 if none. */
uint32_t token_uv_modality(const token_t *t);

/* UV retries left (getUVRetries). */
uint8_t token_uv_retries(const token_t *t);

/* Performs built-in UV: takes the sensor's pending probe and compares it
 * with the enrolled references (any modality). On success *modality gets
 * the modality that matched. Returns 0 on a match; CTAP2_ERR_UV_INVALID on
 * a mismatch (after the retry counter went down and was stored);
 * CTAP2_ERR_UV_BLOCKED when no retries are left; CTAP2_ERR_NOT_ALLOWED when
 * nothing is enrolled; CTAP2_ERR_USER_ACTION_TIMEOUT when no sample came;
 * CTAP2_ERR_KEEPALIVE_CANCEL when the host cancelled the wait
 * (token_cancelled(t) true after sensor_take gave up). */
int token_uv_verify(token_t *t, uint8_t *modality);

/* authenticatorBioEnrollment (0x09) and its prototype (0x40): req is the
 * CBOR parameter map after the command byte, resp receives the CBOR
 * response map (may be empty, *resp_len = 0). Returns a CTAP status. */
int token_bio_command(token_t *t, uint8_t cmd, const uint8_t *req, size_t len,
    uint8_t *resp, size_t cap, size_t *resp_len);

/* Vendor command for face enrolment and removal (CTAP command byte
 * TOKEN_CMD_VENDOR_FACE, 0x50): same conventions as token_bio_command;
 * the format is firmware B's and documented in their docs/ file. */
int token_face_command(token_t *t, const uint8_t *req, size_t len,
    uint8_t *resp, size_t cap, size_t *resp_len);

#endif /* TOKEN_UV_H */
