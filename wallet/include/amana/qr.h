/*
 * amana/qr.h: moving a payload (a DeviceResponse, a request, a status list)
 * between devices as QR codes.
 *
 * Layers (docs/0401-compact-transport.md):
 *   1. compact frame: payload -> zlib deflate, plain or against a preset
 *      dictionary (the vocabulary of our mdoc structures, optionally after
 *      an extra dictionary both ends hold, such as the issuer's
 *      document-signer certificate), or stored when deflate does not help,
 *      behind a 2-byte header; decoding is bounded by AMANA_QR_MAX_PAYLOAD
 *      and rejects trailing bytes;
 *   2. parts: a frame too big for one code is cut into up to 255 parts,
 *      each with a header (index, count, SHA-256 of the whole frame); the
 *      assembler takes parts in any order, ignores exact repeats and rejects
 *      mixed sets, conflicting parts and incomplete sets;
 *   3. symbols: each frame or part becomes one QR code, either in byte mode
 *      (binary) or as "AM1:" + Base45 (RFC 9285) in alphanumeric mode, for
 *      scanners that only pass text;
 *   4. images: PNG output (libpng), terminal output (Unicode half blocks),
 *      and scanning of PNG/JPEG/PGM photos or screenshots with zbar.
 *
 * All functions return AMANA_OK or a negative amana_err (amana/err.h).
 */
#ifndef AMANA_QR_H
#define AMANA_QR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define AMANA_QR_MUST_CHECK __attribute__((warn_unused_result))
#else
#define AMANA_QR_MUST_CHECK
#endif

/* Largest payload a frame may inflate to, and the most parts in a set. */
#define AMANA_QR_MAX_PAYLOAD (1024u * 1024u)
#define AMANA_QR_MAX_PARTS 255u
/* Bytes a part header adds: magic, kind, index, count, SHA-256. */
#define AMANA_QR_PART_HEADER 36u
/* The prefix of the text (Base45) form of a symbol. */
#define AMANA_QR_TEXT_PREFIX "AM1:"

/* ---- Base45 (RFC 9285) ---------------------------------------------- */

/* Characters Base45 needs for len bytes (no terminator). */
size_t amana_base45_encoded_len(size_t len);

/* Writes the Base45 text of in[0..len) and a NUL into out (cap bytes,
 * at least amana_base45_encoded_len(len) + 1). */
int amana_base45_encode(const uint8_t *in, size_t len, char *out, size_t cap);

/* Decodes text[0..len) into out (cap bytes); *out_len gets the byte count.
 * Rejects characters outside the alphabet, a dangling single character and
 * triples whose value exceeds 65535 (AMANA_ERR_QR_BASE45). */
int amana_base45_decode(const char *text, size_t len, uint8_t *out, size_t cap,
    size_t *out_len) AMANA_QR_MUST_CHECK;

/* ---- compact frames ------------------------------------------------- */

/* An extra preset dictionary (lent bytes, at most 16 KiB). */
typedef struct amana_qr_dict {
	const uint8_t *p;
	size_t n;
} amana_qr_dict_t;

/* Compresses payload into a new frame (*frame malloc'ed, caller frees). */
int amana_qr_compact_encode(const uint8_t *payload, size_t len,
    uint8_t **frame, size_t *frame_len);

/* The same with an extra dictionary (extra may be NULL). */
int amana_qr_compact_encode_dict(const uint8_t *payload, size_t len,
    const uint8_t *extra, size_t extra_len, uint8_t **frame, size_t *frame_len);

/* Decodes a frame into a new buffer (*payload malloc'ed, caller frees).
 * AMANA_ERR_QR_FRAME for a bad header or a corrupt zlib stream,
 * AMANA_ERR_LIMIT above AMANA_QR_MAX_PAYLOAD, AMANA_ERR_QR_DICT when the
 * frame was made with an extra dictionary not among extras. */
int amana_qr_compact_decode(const uint8_t *frame, size_t len,
    uint8_t **payload, size_t *payload_len) AMANA_QR_MUST_CHECK;
int amana_qr_compact_decode_dict(const uint8_t *frame, size_t len,
    const amana_qr_dict_t *extras, size_t nextras, uint8_t **payload,
    size_t *payload_len) AMANA_QR_MUST_CHECK;

/* ---- options and one QR symbol -------------------------------------- */

typedef enum amana_qr_mode {
	AMANA_QR_BINARY = 0, /* byte mode: the frame as it is */
	AMANA_QR_BASE45 = 1  /* alphanumeric mode: "AM1:" + Base45 */
} amana_qr_mode_t;

typedef enum amana_qr_ecc {
	AMANA_QR_ECC_L = 0, AMANA_QR_ECC_M, AMANA_QR_ECC_Q, AMANA_QR_ECC_H
} amana_qr_ecc_t;

typedef struct amana_qr_opts {
	amana_qr_mode_t mode;
	amana_qr_ecc_t ecc;
	int max_version; /* 1..40: larger payloads are split into parts */
	size_t max_parts; /* 1..AMANA_QR_MAX_PARTS */
	amana_qr_dict_t dict; /* extra dictionary for the frame, or {NULL, 0} */
} amana_qr_opts_t;

