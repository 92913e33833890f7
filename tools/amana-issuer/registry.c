/* registry.c: `amana-issuer registry ACTION`: the issuer's record of who
 * was issued what, when (docs/0701-issuer-registry.md). Rows live in
 * DIR/registry.db; the revocation bit lives in DIR/status.db (status.c)
 * and is set there by `registry revoke`. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amana/err.h"
#include "amana/mdoc.h"
#include "amana/registry.h"
#include "amana/status.h"
#include "cli.h"
#include "credio.h"

/* Declared again in main.c, beside the command table. */
int cmd_registry(int argc, char **argv);
extern const char usage_registry[];

const char usage_registry[] =
    "usage: amana-issuer registry record --dir DIR --worker CASE --credential FILE\n"
    "                      --status-uri URI --status-idx N [--by NAME] [--replaces ID]\n"
    "                      [--now TIME]\n"
    "       amana-issuer registry list   --dir DIR [--worker CASE] [--json]\n"
    "       amana-issuer registry revoke --dir DIR (--id ID | --worker CASE)\n"
    "                      [--reason TEXT] [--now TIME]\n\n"
    "The issuer's registry (DIR/registry.db, SQLite): one row per credential\n"
    "issued: the NGO's case reference, type, time, desk, document signer,\n"
    "SHA-256 of the device key and of the credential, validity, status-list\n"
    "entry and state. It holds no biometric data and no document image.\n"
    "record reads the issued credential FILE; revoke sets the status entry\n"
    "of the issuance (or of every active one of CASE) to revoked in\n"
    "DIR/status.db, then records when and why; publish the list afterwards\n"
    "('amana-issuer status publish').\n";

typedef struct rg_opts {
	const char *action, *dir, *worker, *cred, *uri, *by, *reason;
	uint64_t idx, id, replaces;
	bool has_idx, has_id, json;
	int64_t now;
} rg_opts_t;

static int rg_parse(int argc, char **argv, rg_opts_t *o)
{
	memset(o, 0, sizeof(*o));
	o->now = (int64_t)time(NULL);
	o->by = "issuing desk";
	o->reason = "";
	if (argc < 2)
		return cli_usage_error("registry needs an action");
	o->action = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0) {
			o->json = true;
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage_error("%s needs a value", a);
		const char *v = argv[++i];
		if (strcmp(a, "--dir") == 0) o->dir = v;
		else if (strcmp(a, "--worker") == 0) o->worker = v;
		else if (strcmp(a, "--credential") == 0) o->cred = v;
		else if (strcmp(a, "--status-uri") == 0) o->uri = v;
		else if (strcmp(a, "--by") == 0) o->by = v;
		else if (strcmp(a, "--reason") == 0) o->reason = v;
		else if (strcmp(a, "--status-idx") == 0) {
			if (!cli_parse_u64(v, AMANA_STATUS_MAX_ENTRIES - 1, &o->idx))
				return cli_usage_error("bad index '%s'", v);
			o->has_idx = true;
		} else if (strcmp(a, "--id") == 0 || strcmp(a, "--replaces") == 0) {
			uint64_t n;
			if (!cli_parse_u64(v, INT64_MAX, &n))
				return cli_usage_error("bad id '%s'", v);
			if (a[2] == 'i') {
				o->id = n;
				o->has_id = true;
			} else {
				o->replaces = n;
			}
		} else if (strcmp(a, "--now") == 0) {
			if (credio_parse_time(v, &o->now) != AMANA_OK)
				return cli_usage_error("bad time '%s'", v);
		} else {
			return cli_usage_error("unknown option '%s'", a);
		}
	}
	if (o->dir == NULL)
		return cli_usage_error("registry %s needs --dir", o->action);
	return CLI_EXIT_OK;
}

static int open_db(const char *dir, const char *name, char *path, size_t cap)
{
	return snprintf(path, cap, "%s/%s", dir, name) < (int)cap ? AMANA_OK : AMANA_ERR_ARG;
}

static void sha256_hex(const uint8_t *p, size_t n, char out[65])
{
	uint8_t h[32];
	crypto_hash_sha256(h, p, n);
	credio_hex(h, 32, out);
}

