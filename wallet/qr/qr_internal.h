/* qr_internal.h: the byte layout shared by the frame, part and assembler
 * code (docs/0401-compact-transport.md). Not installed. */
#ifndef AMANA_QR_INTERNAL_H
#define AMANA_QR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "amana/qr.h"

#define QR_MAGIC 0xA7u        /* first byte of every frame and part */
#define QR_KIND_STORED 0x00u  /* frame: payload follows as is */
#define QR_KIND_ZLIB 0x01u    /* frame: a zlib stream follows */
#define QR_KIND_ZDICT 0x02u   /* frame: zlib with a preset dictionary (dict.c) */
#define QR_DICT_MAX_EXTRA 16384u
#define QR_KIND_PART 0x80u    /* part: index, count, sha256, chunk */
#define QR_FRAME_HEADER 2u

/* Turns a scanned symbol (binary, or "AM1:" + Base45) into the binary
 * frame or part it carries: *bin is malloc'ed. */
int qr_sym_to_bin(const uint8_t *sym, size_t len, uint8_t **bin, size_t *bin_len);

/* extra || vocabulary, malloc'ed: the preset dictionary of a frame. */
int qr_dict_build(const uint8_t *extra, size_t extra_len, uint8_t **dict, size_t *len);

/* amana_qr_scan_file with a smaller pixel limit (the fuzz target keeps
 * each input fast with it). */
int qr_scan_file_max(const char *path, size_t max_px, amana_qr_asm_t *a, size_t *found);

#endif
