/*
 * vault_int.h: what the vault's files share (not installed).
 *
 * Layers, bottom up:
 *   vio.c       I/O with fault points (test build), atomic replace, dir fsync
 *   cursor.c    bounded reader and growable writer for the binary formats
 *   slots.c     the key slot file: parse, serialize, wrap and unwrap
 *   slot_types.c one small module per unlock method (KEK derivation)
 *   manifest.c  the manifest body: parse and serialize
 *   object.c    object names, padding buckets, records, document streams
 *   vault.c     open, commit (the transaction), cleanup, GC
 *   create.c    a new vault; the token challenge
 *   entries.c   documents and records (public calls)
 *   keyslots.c  slot management (public calls)
 *   words.c, qr.c  the recovery key as words and QR code
 *   token_slot.c   the token slot through libfido2 (own library)
 */
#ifndef AMANA_VAULT_INT_H
#define AMANA_VAULT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "amana/err.h"
#include "amana/vault.h"

#define VWUR __attribute__((warn_unused_result))

/* ---- limits (every maximum of the on-disk formats in one place) */
#define VAULT_CHUNK 65536u            /* document stream chunk (plaintext) */
#define VAULT_MANIFEST_MAX (64u * 1024u * 1024u)
#define VAULT_ENTRIES_MAX 100000u
#define VAULT_GC_MAX 4096u
#define VAULT_TX_MAX_NEW 16u          /* new object ids one transaction may use */
#define VAULT_KDF_OPS_MAX 64u
#define VAULT_KDF_MEM_KIB_MAX (4u * 1024u * 1024u) /* 4 GiB */

/* ---- vio.c */
int vio_create(int dirfd, const char *name, int *fd) VWUR;
int vio_write_all(int fd, const void *buf, size_t len) VWUR;
int vio_fsync(int fd) VWUR;
int vio_fsync_dir(int dirfd) VWUR;
int vio_rename(int dirfd, const char *from, const char *to) VWUR;
int vio_unlink(int dirfd, const char *name); /* ENOENT is success */
/* create, write, fsync, close; removed again on failure */
int vio_write_new(int dirfd, const char *name, const uint8_t *buf, size_t len) VWUR;
/* temp file, write, fsync, rename over name, fsync dir */
int vio_replace(int dirfd, const char *name, const uint8_t *buf, size_t len) VWUR;
/* Reads a whole file of at most max bytes (malloc'd). */
int vio_read(int dirfd, const char *name, size_t max, uint8_t **buf, size_t *len) VWUR;
int vio_read_all(int fd, void *buf, size_t len) VWUR; /* exact, or _TRUNCATED */

/* ---- cursor.c */
typedef struct vcur {
	const uint8_t *p;
	size_t left;
} vcur_t;
int vcur_bytes(vcur_t *c, void *dst, size_t n) VWUR;
int vcur_u8(vcur_t *c, uint8_t *v) VWUR;
int vcur_u32(vcur_t *c, uint32_t *v) VWUR;
int vcur_u64(vcur_t *c, uint64_t *v) VWUR;
/* u16 length + bytes without NUL, returned malloc'd and NUL-terminated */
int vcur_str(vcur_t *c, char **s) VWUR;

typedef struct vbuf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
} vbuf_t;
void vbuf_bytes(vbuf_t *b, const void *src, size_t n);
void vbuf_u8(vbuf_t *b, uint8_t v);
void vbuf_u32(vbuf_t *b, uint32_t v);
void vbuf_u64(vbuf_t *b, uint64_t v);
void vbuf_str(vbuf_t *b, const char *s); /* NULL as "" */
void vbuf_wipe(vbuf_t *b);               /* zeroes and frees */
void vle32(uint8_t *p, uint32_t v);
void vle64(uint8_t *p, uint64_t v);
uint32_t vrd32(const uint8_t *p);

/* ---- slots.c: the key slot file */
#define SLOTS_FILE "slots"
#define SLOTS_HDR_LEN 80u
#define SLOT_ENT_LEN 256u
#define SLOTS_FILE_LEN (SLOTS_HDR_LEN + AMANA_VAULT_NSLOTS * SLOT_ENT_LEN + 32u)
#define SLOT_PAYLOAD_LEN 48u

typedef struct slot_ent {
	uint8_t salt[16];
	uint32_t ops;
	uint32_t mem_kib;
	uint8_t credid_len;
	uint8_t credid[AMANA_VAULT_CREDID_MAX];
	uint8_t nonce[24];
	uint8_t ct[SLOT_PAYLOAD_LEN + 16];
	uint8_t tail[15];
} slot_ent_t;

typedef struct slots {
	uint8_t vault_id[16];
	uint8_t kdf_salt[16];
	uint8_t token_salt[AMANA_VAULT_TOKEN_SALT_LEN];
	slot_ent_t ent[AMANA_VAULT_NSLOTS];
} slots_t;

void slots_init(slots_t *s, uint32_t ops, uint32_t mem_kib);
void slots_ent_random(slot_ent_t *e, uint32_t ops, uint32_t mem_kib);
int slots_parse(const uint8_t *buf, size_t len, slots_t *s) VWUR;
void slots_serialize(const slots_t *s, uint8_t out[SLOTS_FILE_LEN]);
int slots_load(int dirfd, slots_t *s) VWUR;
int slots_store(int dirfd, const slots_t *s) VWUR;
/* Wraps key under kek into entry idx (type goes into the payload). */
int slots_wrap(slots_t *s, unsigned idx, const uint8_t kek[32], uint8_t type,
    const uint8_t key[32]) VWUR;