static int rg_record(const rg_opts_t *o)
{
	if (o->worker == NULL || o->cred == NULL || o->uri == NULL || !o->has_idx)
		return cli_usage_error("record needs --worker, --credential, --status-uri and --status-idx");
	char path[4096];
	uint8_t *buf = NULL, *ds = NULL;
	size_t len = 0, ds_len = 0;
	amana_mdoc_t *m = NULL;
	amana_registry_t *r = NULL;
	amana_registry_entry_t *e = calloc(1, sizeof(*e));
	int err = e == NULL ? AMANA_ERR_NOMEM : credio_read(o->cred, 1u << 20, &buf, &len);
	if (err == AMANA_OK)
		err = amana_mdoc_parse(buf, len, &m);
	if (err == AMANA_OK)
		err = open_db(o->dir, "ds.crt", path, sizeof(path));
	if (err == AMANA_OK)
		err = credio_read(path, 1u << 16, &ds, &ds_len);
	if (err == AMANA_OK) {
		snprintf(e->worker, sizeof(e->worker), "%s", o->worker);
		snprintf(e->doctype, sizeof(e->doctype), "%s", amana_mdoc_doctype(m));
		snprintf(e->issued_by, sizeof(e->issued_by), "%s", o->by);
		snprintf(e->status_uri, sizeof(e->status_uri), "%s", o->uri);
		sha256_hex(ds, ds_len, e->signer);
		const amana_cose_key_t *dk = amana_mdoc_device_key(m);
		sha256_hex(dk->x, 32, e->device_key);
		sha256_hex(buf, len, e->digest);
		int64_t signed_at = 0;
		amana_mdoc_validity(m, &signed_at, &e->valid_from, &e->valid_until);
		e->issued_at = o->now;
		e->status_idx = o->idx;
		e->replaces = (int64_t)o->replaces;
		err = open_db(o->dir, "registry.db", path, sizeof(path));
	}
	if (err == AMANA_OK)
		err = amana_registry_open(path, &r);
	int64_t id = 0;
	if (err == AMANA_OK)
		err = amana_registry_record(r, e, &id);
	if (err == AMANA_OK)
		printf("registry: issuance %lld recorded: case %s, %s, status %s #%llu\n",
		    (long long)id, e->worker, e->doctype, e->status_uri,
		    (unsigned long long)e->status_idx);
	amana_registry_close(&r);
	amana_mdoc_free(&m);
	free(buf);
	free(ds);
	free(e);
	return err == AMANA_OK ? CLI_EXIT_OK : cli_fail(err, "registry record");
}

typedef struct list_ctx {
	cli_json_t *j;
	size_t n;
} list_ctx_t;

static int print_row(const amana_registry_entry_t *e, void *arg)
{
	list_ctx_t *c = arg;
	char at[21], until[21];
	amana_mdoc_time_format(e->issued_at, at);
	amana_mdoc_time_format(e->valid_until, until);
	const char *state = e->state == AMANA_REGISTRY_REVOKED ? "revoked" : "active";
	c->n++;
	if (c->j == NULL) {
		printf("%3lld  case %-10s %-32s issued %s until %s  status #%-7llu %s%s%s%s\n",
		    (long long)e->id, e->worker, e->doctype, at, until,
		    (unsigned long long)e->status_idx, state,
		    e->reason[0] ? " (" : "", e->reason, e->reason[0] ? ")" : "");
		return 0;
	}
	cli_json_t *j = c->j;
	cli_json_object(j);
	cli_json_key(j, "id"); cli_json_int(j, e->id);
	cli_json_key(j, "worker"); cli_json_str(j, e->worker);
	cli_json_key(j, "doctype"); cli_json_str(j, e->doctype);
	cli_json_key(j, "issued_by"); cli_json_str(j, e->issued_by);
	cli_json_key(j, "issued_at"); cli_json_str(j, at);
	cli_json_key(j, "valid_until"); cli_json_str(j, until);
	cli_json_key(j, "signer_sha256"); cli_json_str(j, e->signer);
	cli_json_key(j, "device_key_sha256"); cli_json_str(j, e->device_key);
	cli_json_key(j, "credential_sha256"); cli_json_str(j, e->digest);
	cli_json_key(j, "status_uri"); cli_json_str(j, e->status_uri);
	cli_json_key(j, "status_idx"); cli_json_int(j, (int64_t)e->status_idx);
	cli_json_key(j, "state"); cli_json_str(j, state);
	cli_json_key(j, "reason"); cli_json_str(j, e->reason);
	cli_json_key(j, "replaces"); cli_json_int(j, e->replaces);
	cli_json_close(j);
	return 0;
}

