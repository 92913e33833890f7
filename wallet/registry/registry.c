/* registry.c: the issuer's registry of issuances in SQLite (amana/registry.h,
 * docs/0701-issuer-registry.md). Text columns only, bounded on the way in,
 * so that nothing but bookkeeping can be stored; the status bit stays in
 * the status registry (wallet/status) and is set there first. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/registry.h"

struct amana_registry {
	sqlite3 *db;
};

static const char reg_schema[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS issuance("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " worker TEXT NOT NULL, doctype TEXT NOT NULL, issued_by TEXT NOT NULL,"
    " signer TEXT NOT NULL, device_key TEXT NOT NULL, digest TEXT NOT NULL UNIQUE,"
    " issued_at INTEGER NOT NULL, valid_from INTEGER NOT NULL, valid_until INTEGER NOT NULL,"
    " status_uri TEXT NOT NULL, status_idx INTEGER NOT NULL,"
    " state INTEGER NOT NULL DEFAULT 0, state_at INTEGER NOT NULL,"
    " reason TEXT NOT NULL DEFAULT '', replaces INTEGER NOT NULL DEFAULT 0,"
    " UNIQUE(status_uri, status_idx));"
    "CREATE INDEX IF NOT EXISTS issuance_worker ON issuance(worker);"
    "PRAGMA user_version=1;";

int amana_registry_open(const char *path, amana_registry_t **out)
{
	if (path == NULL || out == NULL)
		return AMANA_ERR_ARG;
	*out = NULL;
	amana_registry_t *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return AMANA_ERR_NOMEM;
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(r->db, 5000) != SQLITE_OK ||
	    sqlite3_exec(r->db, reg_schema, NULL, NULL, NULL) != SQLITE_OK) {
		amana_registry_close(&r);
		return AMANA_ERR_REGISTRY_DB;
	}
	*out = r;
	return AMANA_OK;
}

void amana_registry_close(amana_registry_t **r)
{
	if (r == NULL || *r == NULL)
		return;
	sqlite3_close((*r)->db);
	free(*r);
	*r = NULL;
}

/* Printable text (UTF-8 bytes >= 0x80 allowed, no control bytes), at most
 * max bytes; empty allowed only when may_be_empty. */
static bool text_ok(const char *s, size_t max, bool may_be_empty)
{
	if (s == NULL)
		return false;
	size_t n = strnlen(s, max + 1);
	if (n > max || (n == 0 && !may_be_empty))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static bool hex64_ok(const char *s)
{
	if (s == NULL || strnlen(s, 65) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int amana_registry_record(amana_registry_t *r, const amana_registry_entry_t *e,
    int64_t *id)
{
	if (r == NULL || e == NULL)
		return AMANA_ERR_ARG;
	if (!text_ok(e->worker, AMANA_REGISTRY_MAX_TEXT, false) ||
	    !text_ok(e->doctype, AMANA_REGISTRY_MAX_TEXT, false) ||
	    !text_ok(e->issued_by, AMANA_REGISTRY_MAX_TEXT, false) ||
	    !text_ok(e->status_uri, AMANA_STATUS_MAX_URI, false) ||
	    !hex64_ok(e->signer) || !hex64_ok(e->device_key) || !hex64_ok(e->digest) ||
	    e->status_idx >= AMANA_STATUS_MAX_ENTRIES || e->replaces < 0 ||
	    e->valid_until < e->valid_from)
		return AMANA_ERR_REGISTRY_FIELD;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(r->db,
	    "INSERT INTO issuance(worker, doctype, issued_by, signer, device_key, digest,"
	    " issued_at, valid_from, valid_until, status_uri, status_idx, state_at, replaces)"
	    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?7,?12)", -1, &st, NULL) != SQLITE_OK)
		return AMANA_ERR_REGISTRY_DB;
	const char *txt[] = {e->worker, e->doctype, e->issued_by, e->signer, e->device_key, e->digest};
	for (int i = 0; i < 6; i++)
		sqlite3_bind_text(st, i + 1, txt[i], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, e->issued_at);
	sqlite3_bind_int64(st, 8, e->valid_from);
	sqlite3_bind_int64(st, 9, e->valid_until);
	sqlite3_bind_text(st, 10, e->status_uri, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)e->status_idx);
	sqlite3_bind_int64(st, 12, e->replaces);
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s == SQLITE_CONSTRAINT)
		return AMANA_ERR_EXISTS; /* same credential or status entry twice */
	if (s != SQLITE_DONE)
		return AMANA_ERR_REGISTRY_DB;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(r->db);
	return AMANA_OK;
}

static void col_text(sqlite3_stmt *st, int c, char *dst, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, c);
	size_t n = t != NULL ? strnlen((const char *)t, cap - 1) : 0;
	if (n > 0)
		memcpy(dst, t, n);
	dst[n] = '\0';
}

#define COLS "id, worker, doctype, issued_by, signer, device_key, digest, issued_at," \
	" valid_from, valid_until, status_uri, status_idx, state, state_at, reason, replaces"

