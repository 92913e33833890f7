/* status.c: `amana-issuer status ACTION`: the issuer's status lists
 * (docs/0402-status-list.md). State lives in DIR/status.db (SQLite);
 * published lists are signed with the document signer DIR/ds.key and
 * carry DIR/ds.crt, so a verifier checks them with the same key as the
 * credentials they speak for. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amana/err.h"
#include "amana/mdoc.h"
#include "amana/status.h"
#include "cli.h"
#include "credio.h"

/* Declared again in main.c, beside the command table. */
int cmd_status(int argc, char **argv);
extern const char usage_status[];

const char usage_status[] =
    "usage: amana-issuer status create  --dir DIR --uri URI [--bits 1|2] [--size N]\n"
    "       amana-issuer status alloc   --dir DIR --uri URI\n"
    "       amana-issuer status revoke|suspend|reinstate --dir DIR --uri URI --idx N\n"
    "       amana-issuer status get     --dir DIR --uri URI --idx N\n"
    "       amana-issuer status publish --dir DIR --uri URI [--hours H] [--now TIME] -o FILE\n\n"
    "Keeps the issuer's status lists (IETF Token Status List shape) in\n"
    "DIR/status.db. create makes a list of N entries (default 131072) of 1 or\n"
    "2 bits (2 allows suspension); alloc picks a free index at random for a\n"
    "new credential (pass it to 'issue --status-uri URI --status-idx N');\n"
    "revoke is final; suspend and reinstate need a 2-bit list. publish signs\n"
    "the current list with DIR/ds.key, valid for H hours (default 24), and\n"
    "writes the token verifiers load with 'amana-verify status load'.\n";

typedef struct st_opts {
	const char *action, *dir, *uri, *out;
	uint64_t bits, size, idx, hours;
	bool has_idx;
	int64_t now;
} st_opts_t;

static int st_parse(int argc, char **argv, st_opts_t *o)
{
	memset(o, 0, sizeof(*o));
	o->bits = 1;
	o->size = 131072;
	o->hours = 24;
	o->now = (int64_t)time(NULL);
	if (argc < 2)
		return cli_usage_error("status needs an action");
	o->action = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (i + 1 >= argc)
			return cli_usage_error("%s needs a value", a);
		const char *v = argv[++i];
		if (strcmp(a, "--dir") == 0) o->dir = v;
		else if (strcmp(a, "--uri") == 0) o->uri = v;
		else if (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) o->out = v;
		else if (strcmp(a, "--bits") == 0) {
			if (!cli_parse_u64(v, 2, &o->bits) || o->bits == 0)
				return cli_usage_error("--bits 1 or 2");
		} else if (strcmp(a, "--size") == 0) {
			if (!cli_parse_u64(v, AMANA_STATUS_MAX_ENTRIES, &o->size))
				return cli_usage_error("bad size '%s'", v);
		} else if (strcmp(a, "--idx") == 0) {
			if (!cli_parse_u64(v, AMANA_STATUS_MAX_ENTRIES, &o->idx))
				return cli_usage_error("bad index '%s'", v);
			o->has_idx = true;
		} else if (strcmp(a, "--hours") == 0) {
			if (!cli_parse_u64(v, 24 * 366, &o->hours) || o->hours == 0)
				return cli_usage_error("bad hours '%s'", v);
		} else if (strcmp(a, "--now") == 0) {
			if (credio_parse_time(v, &o->now) != AMANA_OK || o->now < 0)
				return cli_usage_error("bad time '%s'", v);
		} else {
			return cli_usage_error("unknown option '%s'", a);
		}
	}
	if (o->dir == NULL || o->uri == NULL)
		return cli_usage_error("status %s needs --dir and --uri", o->action);
	return CLI_EXIT_OK;
}

