/* registry.c: the issuer's status list state in SQLite. Indices are
 * handed out at random so that a credential's index says nothing about
 * when it was issued or who was issued next to it (the draft's advice on
 * herd privacy). Revocation is final; suspension can be lifted. Every
 * change is one transaction, so a crash never leaves an index allocated
 * twice or a revocation half recorded. */
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "status_internal.h"

struct amana_status_reg {
	sqlite3 *db;
};

static const char reg_schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA foreign_keys=ON;"
    "CREATE TABLE IF NOT EXISTS status_list("
    " uri TEXT PRIMARY KEY, bits INTEGER NOT NULL, size INTEGER NOT NULL,"
    " used INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS status_entry("
    " uri TEXT NOT NULL REFERENCES status_list(uri), idx INTEGER NOT NULL,"
    " status INTEGER NOT NULL, PRIMARY KEY(uri, idx));"
    "CREATE TABLE IF NOT EXISTS status_published("
    " uri TEXT NOT NULL REFERENCES status_list(uri), iat INTEGER NOT NULL,"
    " exp INTEGER NOT NULL, token BLOB NOT NULL);"
    "PRAGMA user_version=1;";

int amana_status_reg_open(const char *path, amana_status_reg_t **out)
{
	if (path == NULL || out == NULL)
		return AMANA_ERR_ARG;
	*out = NULL;
	if (sodium_init() < 0)
		return AMANA_ERR_CRYPTO;
	amana_status_reg_t *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return AMANA_ERR_NOMEM;
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(r->db, 5000) != SQLITE_OK ||
	    sqlite3_exec(r->db, reg_schema, NULL, NULL, NULL) != SQLITE_OK) {
		amana_status_reg_close(&r);
		return AMANA_ERR_IO;
	}
	*out = r;
	return AMANA_OK;
}

void amana_status_reg_close(amana_status_reg_t **r)
{
	if (r == NULL || *r == NULL)
		return;
	sqlite3_close((*r)->db);
	free(*r);
	*r = NULL;
}

/* Prepares sql and binds uri as ?1. */
static sqlite3_stmt *reg_stmt(amana_status_reg_t *r, const char *sql, const char *uri)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	if (uri != NULL && sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

static int reg_exec(amana_status_reg_t *r, const char *sql)
{
	return sqlite3_exec(r->db, sql, NULL, NULL, NULL) == SQLITE_OK ? AMANA_OK : AMANA_ERR_IO;
}

/* The list's width and size: AMANA_ERR_NOT_FOUND when there is none. */
static int reg_list(amana_status_reg_t *r, const char *uri, unsigned *bits,
    size_t *size, size_t *used)
{
	sqlite3_stmt *st = reg_stmt(r, "SELECT bits, size, used FROM status_list WHERE uri=?1", uri);
	if (st == NULL)
		return AMANA_ERR_IO;
	int rc = AMANA_ERR_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*bits = (unsigned)sqlite3_column_int(st, 0);
		*size = (size_t)sqlite3_column_int64(st, 1);
		*used = (size_t)sqlite3_column_int64(st, 2);
		rc = AMANA_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int amana_status_reg_create(amana_status_reg_t *r, const char *uri, unsigned bits,
    size_t count)
{
	if (r == NULL || uri == NULL || uri[0] == '\0' || strlen(uri) > AMANA_STATUS_MAX_URI)
		return AMANA_ERR_ARG;
	amana_status_bits_t *probe = NULL; /* validates bits and count */
	int rc = amana_status_bits_new(bits, count, &probe);
	amana_status_bits_free(&probe);
	if (rc != AMANA_OK)
		return rc;
	sqlite3_stmt *st = reg_stmt(r,
	    "INSERT INTO status_list(uri, bits, size) VALUES(?1, ?2, ?3)", uri);
	if (st == NULL)
		return AMANA_ERR_IO;
	sqlite3_bind_int(st, 2, (int)bits);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)count);
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s == SQLITE_CONSTRAINT)
		return AMANA_ERR_EXISTS;
	return s == SQLITE_DONE ? AMANA_OK : AMANA_ERR_IO;
}

