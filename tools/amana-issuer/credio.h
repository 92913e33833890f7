/* credio.h: file and argument helpers shared by amana-issuer, amana-verify
 * and the credential commands of amana (bounded reads, atomic writes,
 * keys, times). */
#ifndef AMANA_CREDIO_H
#define AMANA_CREDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CREDIO_MAX_FILE ((size_t)4 << 20)

/* Reads a whole file ("-" = stdin) of at most max bytes. *buf is malloc'ed
 * (caller frees) with room for one byte more than *len, so a caller may
 * NUL-terminate text. AMANA_ERR_NOT_FOUND, _IO, or _LIMIT for a file
 * over max (what was read is wiped first: it may be a key). */
int credio_read(const char *path, size_t max, uint8_t **buf, size_t *len);
/* Like credio_read, but a PNG or PGM image is scanned for amana QR codes
 * (one or several of a set) and the reassembled payload returned. */
int credio_read_payload(const char *path, size_t max, uint8_t **buf, size_t *len);
/* Writes atomically (temporary file, fsync, rename); "-" = stdout. */
int credio_write(const char *path, const uint8_t *p, size_t n, mode_t mode);
/* A libsodium Ed25519 secret key file (64 raw bytes). */
int credio_read_sk(const char *path, uint8_t sk[64]);
/* A public key: 64 hex digits, or a file holding them or 32 raw bytes. */
int credio_read_pk(const char *arg, uint8_t pk[32]);
/* RFC 3339 time, YYYY-MM-DD, or seconds since the epoch. */
int credio_parse_time(const char *s, int64_t *t);
/* Lower-case hex of p (out needs 2n+1). */
void credio_hex(const uint8_t *p, size_t n, char *out);

#endif