static int st_publish(amana_status_reg_t *reg, const st_opts_t *o)
{
	if (o->out == NULL)
		return cli_usage_error("publish needs -o FILE");
	char p[4096];
	uint8_t sk[64], *cert = NULL, *tok = NULL;
	size_t cert_len = 0, tok_len = 0;
	snprintf(p, sizeof(p), "%s/ds.key", o->dir);
	int r = credio_read_sk(p, sk);
	if (r != AMANA_OK)
		return cli_fail(r, "%s", p);
	snprintf(p, sizeof(p), "%s/ds.crt", o->dir);
	if ((r = credio_read(p, 65536, &cert, &cert_len)) == AMANA_OK)
		r = amana_status_reg_publish(reg, o->uri, (uint64_t)o->now, o->hours * 3600, sk,
		    cert, cert_len, &tok, &tok_len);
	sodium_memzero(sk, sizeof(sk));
	free(cert);
	if (r == AMANA_OK)
		r = credio_write(o->out, tok, tok_len, 0644);
	free(tok);
	if (r != AMANA_OK)
		return cli_fail(r, "publish %s", o->uri);
	char until[21];
	amana_mdoc_time_format(o->now + (int64_t)o->hours * 3600, until);
	fprintf(stderr, "status list %s: %zu bytes, valid until %s, written to %s\n", o->uri,
	    tok_len, until, o->out);
	return CLI_EXIT_OK;
}

static int st_set(amana_status_reg_t *reg, const st_opts_t *o, unsigned status)
{
	if (!o->has_idx)
		return cli_usage_error("%s needs --idx", o->action);
	int r = amana_status_reg_set(reg, o->uri, (size_t)o->idx, status);
	if (r != AMANA_OK)
		return cli_fail(r, "%s %s #%llu", o->action, o->uri, (unsigned long long)o->idx);
	printf("%s #%llu: %s (publish a new list to tell verifiers)\n", o->uri,
	    (unsigned long long)o->idx, o->action);
	return CLI_EXIT_OK;
}

int cmd_status(int argc, char **argv)
{
	st_opts_t o;
	int rc = st_parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	char db[4096];
	if (snprintf(db, sizeof(db), "%s/status.db", o.dir) >= (int)sizeof(db))
		return cli_usage_error("--dir too long");
	amana_status_reg_t *reg = NULL;
	int r = amana_status_reg_open(db, &reg);
	if (r != AMANA_OK)
		return cli_fail(r, "%s", db);
	const char *act = o.action;
	if (strcmp(act, "create") == 0) {
		r = amana_status_reg_create(reg, o.uri, (unsigned)o.bits, (size_t)o.size);
		rc = r == AMANA_OK ? CLI_EXIT_OK : cli_fail(r, "create %s", o.uri);
		if (r == AMANA_OK)
			printf("%s: %llu entries of %llu bit(s)\n", o.uri,
			    (unsigned long long)o.size, (unsigned long long)o.bits);
	} else if (strcmp(act, "alloc") == 0) {
		size_t idx = 0;
		r = amana_status_reg_alloc(reg, o.uri, &idx);
		rc = r == AMANA_OK ? CLI_EXIT_OK : cli_fail(r, "alloc %s", o.uri);
		if (r == AMANA_OK)
			printf("%zu\n", idx);
	} else if (strcmp(act, "revoke") == 0) {
		rc = st_set(reg, &o, AMANA_STATUS_INVALID);
	} else if (strcmp(act, "suspend") == 0) {
		rc = st_set(reg, &o, AMANA_STATUS_SUSPENDED);
	} else if (strcmp(act, "reinstate") == 0) {
		rc = st_set(reg, &o, AMANA_STATUS_VALID);
	} else if (strcmp(act, "get") == 0) {
		unsigned s = 0;
		static const char *const names[4] = {"valid", "revoked", "suspended", "reserved"};
		if (!o.has_idx) {
			rc = cli_usage_error("get needs --idx");
		} else if ((r = amana_status_reg_get(reg, o.uri, (size_t)o.idx, &s)) != AMANA_OK) {
			rc = cli_fail(r, "get %s #%llu", o.uri, (unsigned long long)o.idx);
		} else {
			printf("%s\n", names[s & 3u]);
		}
	} else if (strcmp(act, "publish") == 0) {
		rc = st_publish(reg, &o);
	} else {
		rc = cli_usage_error("unknown status action '%s'", act);
	}
	amana_status_reg_close(&reg);
	return rc;
}