/* Inserts idx as valid if free: 1 when taken now, 0 when already used. */
static int reg_claim(amana_status_reg_t *r, const char *uri, size_t idx)
{
	sqlite3_stmt *st = reg_stmt(r,
	    "INSERT OR IGNORE INTO status_entry(uri, idx, status) VALUES(?1, ?2, 0)", uri);
	if (st == NULL)
		return AMANA_ERR_IO;
	sqlite3_bind_int64(st, 2, (sqlite3_int64)idx);
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s != SQLITE_DONE)
		return AMANA_ERR_IO;
	return sqlite3_changes(r->db) == 1 ? 1 : 0;
}

int amana_status_reg_alloc(amana_status_reg_t *r, const char *uri, size_t *idx)
{
	if (r == NULL || uri == NULL || idx == NULL)
		return AMANA_ERR_ARG;
	int rc = reg_exec(r, "BEGIN IMMEDIATE");
	if (rc != AMANA_OK)
		return rc;
	unsigned bits;
	size_t size, used;
	if ((rc = reg_list(r, uri, &bits, &size, &used)) != AMANA_OK)
		goto out;
	if (used >= size) {
		rc = AMANA_ERR_STATUS_FULL;
		goto out;
	}
	/* Random probes; a nearly full list falls back to a walk from a
	 * random start, which still finds the free slots. */
	size_t pick = (size_t)randombytes_uniform((uint32_t)size);
	int got = 0;
	for (int probe = 0; probe < 64 && got == 0; probe++) {
		pick = (size_t)randombytes_uniform((uint32_t)size);
		got = reg_claim(r, uri, pick);
	}
	for (size_t k = 0; k < size && got == 0; k++) {
		pick = (pick + 1) % size;
		got = reg_claim(r, uri, pick);
	}
	if (got < 0) {
		rc = got;
		goto out;
	}
	if (got == 0) {
		rc = AMANA_ERR_STATUS_FULL;
		goto out;
	}
	sqlite3_stmt *st = reg_stmt(r, "UPDATE status_list SET used = used + 1 WHERE uri=?1", uri);
	if (st == NULL || sqlite3_step(st) != SQLITE_DONE)
		rc = AMANA_ERR_IO;
	sqlite3_finalize(st);
	*idx = pick;
out:
	if (rc == AMANA_OK)
		rc = reg_exec(r, "COMMIT");
	if (rc != AMANA_OK)
		(void)reg_exec(r, "ROLLBACK");
	return rc;
}

