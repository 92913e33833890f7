/*
 * bio_state.h: firmware B's state inside token_t (private to bio*.c,
 * uv.c, face*.c).
 *
 * Two parts:
 *  - bio_state_t, in t->bio_state (TOKEN_BIO_STATE_SIZE bytes): the cached
 *    UV retry counter, which enrolments exist, and the enrolment in
 *    progress with its packed samples;
 *  - bio_scratch_t, scratch memory of the comparisons (the matcher's 32 KiB
 *    work area, two unpacked templates, one record and one probe buffer).
 *    It holds nothing from one command to the next. token_t reserves only
 *    TOKEN_BIO_STATE_SIZE bytes for firmware B, so the scratch area is one
 *    static object beside the (equally static) token context: still no heap
 *    and no large stack frame; see docs/0650-token-biometrics.md.
 */
#ifndef TOKEN_BIO_STATE_H
#define TOKEN_BIO_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "bio_match.h"
#include "bio_rec.h"
#include "token.h"

/* UV retries (CTAP 2.1 recommends at most 25; FIDO certification counts
 * 5 biometric attempts before the PIN is required). */
#define BIO_UV_RETRIES_MAX 5u
/* Samples an enrolment captures (maxCaptureSamplesRequiredForEnroll). */
#define BIO_ENROLL_SAMPLES 4u
/* Sensor timeouts: a finger must arrive within this many ms. */
#define BIO_CAPTURE_TIMEOUT_MS 10000u
/* Store key of the UV retry counter: {version 1, retries}. */
#define BIO_KEY_UV_RETRIES STORE_KEY_UV_FIRST

typedef struct bio_enroll {
	bool active;
	uint8_t slot;
	uint8_t nonce;
	uint8_t count;                        /* good samples captured */
	uint16_t len[BIO_ENROLL_SAMPLES];
	uint8_t sample[BIO_ENROLL_SAMPLES][BIO_FP_PACKED_MAX];
} bio_enroll_t;

typedef struct bio_state {
	uint32_t magic;                       /* BIO_STATE_MAGIC once loaded */
	uint8_t uv_retries;
	uint8_t fingers;                      /* bit i: finger slot i enrolled */
	uint8_t faces;                        /* bit i: face slot i enrolled */
	bio_enroll_t enroll;
} bio_state_t;
_Static_assert(sizeof(bio_state_t) <= TOKEN_BIO_STATE_SIZE,
    "firmware B's state fits the space token_t reserves");

typedef struct bio_scratch {
	bio_work_t work;
	uint8_t rec[BIO_REC_MAX];
	uint8_t probe[TOKEN_PROBE_MAX];
} bio_scratch_t;

#define BIO_STATE_MAGIC 0x42494f31u /* "BIO1" */

/* Wipes the scratch area: templates, cylinders and records are biometric
 * data; none outlives the command that loaded it. */
void bio_scratch_wipe(void);

/* The state of t (loaded from the store by token_uv_init). */
bio_state_t *bio_state(token_t *t);
const bio_state_t *bio_state_const(const token_t *t);
/* The scratch area (one per process: the core is single-threaded). */
bio_scratch_t *bio_scratch(void);

/* Re-reads which enrolments exist and the retry counter from the store. */
void bio_state_load(token_t *t);

/* Stores the retry counter (one atomic record) and caches it. */
int bio_uv_retries_store(token_t *t, uint8_t retries)
    __attribute__((warn_unused_result));

/* A random nonzero byte for a template ID, or 0 when the RNG fails (or
 * keeps answering 0, which a working RNG does not do 8 times running). */
uint8_t bio_nonce(token_t *t);

/* Forgets the enrolment in progress (wiping its samples). */
void bio_enroll_abort(bio_state_t *b);

/* Reads enrolment (modality, slot) into the scratch record buffer and
 * parses it. AMANA_ERR_NOT_FOUND when absent. */
int bio_rec_load(token_t *t, uint8_t modality, uint8_t slot, bio_rec_view_t *v)
    __attribute__((warn_unused_result));

#endif /* TOKEN_BIO_STATE_H */
