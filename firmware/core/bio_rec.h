/*
 * bio_rec.h: the persistent form of one enrolment (firmware B, private).
 *
 * One enrolment (a finger, or a face) is ONE store record, so renaming it,
 * adding it or removing it is a single atomic store update: power loss
 * leaves the old enrolment or the new one, never half a finger.
 *
 * Value layout, version 1 (docs/0652-bio-storage.md):
 *   [0] version (1)   [1] modality (TOKEN_MODALITY_*)
 *   [2] slot + 1      [3] nonce (random, nonzero)
 *   [4] name length   [5] template count (1..BIO_REC_MAX_TEMPLATES)
 *   name bytes (UTF-8, no NUL)
 *   per template: length (u16, little endian) + packed template bytes
 * The template ID a host sees is bytes [2..3]: the nonce makes an ID stale
 * once its enrolment is removed, even when the slot is reused.
 * Keys: fingers STORE_KEY_BIO_FIRST + slot, faces STORE_KEY_FACE_FIRST + slot.
 */
#ifndef TOKEN_BIO_REC_H
#define TOKEN_BIO_REC_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define BIO_REC_VERSION 1u
#define BIO_REC_HEADER 6u
#define BIO_REC_MAX_TEMPLATES 3u
#define BIO_ID_LEN 2u
/* Longest friendly name (bytes), advertised as maxTemplateFriendlyName. */
#define BIO_NAME_MAX 32u
/* Enrolments per modality. */
#define BIO_MAX_FINGERS 5u
#define BIO_MAX_FACES 2u
/* Storage budget of one enrolment's templates: fits the worst case of three
 * 611-byte fingerprint templates, and the record fits STORE_VALUE_MAX. */
#define BIO_REC_TEMPLATE_BUDGET 1900u
#define BIO_REC_MAX (BIO_REC_HEADER + BIO_NAME_MAX + \
    BIO_REC_MAX_TEMPLATES * 2u + BIO_REC_TEMPLATE_BUDGET)
_Static_assert(BIO_REC_MAX <= STORE_VALUE_MAX, "an enrolment is one record");

/* A parsed view into a record buffer (pointers lend the buffer). */
typedef struct bio_rec_view {
	uint8_t modality;
	uint8_t slot;
	uint8_t id[BIO_ID_LEN];
	const uint8_t *name;
	uint8_t name_len;
	uint8_t count;
	const uint8_t *tmpl[BIO_REC_MAX_TEMPLATES];
	uint16_t tmpl_len[BIO_REC_MAX_TEMPLATES];
} bio_rec_view_t;

/* Store key of an enrolment slot. */
uint16_t bio_rec_key(uint8_t modality, uint8_t slot);

/* Parses buf[len] (bounded; every length is checked against the end).
 * AMANA_ERR_FORMAT when the record is not a valid version 1 record. */
int bio_rec_parse(const uint8_t *buf, size_t len, bio_rec_view_t *v)
    __attribute__((warn_unused_result));

/* Writes a record from v into out[cap]; *len gets its size. */
int bio_rec_build(const bio_rec_view_t *v, uint8_t *out, size_t cap,
    size_t *len) __attribute__((warn_unused_result));

#endif /* TOKEN_BIO_REC_H */