static int rg_list(const rg_opts_t *o)
{
	char path[4096];
	amana_registry_t *r = NULL;
	int err = open_db(o->dir, "registry.db", path, sizeof(path));
	if (err == AMANA_OK)
		err = amana_registry_open(path, &r);
	cli_json_t j;
	list_ctx_t c = {o->json ? &j : NULL, 0};
	if (err == AMANA_OK && o->json) {
		cli_json_begin(&j, stdout);
		cli_json_key(&j, "issuances");
		cli_json_array(&j);
	}
	if (err == AMANA_OK)
		err = amana_registry_list(r, o->worker, print_row, &c);
	if (o->json && r != NULL) {
		cli_json_close(&j);
		cli_json_end(&j);
	}
	amana_registry_close(&r);
	return err == AMANA_OK ? CLI_EXIT_OK : cli_fail(err, "registry list");
}

typedef struct ids {
	int64_t id[64];
	size_t n;
} ids_t;

static int collect_active(const amana_registry_entry_t *e, void *arg)
{
	ids_t *ids = arg;
	if (e->state != AMANA_REGISTRY_ACTIVE)
		return 0;
	if (ids->n == sizeof(ids->id) / sizeof(ids->id[0]))
		return AMANA_ERR_LIMIT; /* revoke by --id, or run again */
	ids->id[ids->n++] = e->id;
	return 0;
}

static int rg_revoke(const rg_opts_t *o)
{
	if (!o->has_id && o->worker == NULL)
		return cli_usage_error("revoke needs --id or --worker");
	char path[4096];
	amana_registry_t *r = NULL;
	amana_status_reg_t *st = NULL;
	ids_t ids = {.n = 0};
	int err = open_db(o->dir, "registry.db", path, sizeof(path));
	if (err == AMANA_OK)
		err = amana_registry_open(path, &r);
	if (err == AMANA_OK)
		err = open_db(o->dir, "status.db", path, sizeof(path));
	if (err == AMANA_OK)
		err = amana_status_reg_open(path, &st);
	if (err == AMANA_OK && o->has_id)
		ids.id[ids.n++] = (int64_t)o->id;
	else if (err == AMANA_OK)
		err = amana_registry_list(r, o->worker, collect_active, &ids);
	for (size_t i = 0; i < ids.n && err == AMANA_OK; i++) {
		amana_registry_entry_t e;
		err = amana_registry_revoke(r, st, ids.id[i], o->now, o->reason);
		if (err == AMANA_OK && amana_registry_get(r, ids.id[i], &e) == AMANA_OK)
			printf("registry: issuance %lld revoked: case %s, %s, status %s #%llu\n",
			    (long long)e.id, e.worker, e.doctype, e.status_uri,
			    (unsigned long long)e.status_idx);
	}
	if (err == AMANA_OK && ids.n == 0)
		err = AMANA_ERR_NOT_FOUND;
	amana_status_reg_close(&st);
	amana_registry_close(&r);
	return err == AMANA_OK ? CLI_EXIT_OK : cli_fail(err, "registry revoke");
}

int cmd_registry(int argc, char **argv)
{
	rg_opts_t o;
	int rc = rg_parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (strcmp(o.action, "record") == 0)
		return rg_record(&o);
	if (strcmp(o.action, "list") == 0)
		return rg_list(&o);
	if (strcmp(o.action, "revoke") == 0)
		return rg_revoke(&o);
	return cli_usage_error("unknown registry action '%s'", o.action);
}
