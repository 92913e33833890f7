/*
 * store.h: an atomic key/value record store over the HAL's flash pages.
 *
 * Layout (docs/0602-token-storage.md): the pages are split into two equal
 * banks. The live bank is a log: a 16-byte bank header (magic, generation)
 * followed by records {key, len, crc32} + value, appended in order; the last
 * record of a key wins and a record of length 0 deletes the key. When the
 * live bank is full, the live records are copied to the other bank (erased
 * first) whose header is programmed LAST, then the old bank is erased.
 *
 * Atomicity: a record counts only when its CRC over key, length and value
 * checks, and a bank only when its header does; so power loss at any erase
 * or program leaves either the old or the new value of the key being
 * written, and every other key untouched. store_wipe() (authenticatorReset)
 * is a compaction to an empty bank: atomic as well.
 *
 * One update = one record: callers keep data that must change together in
 * one record (e.g. PIN hash and PIN retries).
 *
 * Memory: the index lives in store_t (caller-provided, no heap).
 */
#ifndef TOKEN_STORE_H
#define TOKEN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"

/* Limits: number of distinct live keys, and the largest value. */
#define STORE_MAX_KEYS 96u
#define STORE_VALUE_MAX 2048u

/* Keys. 0x0000 and 0xFFFF are reserved. Ranges are owned:
 *   0x0001..0x00FF  core singletons (device secrets, PIN state, counter)
 *   0x0100..0x01FF  resident credentials (slot index in the low byte)
 *   0x0200..0x02FF  firmware B: fingerprint enrolments / templates
 *   0x0300..0x03FF  firmware B: face enrolments / templates
 *   0x0400..0x04FF  firmware B: UV state (retries, settings)          */
#define STORE_KEY_DEVICE 0x0001u   /* device secrets, written at first boot */
#define STORE_KEY_PIN 0x0002u      /* PIN hash + retries */
#define STORE_KEY_COUNTER 0x0003u  /* global signature counter */
#define STORE_KEY_RK_FIRST 0x0100u
#define STORE_KEY_RK_LAST 0x01FFu
#define STORE_KEY_BIO_FIRST 0x0200u
#define STORE_KEY_BIO_LAST 0x02FFu
#define STORE_KEY_FACE_FIRST 0x0300u
#define STORE_KEY_FACE_LAST 0x03FFu
#define STORE_KEY_UV_FIRST 0x0400u
#define STORE_KEY_UV_LAST 0x04FFu

typedef struct store_entry {
	uint16_t key;
	uint16_t len;
	uint32_t addr; /* byte address of the value inside the live bank */
} store_entry_t;

typedef struct store {
	const token_hal_t *hal;
	uint32_t bank_pages;  /* pages per bank */
	uint32_t bank_size;   /* bytes per bank */
	uint8_t live;         /* 0 or 1 */
	uint32_t generation;  /* of the live bank */
	uint32_t head;        /* next free byte in the live bank */
	bool dirty;           /* a torn record: compact before appending */
	uint16_t nkeys;
	store_entry_t idx[STORE_MAX_KEYS];
} store_t;

/* Mounts the store: picks the valid bank with the highest generation,
 * rebuilds the index, formats an empty bank if none is valid. Needs at
 * least 2 pages. Errors: AMANA_ERR_ARG, AMANA_ERR_IO. */
int store_mount(store_t *s, const token_hal_t *hal);

/* Reads key into buf (cap bytes); *len gets the value length.
 * AMANA_ERR_NOT_FOUND if absent, AMANA_ERR_BUFFER if cap is too small. */
int store_get(store_t *s, uint16_t key, uint8_t *buf, size_t cap, size_t *len);

/* Length of key's value, or 0 when absent. */
size_t store_len(const store_t *s, uint16_t key);

/* Writes key = value (1..STORE_VALUE_MAX bytes) atomically.
 * AMANA_ERR_NOSPACE when even a compacted bank cannot hold it. */
int store_put(store_t *s, uint16_t key, const uint8_t *val, size_t len);

/* Deletes key atomically (no error when absent). */
int store_del(store_t *s, uint16_t key);

/* Deletes every key atomically (authenticatorReset). */
int store_wipe(store_t *s);

/* Calls fn for each live key in [first, last] in key order (fn must not
 * modify the store); stops early
 * when fn returns non-zero and returns that value. */
int store_foreach(const store_t *s, uint16_t first, uint16_t last,
    int (*fn)(void *arg, uint16_t key, uint16_t len), void *arg);

/* Bytes still free in the live bank before a compaction is needed. */
uint32_t store_free_bytes(const store_t *s);

#endif /* TOKEN_STORE_H */