/* Binary mode, error correction M, version <= 40, up to 16 parts, no
 * extra dictionary. */
void amana_qr_opts_default(amana_qr_opts_t *o);

typedef struct amana_qr_code amana_qr_code_t; /* one QR symbol (opaque) */

/* Encodes sym[0..len) as one symbol, bytes or text as o->mode says (the
 * caller has already applied the Base45 form when mode is BASE45, see
 * amana_qr_set_new). AMANA_ERR_QR_TOO_BIG when it needs a version above
 * o->max_version. */
int amana_qr_code_new(const uint8_t *sym, size_t len, const amana_qr_opts_t *o,
    amana_qr_code_t **out);
void amana_qr_code_free(amana_qr_code_t **c);
int amana_qr_code_version(const amana_qr_code_t *c);
int amana_qr_code_width(const amana_qr_code_t *c); /* modules per side */
bool amana_qr_code_dark(const amana_qr_code_t *c, int x, int y);

/* Writes the symbol as an 8-bit grey PNG, scale pixels per module, with
 * the 4-module quiet zone. */
int amana_qr_code_write_png(const amana_qr_code_t *c, const char *path,
    unsigned scale);
/* Draws the symbol with Unicode half blocks (two module rows per line),
 * dark on a light background whatever the terminal's colours. */
int amana_qr_code_write_text(const amana_qr_code_t *c, FILE *f);

/* ---- a payload as a set of symbols ---------------------------------- */

typedef struct amana_qr_set amana_qr_set_t;

/* Compacts payload and cuts it into as few symbols as o allows (parts of
 * balanced size); AMANA_ERR_QR_TOO_BIG if more than o->max_parts. */
int amana_qr_set_new(const uint8_t *payload, size_t len,
    const amana_qr_opts_t *o, amana_qr_set_t **out);
void amana_qr_set_free(amana_qr_set_t **s);
size_t amana_qr_set_count(const amana_qr_set_t *s);
const amana_qr_code_t *amana_qr_set_code(const amana_qr_set_t *s, size_t i);
/* The bytes carried by symbol i (what a scanner returns), lent. */
const uint8_t *amana_qr_set_sym_ptr(const amana_qr_set_t *s, size_t i);
size_t amana_qr_set_sym_len(const amana_qr_set_t *s, size_t i);
/* Size of the compact frame (before splitting). */
size_t amana_qr_set_frame_len(const amana_qr_set_t *s);

/* ---- reassembly ------------------------------------------------------ */

typedef struct amana_qr_asm amana_qr_asm_t;

int amana_qr_asm_new(amana_qr_asm_t **out);
void amana_qr_asm_free(amana_qr_asm_t **a);

/* Adds one scanned symbol (binary frame or part, or its "AM1:" text form).
 * A repeat of a part already held is accepted and ignored. Errors:
 * AMANA_ERR_QR_FRAME / _BASE45 for junk, AMANA_ERR_QR_MIXED for a part of
 * another set, a second whole frame, or a conflicting part. */
int amana_qr_asm_add(amana_qr_asm_t *a, const uint8_t *sym, size_t len)
    AMANA_QR_MUST_CHECK;
/* Lends an extra dictionary that frames may have been made with (up to
 * 8; kept until the assembler is freed). */
int amana_qr_asm_add_dict(amana_qr_asm_t *a, const uint8_t *p, size_t n);
/* Parts expected (0 before the first add) and held so far. */
size_t amana_qr_asm_expected(const amana_qr_asm_t *a);
size_t amana_qr_asm_held(const amana_qr_asm_t *a);
/* True when part index i (0-based) is held. */
bool amana_qr_asm_has(const amana_qr_asm_t *a, size_t i);

/* Reassembles, checks the SHA-256, and decodes the frame into a new
 * payload (caller frees). AMANA_ERR_QR_INCOMPLETE when parts are missing,
 * AMANA_ERR_QR_DIGEST when they do not hash to the announced digest. */
int amana_qr_asm_finish(amana_qr_asm_t *a, uint8_t **payload,
    size_t *payload_len) AMANA_QR_MUST_CHECK;

/* ---- scanning images -------------------------------------------------- */

/* Largest image scanned: 64 Mpixel, at most 16384 pixels a side. */
#define AMANA_QR_SCAN_MAX_PIXELS (64u * 1024u * 1024u)

/* Scans a PNG (any colour type, 8/16 bit), JPEG or binary PGM image for QR
 * codes and adds every symbol found to a; *found gets how many. A photo
 * or screenshot may hold several codes of one set. AMANA_ERR_QR_IMAGE for
 * an unreadable file, AMANA_ERR_QR_NONE when no code was found. */
int amana_qr_scan_file(const char *path, amana_qr_asm_t *a, size_t *found)
    AMANA_QR_MUST_CHECK;

/* Scans an 8-bit grey image (w*h bytes, row-major). */
int amana_qr_scan_gray(const uint8_t *gray, unsigned w, unsigned h,
    amana_qr_asm_t *a, size_t *found) AMANA_QR_MUST_CHECK;

#ifdef __cplusplus
}
#endif
#endif /* AMANA_QR_H */
