/* fido_util.h: small libfido2 helpers shared by the token tests. */
#ifndef AMANA_TEST_FIDO_UTIL_H
#define AMANA_TEST_FIDO_UTIL_H

#include <fido.h>
#include <fido/es256.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEST_RP "wallet.amana.example"

/* Opens the token at sock through amana's transport (NULL on failure). */
fido_dev_t *tf_open(const char *sock);
void tf_close(fido_dev_t **dev);

/* makeCredential: rk, hmac-secret, credProtect level (0 = none), pin
 * (NULL = none). Returns the libfido2 status; *out the credential. */
int tf_make_cred(fido_dev_t *dev, const char *user, bool rk, bool hmac,
    int prot, const char *pin, fido_cred_t **out);

/* getAssertion for the credential (or discoverable when cred is NULL),
 * optional salt (32 or 64 bytes) and pin; verifies the signature with the
 * credential's public key when cred is given. */
int tf_get_assert(fido_dev_t *dev, const fido_cred_t *cred, const uint8_t *salt,
    size_t salt_len, const char *pin, fido_assert_t **out);

/* Verifies assertion i of a with cred's ES256 public key (libcrypto). */
int tf_verify(const fido_assert_t *a, size_t i, const fido_cred_t *cred);

#endif
