/*
 * test_registry.c: the issuer's registry (amana/registry.h) against the
 * status registry it revokes through: record, list, get, revoke (status bit
 * set first, final), the bounds that keep anything but bookkeeping out
 * (a template-sized or binary field is refused), and a crash between the
 * status change and the row update completed by the next revoke.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amana/err.h"
#include "amana/registry.h"
#include "amana/status.h"
#include "check.h"

#define URI "https://ngo.example.org/status/t"
static const char H1[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static void entry(amana_registry_entry_t *e, const char *worker, char digest_last, size_t idx)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->worker, sizeof(e->worker), "%s", worker);
	snprintf(e->doctype, sizeof(e->doctype), "org.amana.worker.identity.1");
	snprintf(e->issued_by, sizeof(e->issued_by), "desk 3");
	memcpy(e->signer, H1, 65);
	memcpy(e->device_key, H1, 65);
	memcpy(e->digest, H1, 65);
	e->digest[63] = digest_last;
	e->issued_at = 1796000000;
	e->valid_from = 1796000000;
	e->valid_until = 1796000000 + 86400;
	snprintf(e->status_uri, sizeof(e->status_uri), "%s", URI);
	e->status_idx = idx;
}

typedef struct seen {
	int n, revoked;
	int64_t last_id;
} seen_t;

static int count(const amana_registry_entry_t *e, void *arg)
{
	seen_t *s = arg;
	s->n++;
	s->revoked += e->state == AMANA_REGISTRY_REVOKED;
	s->last_id = e->id;
	return 0;
}

int main(void)
{
	char dir[] = "/tmp/amana-registry-XXXXXX", p1[128], p2[128];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(p1, sizeof(p1), "%s/registry.db", dir);
	snprintf(p2, sizeof(p2), "%s/status.db", dir);
	amana_registry_t *r = NULL;
	amana_status_reg_t *st = NULL;
	CHECK_EQ(amana_registry_open(p1, &r), AMANA_OK);
	CHECK_EQ(amana_status_reg_open(p2, &st), AMANA_OK);
	CHECK_EQ(amana_status_reg_create(st, URI, 1, 1024), AMANA_OK);
	size_t i1 = 0, i2 = 0, i3 = 0;
	CHECK_EQ(amana_status_reg_alloc(st, URI, &i1), AMANA_OK);
	CHECK_EQ(amana_status_reg_alloc(st, URI, &i2), AMANA_OK);
	CHECK_EQ(amana_status_reg_alloc(st, URI, &i3), AMANA_OK);

	amana_registry_entry_t e, g;
	int64_t id1 = 0, id2 = 0, id3 = 0;
	entry(&e, "CASE-1", '0', i1);
	CHECK_EQ(amana_registry_record(r, &e, &id1), AMANA_OK);
	entry(&e, "CASE-1", '1', i2);
	CHECK_EQ(amana_registry_record(r, &e, &id2), AMANA_OK);
	entry(&e, "CASE-2", '2', i3);
	CHECK_EQ(amana_registry_record(r, &e, &id3), AMANA_OK);
	CHECK(id1 > 0 && id2 > id1 && id3 > id2);
	/* The same credential, or the same status entry, twice. */
	entry(&e, "CASE-1", '0', 999);
	CHECK_EQ(amana_registry_record(r, &e, NULL), AMANA_ERR_EXISTS);
	entry(&e, "CASE-1", '9', i1);
	CHECK_EQ(amana_registry_record(r, &e, NULL), AMANA_ERR_EXISTS);

	/* Only bookkeeping fits: a template-sized text, control bytes, a
	 * digest that is not 64 hex digits, an inverted validity. */
	entry(&e, "CASE-3", '3', 5);
	memset(e.worker, 'A', sizeof(e.worker)); /* 201 bytes, no terminator in reach */
	CHECK_EQ(amana_registry_record(r, &e, NULL), AMANA_ERR_REGISTRY_FIELD);
	entry(&e, "CASE\x01", '3', 5);
	CHECK_EQ(amana_registry_record(r, &e, NULL), AMANA_ERR_REGISTRY_FIELD);
	entry(&e, "", '3', 5);
	CHECK_EQ(amana_registry_record(r, &e, NULL), AMANA_ERR_REGISTRY_FIELD);
	entry(&e, "CASE-3", 'X', 5);
	CHECK_EQ(amana_registry_record(r, &e, NULL), AMANA_ERR_REGISTRY_FIELD);
	entry(&e, "CASE-3", '3', 5);
	e.valid_until = e.valid_from - 1;
	CHECK_EQ(amana_registry_record(r, &e, NULL), AMANA_ERR_REGISTRY_FIELD);
	entry(&e, "CASE-3", '3', AMANA_STATUS_MAX_ENTRIES);
	CHECK_EQ(amana_registry_record(r, &e, NULL), AMANA_ERR_REGISTRY_FIELD);

	seen_t s = {0, 0, 0};
	CHECK_EQ(amana_registry_list(r, "CASE-1", count, &s), AMANA_OK);
	CHECK_EQ(s.n, 2);
	memset(&s, 0, sizeof(s));
	CHECK_EQ(amana_registry_list(r, NULL, count, &s), AMANA_OK);
	CHECK_EQ(s.n, 3);
	CHECK_EQ(s.last_id, id3);

	/* Revoke: the status bit is set, the row records when and why. */
	unsigned v = 9;
	CHECK_EQ(amana_registry_revoke(r, st, id1, 1796100000, "token lost"), AMANA_OK);
	CHECK_EQ(amana_status_reg_get(st, URI, i1, &v), AMANA_OK);
	CHECK_EQ(v, AMANA_STATUS_INVALID);
	CHECK_EQ(amana_status_reg_get(st, URI, i2, &v), AMANA_OK);
	CHECK_EQ(v, AMANA_STATUS_VALID);
	CHECK_EQ(amana_registry_get(r, id1, &g), AMANA_OK);
	CHECK_EQ(g.state, AMANA_REGISTRY_REVOKED);
	CHECK_EQ(g.state_at, 1796100000);
	CHECK(strcmp(g.reason, "token lost") == 0);
	CHECK(strcmp(g.worker, "CASE-1") == 0 && g.status_idx == i1);
	CHECK_EQ(amana_registry_revoke(r, st, id1, 1796100001, "again"), AMANA_ERR_REGISTRY_STATE);
	CHECK_EQ(amana_registry_revoke(r, st, 12345, 1796100001, ""), AMANA_ERR_NOT_FOUND);
	CHECK_EQ(amana_registry_get(r, 12345, &g), AMANA_ERR_NOT_FOUND);
	CHECK_EQ(amana_registry_revoke(NULL, st, id3, 0, ""), AMANA_ERR_ARG);
	CHECK_EQ(amana_registry_revoke(r, NULL, id3, 0, ""), AMANA_ERR_ARG);
	CHECK_EQ(amana_registry_revoke(r, st, id3, 0, NULL), AMANA_ERR_ARG);
	CHECK_EQ(amana_registry_revoke(r, st, id3, 0, "line\nbreak"), AMANA_ERR_REGISTRY_FIELD);
	CHECK_EQ(amana_status_reg_get(st, URI, i3, &v), AMANA_OK);
	CHECK_EQ(v, AMANA_STATUS_VALID); /* a refused revoke changed nothing */

	/* A crash after the status change, before the row: the next revoke
	 * completes the row instead of failing on the final status. */
	CHECK_EQ(amana_status_reg_set(st, URI, i2, AMANA_STATUS_INVALID), AMANA_OK);
	CHECK_EQ(amana_registry_revoke(r, st, id2, 1796200000, "completed"), AMANA_OK);
	CHECK_EQ(amana_registry_get(r, id2, &g), AMANA_OK);
	CHECK_EQ(g.state, AMANA_REGISTRY_REVOKED);

	/* Persistent: reopened, the same rows. */
	amana_registry_close(&r);
	CHECK(r == NULL);
	CHECK_EQ(amana_registry_open(p1, &r), AMANA_OK);
	memset(&s, 0, sizeof(s));
	CHECK_EQ(amana_registry_list(r, NULL, count, &s), AMANA_OK);
	CHECK_EQ(s.n, 3);
	CHECK_EQ(s.revoked, 2);
	amana_registry_close(&r);
	amana_status_reg_close(&st);
	CHECK_EQ(amana_registry_open("/nonexistent-dir/x/registry.db", &r), AMANA_ERR_REGISTRY_DB);

	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_EQ(system(cmd), 0);
	return check_done();
}