/* Unwraps entry idx; AMANA_ERR_VERIFY when kek does not open it. */
int slots_unwrap(const slots_t *s, unsigned idx, const uint8_t kek[32],
    uint8_t *type, uint8_t key[32]) VWUR;

/* ---- slot_types.c: one module per unlock method */
typedef struct slot_kek_cache slot_kek_cache_t;
/* Derives the KEK of entry idx for a secret of the given method; the cache
 * (NULL allowed) keeps the Argon2id output per parameter set so an unlock
 * costs one Argon2id run, not one per entry. */
int slot_kek(const slots_t *s, unsigned idx, amana_vault_method_t method,
    const uint8_t *secret, size_t len, slot_kek_cache_t **cache, uint8_t kek[32]) VWUR;
void slot_kek_cache_free(slot_kek_cache_t **cache);
int slot_kdf_check(const amana_vault_kdf_t *kdf, uint32_t *ops, uint32_t *mem_kib) VWUR;

/* ---- manifest.c */
typedef struct man_entry {
	uint64_t id, version, len, added;
	uint8_t type;
	char *kind, *name, *number, *country, *expiry, *notes;
} man_entry_t;

typedef struct man_slot {
	uint8_t state; /* amana_vault_slot_type_t */
	uint64_t created;
	uint32_t ops, mem_kib;
} man_slot_t;

typedef struct manifest {
	uint64_t generation, next_id;
	uint8_t has_decoy;
	uint8_t decoy_key[32];
	man_slot_t slot[AMANA_VAULT_NSLOTS];
	uint8_t pending_wipe[AMANA_VAULT_NSLOTS];
	uint32_t ngc;
	uint64_t *gc;
	uint32_t n;
	man_entry_t *e;
} manifest_t;

int manifest_parse(const uint8_t *buf, size_t len, manifest_t *m) VWUR;
int manifest_serialize(const manifest_t *m, vbuf_t *out) VWUR;
void manifest_clear(manifest_t *m); /* frees and wipes */
int manifest_copy(const manifest_t *src, manifest_t *dst) VWUR;
int entry_dup(const man_entry_t *src, man_entry_t *dst) VWUR;
void entry_clear(man_entry_t *e);

/* ---- object.c */
#define OBJ_NAME_LEN 32u /* hex of 16 bytes */
#define OBJ_MANIFEST_A UINT64_MAX
#define OBJ_MANIFEST_B (UINT64_MAX - 1u)

typedef struct vkeys {
	uint8_t key[32];   /* compartment key */
	uint8_t names[32];
	uint8_t records[32];
	uint8_t manifest[32];
} vkeys_t;

void vkeys_derive(vkeys_t *k); /* from k->key */
void obj_name(const vkeys_t *k, uint64_t id, char out[OBJ_NAME_LEN + 1]);
uint64_t obj_pad(uint64_t len, uint64_t min);
/* Sealed blob: nonce | AEAD(u32 len | data | zeros) with the padded size. */
int blob_seal(const uint8_t key[32], const uint8_t *ad, size_t adlen,
    const uint8_t *data, size_t len, uint64_t min, vbuf_t *out) VWUR;
int blob_open(const uint8_t key[32], const uint8_t *ad, size_t adlen,
    const uint8_t *buf, size_t len, uint8_t **data, size_t *dlen) VWUR;
/* Associated data of object id at version. */
#define OBJ_AD_LEN 49u
void obj_ad(const uint8_t vault_id[16], uint64_t id, uint64_t version,
    uint8_t type, uint8_t ad[OBJ_AD_LEN]);
/* Document stream: encrypt fd into object file; returns plaintext length. */
int doc_write(const vkeys_t *k, int dirfd, const char *name, const uint8_t ad[OBJ_AD_LEN],
    uint64_t id, int in, uint64_t *len) VWUR;
int doc_read(const vkeys_t *k, int dirfd, const char *name, const uint8_t ad[OBJ_AD_LEN],
    uint64_t id, uint64_t len, int out) VWUR;

/* ---- vault.c */
struct amana_vault {
	int dirfd;
	char *dir;
	vkeys_t *k;        /* sodium_malloc'd */
	slots_t slots;     /* as loaded (public data) */
	manifest_t m;
	unsigned opened_slot;
	int repaired;
};

/* Writes manifest next (generation bumped by the caller) as the new state:
 * both copies, then removes next's gc objects. On success v->m = next. */
int vault_commit(amana_vault_t *v, manifest_t *next) VWUR;
/* Writes a compartment's manifest pair without a handle (create, decoy). */
int vault_write_manifest(int dirfd, const uint8_t vault_id[16], const vkeys_t *k,
    const manifest_t *m) VWUR;
int vault_open_key(int dirfd, const char *dir, const slots_t *s, const uint8_t key[32],
    unsigned slot, amana_vault_t **out) VWUR;
void vault_manifest_ad(const uint8_t vault_id[16], uint8_t copy, uint8_t ad[33]);

/* ---- test build hooks (AMANA_VAULT_TESTING) */
#define VIO_FAULT_KILL 1    /* SIGKILL at the Nth point (a write is torn) */
#define VIO_FAULT_NOSPACE 2 /* ENOSPC from the Nth write/create/fsync on */

#endif /* AMANA_VAULT_INT_H */