int amana_status_reg_get(amana_status_reg_t *r, const char *uri, size_t idx,
    unsigned *status)
{
	if (r == NULL || uri == NULL || status == NULL)
		return AMANA_ERR_ARG;
	sqlite3_stmt *st = reg_stmt(r,
	    "SELECT status FROM status_entry WHERE uri=?1 AND idx=?2", uri);
	if (st == NULL)
		return AMANA_ERR_IO;
	sqlite3_bind_int64(st, 2, (sqlite3_int64)idx);
	int rc = AMANA_ERR_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*status = (unsigned)sqlite3_column_int(st, 0);
		rc = AMANA_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int amana_status_reg_set(amana_status_reg_t *r, const char *uri, size_t idx,
    unsigned status)
{
	if (r == NULL || uri == NULL)
		return AMANA_ERR_ARG;
	int rc = reg_exec(r, "BEGIN IMMEDIATE");
	if (rc != AMANA_OK)
		return rc;
	unsigned bits, cur;
	size_t size, used;
	if ((rc = reg_list(r, uri, &bits, &size, &used)) != AMANA_OK ||
	    (rc = amana_status_reg_get(r, uri, idx, &cur)) != AMANA_OK)
		goto out;
	if (status >= (1u << bits)) {
		rc = AMANA_ERR_RANGE; /* e.g. "suspended" in a 1-bit list */
		goto out;
	}
	if (cur == AMANA_STATUS_INVALID && status != AMANA_STATUS_INVALID) {
		rc = AMANA_ERR_STATE;
		goto out;
	}
	sqlite3_stmt *st = reg_stmt(r,
	    "UPDATE status_entry SET status=?3 WHERE uri=?1 AND idx=?2", uri);
	if (st == NULL) {
		rc = AMANA_ERR_IO;
		goto out;
	}
	sqlite3_bind_int64(st, 2, (sqlite3_int64)idx);
	sqlite3_bind_int(st, 3, (int)status);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = AMANA_ERR_IO;
	sqlite3_finalize(st);
out:
	if (rc == AMANA_OK)
		rc = reg_exec(r, "COMMIT");
	if (rc != AMANA_OK)
		(void)reg_exec(r, "ROLLBACK");
	return rc;
}

/* The list's current state as a bit array. */
static int reg_bits(amana_status_reg_t *r, const char *uri, amana_status_bits_t **out)
{
	unsigned bits;
	size_t size, used;
	int rc = reg_list(r, uri, &bits, &size, &used);
	if (rc != AMANA_OK || (rc = amana_status_bits_new(bits, size, out)) != AMANA_OK)
		return rc;
	sqlite3_stmt *st = reg_stmt(r,
	    "SELECT idx, status FROM status_entry WHERE uri=?1 AND status != 0", uri);
	if (st == NULL) {
		amana_status_bits_free(out);
		return AMANA_ERR_IO;
	}
	int s = SQLITE_DONE;
	while (rc == AMANA_OK && (s = sqlite3_step(st)) == SQLITE_ROW)
		rc = amana_status_bits_set(*out, (size_t)sqlite3_column_int64(st, 0),
		    (unsigned)sqlite3_column_int(st, 1));
	if (rc == AMANA_OK && s != SQLITE_DONE)
		rc = AMANA_ERR_IO;
	sqlite3_finalize(st);
	if (rc != AMANA_OK)
		amana_status_bits_free(out);
	return rc;
}

int amana_status_reg_publish(amana_status_reg_t *r, const char *uri, uint64_t now,
    uint64_t validity, const uint8_t sk[64], const uint8_t *cert, size_t cert_len,
    uint8_t **out, size_t *out_len)
{
	if (r == NULL || uri == NULL || sk == NULL || out == NULL || out_len == NULL ||
	    validity == 0 || now > INT64_MAX - validity)
		return AMANA_ERR_ARG;
	*out = NULL;
	amana_status_bits_t *b = NULL;
	int rc = reg_bits(r, uri, &b);
	if (rc != AMANA_OK)
		return rc;
	/* Verifiers keep the list with the later iat and accept an equal one
	 * as a replacement, so two lists published within one second could
	 * leave a verifier with the one that lacks the latest revocation.
	 * Each list of a URI therefore gets an iat past every earlier one. */
	uint64_t iat = now;
	sqlite3_stmt *last = reg_stmt(r, "SELECT MAX(iat) FROM status_published WHERE uri=?1", uri);
	if (last == NULL) {
		amana_status_bits_free(&b);
		return AMANA_ERR_IO;
	}
	if (sqlite3_step(last) == SQLITE_ROW && sqlite3_column_type(last, 0) != SQLITE_NULL) {
		sqlite3_int64 prev = sqlite3_column_int64(last, 0);
		if (prev >= 0 && (uint64_t)prev >= iat)
			iat = (uint64_t)prev + 1;
	}
	sqlite3_finalize(last);
	if (iat > INT64_MAX - validity) {
		amana_status_bits_free(&b);
		return AMANA_ERR_RANGE;
	}
	amana_status_claims_t c = {uri, iat, iat + validity, validity};
	rc = amana_status_token_sign(b, &c, sk, cert, cert_len, out, out_len);
	amana_status_bits_free(&b);
	if (rc != AMANA_OK)
		return rc;
	sqlite3_stmt *st = reg_stmt(r,
	    "INSERT INTO status_published(uri, iat, exp, token) VALUES(?1, ?2, ?3, ?4)", uri);
	if (st != NULL) {
		sqlite3_bind_int64(st, 2, (sqlite3_int64)c.iat);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)c.exp);
		sqlite3_bind_blob(st, 4, *out, (int)*out_len, SQLITE_STATIC);
	}
	if (st == NULL || sqlite3_step(st) != SQLITE_DONE) {
		rc = AMANA_ERR_IO;
		free(*out);
		*out = NULL;
	}
	sqlite3_finalize(st);
	return rc;
}
