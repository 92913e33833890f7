/*
 * amana/registry.h: the issuer's registry of issuances (docs/0701-issuer-
 * registry.md), in SQLite.
 *
 * One row per credential issued: which case (the NGO's own case reference
 * for the worker, not a name), which credential type, when, by which desk
 * operator and document signer, bound to which device key (its SHA-256),
 * the credential's digest, its validity, and its entry {uri, idx} in a
 * status list. The revocation bit itself lives in the status registry
 * (amana/status.h, DIR/status.db): this registry never keeps a second copy
 * of it; revoking through it sets the status entry first, then records
 * when and why.
 *
 * What it must never hold: biometric data (images, templates, embeddings)
 * or document images. The schema has no BLOB column, every field is
 * bounded plain text (printable UTF-8, no control bytes) or an integer,
 * and a digest field must be 64 hex digits: so a template or an image
 * cannot be written into it by mistake, even hex-encoded (text fields are
 * capped at 200 bytes, far below a template).
 *
 * Times are seconds since the Unix epoch, passed in. Functions return
 * AMANA_OK or a negative amana_err: AMANA_ERR_REGISTRY_DB (SQLite failed),
 * AMANA_ERR_REGISTRY_FIELD (a field too long, not text, or a bad digest),
 * AMANA_ERR_REGISTRY_STATE (revoking what is already revoked),
 * AMANA_ERR_NOT_FOUND (no such issuance), AMANA_ERR_ARG.
 */
#ifndef AMANA_REGISTRY_H
#define AMANA_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "amana/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMANA_REGISTRY_MAX_TEXT 200u /* bytes of any text field */

typedef enum amana_registry_state {
	AMANA_REGISTRY_ACTIVE = 0,
	AMANA_REGISTRY_REVOKED = 1
} amana_registry_state_t;

typedef struct amana_registry_entry {
	int64_t id;                 /* assigned by record */
	char worker[AMANA_REGISTRY_MAX_TEXT + 1];     /* the NGO's case reference */
	char doctype[AMANA_REGISTRY_MAX_TEXT + 1];
	char issued_by[AMANA_REGISTRY_MAX_TEXT + 1];  /* desk / operator */
	char signer[65];            /* SHA-256 of the document signer's certificate, hex */
	char device_key[65];        /* SHA-256 of the device public key, hex */
	char digest[65];            /* SHA-256 of the issued credential's bytes, hex */
	int64_t issued_at, valid_from, valid_until;
	char status_uri[AMANA_STATUS_MAX_URI + 1];
	uint64_t status_idx;
	amana_registry_state_t state;
	int64_t state_at;           /* when the state last changed */
	char reason[AMANA_REGISTRY_MAX_TEXT + 1];     /* why it was revoked */
	int64_t replaces;           /* id of the issuance this one replaces, or 0 */
} amana_registry_entry_t;

typedef struct amana_registry amana_registry_t;

/* Opens or creates the registry at path (DIR/registry.db). */
int amana_registry_open(const char *path, amana_registry_t **out);
void amana_registry_close(amana_registry_t **r);

/* Records an issuance (state active; e->id, e->state, e->state_at and
 * e->reason are ignored). *id (may be NULL) gets its id. */
int amana_registry_record(amana_registry_t *r, const amana_registry_entry_t *e,
    int64_t *id);

/* Calls fn for every issuance of worker (NULL: all), oldest first; fn
 * returning non-zero stops the walk and is returned. */
int amana_registry_list(amana_registry_t *r, const char *worker,
    int (*fn)(const amana_registry_entry_t *e, void *arg), void *arg);

/* Issuance id into *e. */
int amana_registry_get(amana_registry_t *r, int64_t id, amana_registry_entry_t *e);

/* Revokes issuance id: its status entry is set to revoked in st (final),
 * then the row records now and reason. An entry whose status was already
 * revoked in st (a crash between the two steps) is completed, not refused. */
int amana_registry_revoke(amana_registry_t *r, amana_status_reg_t *st,
    int64_t id, int64_t now, const char *reason);

#ifdef __cplusplus
}
#endif
#endif /* AMANA_REGISTRY_H */