static void row(sqlite3_stmt *st, amana_registry_entry_t *e)
{
	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(st, 0);
	col_text(st, 1, e->worker, sizeof(e->worker));
	col_text(st, 2, e->doctype, sizeof(e->doctype));
	col_text(st, 3, e->issued_by, sizeof(e->issued_by));
	col_text(st, 4, e->signer, sizeof(e->signer));
	col_text(st, 5, e->device_key, sizeof(e->device_key));
	col_text(st, 6, e->digest, sizeof(e->digest));
	e->issued_at = sqlite3_column_int64(st, 7);
	e->valid_from = sqlite3_column_int64(st, 8);
	e->valid_until = sqlite3_column_int64(st, 9);
	col_text(st, 10, e->status_uri, sizeof(e->status_uri));
	e->status_idx = (uint64_t)sqlite3_column_int64(st, 11);
	e->state = sqlite3_column_int(st, 12) == 1 ? AMANA_REGISTRY_REVOKED : AMANA_REGISTRY_ACTIVE;
	e->state_at = sqlite3_column_int64(st, 13);
	col_text(st, 14, e->reason, sizeof(e->reason));
	e->replaces = sqlite3_column_int64(st, 15);
}

int amana_registry_list(amana_registry_t *r, const char *worker,
    int (*fn)(const amana_registry_entry_t *e, void *arg), void *arg)
{
	if (r == NULL || fn == NULL)
		return AMANA_ERR_ARG;
	sqlite3_stmt *st = NULL;
	const char *sql = worker != NULL
	    ? "SELECT " COLS " FROM issuance WHERE worker=?1 ORDER BY id"
	    : "SELECT " COLS " FROM issuance ORDER BY id";
	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
		return AMANA_ERR_REGISTRY_DB;
	if (worker != NULL)
		sqlite3_bind_text(st, 1, worker, -1, SQLITE_STATIC);
	amana_registry_entry_t *e = malloc(sizeof(*e));
	int rc = e == NULL ? AMANA_ERR_NOMEM : AMANA_OK, s;
	while (rc == AMANA_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
		row(st, e);
		rc = fn(e, arg);
	}
	if (rc == AMANA_OK && s != SQLITE_DONE)
		rc = AMANA_ERR_REGISTRY_DB;
	free(e);
	sqlite3_finalize(st);
	return rc;
}

int amana_registry_get(amana_registry_t *r, int64_t id, amana_registry_entry_t *e)
{
	if (r == NULL || e == NULL)
		return AMANA_ERR_ARG;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(r->db, "SELECT " COLS " FROM issuance WHERE id=?1", -1, &st,
	    NULL) != SQLITE_OK)
		return AMANA_ERR_REGISTRY_DB;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st), rc = AMANA_ERR_NOT_FOUND;
	if (s == SQLITE_ROW) {
		row(st, e);
		rc = AMANA_OK;
	} else if (s != SQLITE_DONE) {
		rc = AMANA_ERR_REGISTRY_DB;
	}
	sqlite3_finalize(st);
	return rc;
}

int amana_registry_revoke(amana_registry_t *r, amana_status_reg_t *streg,
    int64_t id, int64_t now, const char *reason)
{
	if (r == NULL || streg == NULL || reason == NULL)
		return AMANA_ERR_ARG;
	if (!text_ok(reason, AMANA_REGISTRY_MAX_TEXT, true))
		return AMANA_ERR_REGISTRY_FIELD;
	amana_registry_entry_t *e = malloc(sizeof(*e));
	if (e == NULL)
		return AMANA_ERR_NOMEM;
	int rc = amana_registry_get(r, id, e);
	if (rc == AMANA_OK && e->state == AMANA_REGISTRY_REVOKED)
		rc = AMANA_ERR_REGISTRY_STATE;
	/* The status bit first: once it is set the credential fails at every
	 * verifier from the next published list on, whatever happens here. */
	unsigned cur = AMANA_STATUS_VALID;
	if (rc == AMANA_OK)
		rc = amana_status_reg_get(streg, e->status_uri, (size_t)e->status_idx, &cur);
	if (rc == AMANA_OK && cur != AMANA_STATUS_INVALID)
		rc = amana_status_reg_set(streg, e->status_uri, (size_t)e->status_idx,
		    AMANA_STATUS_INVALID);
	sqlite3_stmt *st = NULL;
	if (rc == AMANA_OK && sqlite3_prepare_v2(r->db,
	    "UPDATE issuance SET state=1, state_at=?2, reason=?3 WHERE id=?1 AND state=0",
	    -1, &st, NULL) != SQLITE_OK)
		rc = AMANA_ERR_REGISTRY_DB;
	if (rc == AMANA_OK) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = AMANA_ERR_REGISTRY_DB;
		else if (sqlite3_changes(r->db) != 1)
			rc = AMANA_ERR_REGISTRY_STATE; /* revoked meanwhile by another desk */
	}
	sqlite3_finalize(st);
	free(e);
	return rc;
}
