/*
 * amana/holder.h: the worker's side of a presentation.
 *
 * Credentials come in as parsed amana_mdoc_t (amana/mdoc.h), from wherever
 * they are kept: the holder API works on bytes and never on files or the
 * vault. The device key is a libsodium Ed25519 secret key (64 bytes); the
 * caller wipes it.
 *
 * amana_holder_present answers a parsed request: for each requested
 * document it picks the credential of that docType bound to this device
 * key, discloses exactly the requested elements the credential holds (the
 * IssuerSignedItemBytes and issuerAuth copied byte for byte), and signs
 * DeviceAuthentication (EdDSA, detached payload) over the request's
 * SessionTranscript with empty DeviceNameSpaces. Consent is the caller's
 * business and comes first: show the worker the verifier's name, and for
 * each document the credential amana_holder_pick chooses and the requested
 * elements it holds (as `amana present` does), before presenting.
 */
#ifndef AMANA_HOLDER_H
#define AMANA_HOLDER_H

#include <stddef.h>
#include <stdint.h>

#include "amana/mdoc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The credential (index into creds) that answers document request doc of
 * req for this device key, or -1 (none). */
int amana_holder_pick(const amana_request_t *req, size_t doc,
    amana_mdoc_t *const *creds, size_t ncreds, const uint8_t device_pk[32]);

/* Writes a DeviceResponse; *out is malloc'ed. AMANA_ERR_MDOC_NO_CRED when
 * no credential answers any document request. */
int amana_holder_present(const amana_request_t *req, amana_mdoc_t *const *creds,
    size_t ncreds, const uint8_t device_sk[64], uint8_t **out, size_t *len) AMANA_WUR;

#ifdef __cplusplus
}
#endif
#endif /* AMANA_HOLDER_H */
