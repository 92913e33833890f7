/*
 * bio_req.h: the request of authenticatorBioEnrollment (CTAP 2.1, 6.7) and
 * of the face vendor command, which has the same shape (docs/0653-face-
 * vendor-command.md), and the operations both modalities share (firmware B,
 * private).
 *
 * Request map:  0x01 modality  0x02 subCommand  0x03 subCommandParams
 *               0x04 pinUvAuthProtocol  0x05 pinUvAuthParam  0x06 getModality
 * subCommandParams:  0x01 templateId  0x02 templateFriendlyName
 *                    0x03 timeoutMilliseconds
 * pinUvAuthParam = authenticate(pinUvAuthToken, modality byte || subCommand
 *                  || subCommandParams as received), permission "be".
 */
#ifndef TOKEN_BIO_REQ_H
#define TOKEN_BIO_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bio_rec.h"
#include "token.h"

/* Sub-commands (CTAP 2.1 names; the face command uses the same numbers). */
#define BIO_SUB_ENROLL_BEGIN 0x01u
#define BIO_SUB_ENROLL_NEXT 0x02u
#define BIO_SUB_ENROLL_CANCEL 0x03u
#define BIO_SUB_ENUMERATE 0x04u
#define BIO_SUB_SET_NAME 0x05u
#define BIO_SUB_REMOVE 0x06u
#define BIO_SUB_SENSOR_INFO 0x07u

/* Statuses CTAP 2.1 adds for bioEnrollment (not in ctap.h). */
#define BIO_CTAP2_ERR_FP_DATABASE_FULL 0x17

/* lastEnrollSampleStatus values (CTAP 2.1, 6.7.4). */
#define BIO_FEEDBACK_GOOD 0x00u
#define BIO_FEEDBACK_POOR_QUALITY 0x07u
#define BIO_FEEDBACK_EXISTS 0x0Bu
#define BIO_FEEDBACK_NO_USER_ACTIVITY 0x0Du

typedef struct bio_req {
	bool has_modality, has_sub, has_params, has_proto, has_auth;
	bool get_modality;
	uint64_t modality, sub, proto;
	const uint8_t *params; size_t params_len;   /* raw encoded map */
	const uint8_t *auth; size_t auth_len;
	/* from subCommandParams */
	bool has_id, has_name, has_timeout;
	const uint8_t *id; size_t id_len;
	const uint8_t *name; size_t name_len;
	uint64_t timeout_ms;
} bio_req_t;

/* Parses req[len] (bounded, unknown keys skipped, duplicate or unordered
 * keys rejected). Returns a CTAP status. */
int bio_req_parse(const uint8_t *req, size_t len, bio_req_t *r);

/* Checks pinUvAuthParam over (modality byte || subCommand || params) with
 * the "be" permission. Returns a CTAP status (CTAP2_ERR_PUAT_REQUIRED when
 * the parameter is absent). */
int bio_req_auth(token_t *t, const bio_req_t *r, uint8_t modality_byte);

/* Operations shared by fingers and faces (modality TOKEN_MODALITY_*); each
 * returns a CTAP status and writes the CBOR response. */
int bio_enumerate(token_t *t, uint8_t modality, uint8_t *resp, size_t cap,
    size_t *resp_len);
int bio_set_name(token_t *t, uint8_t modality, const bio_req_t *r);
int bio_remove(token_t *t, uint8_t modality, const bio_req_t *r);

/* First free slot of a modality, or -1 when its enrolments are full. */
int bio_free_slot(token_t *t, uint8_t modality);

/* Writes enrolment v (templates given in v) to the store as one record and
 * notes it in the state. Returns a CTAP status. */
int bio_commit(token_t *t, const bio_rec_view_t *v);

#endif /* TOKEN_BIO_REQ_H */
