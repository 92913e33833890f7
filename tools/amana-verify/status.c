/* status.c: `amana-verify status load|show`: the officer's cache of
 * status lists (docs/0402-status-list.md). Loaded while online; `check
 * --status-dir DIR` then answers from it offline. A list is only taken
 * when its signer's certificate (x5chain) chains to the trust list and
 * its signature verifies; an older list never replaces a newer one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amana/err.h"
#include "amana/mdoc.h"
#include "amana/status.h"
#include "amana/trust.h"
#include "cli.h"
#include "credio.h"
#include "verify_cmds.h"

const char usage_status[] =
    "usage: amana-verify status load --status-dir DIR (--trust FILE --trust-key KEY | --root DER...)\n"
    "                               [--now TIME] TOKEN...\n"
    "       amana-verify status show --status-dir DIR [--now TIME] [--json]\n\n"
    "load checks each status list token (published by 'amana-issuer status\n"
    "publish'): its signer certificate must chain to the trust list and its\n"
    "signature verify; it is then cached in DIR with its expiry, replacing an\n"
    "older list of the same URI (an older one is refused). show lists the\n"
    "cached lists, their issue and expiry times and how many entries are\n"
    "revoked or suspended.\n";

#define ST_MAX_TOKENS 64

typedef struct vs_opts {
	const char *action, *dir, *trust, *trust_key;
	const char *roots[AMANA_TRUST_MAX_ROOTS];
	size_t nroots;
	const char *tokens[ST_MAX_TOKENS];
	size_t ntokens;
	int64_t now;
	bool json;
} vs_opts_t;

static int vs_parse(int argc, char **argv, vs_opts_t *o)
{
	memset(o, 0, sizeof(*o));
	o->now = (int64_t)time(NULL);
	if (argc < 2)
		return cli_usage_error("status needs an action (load, show)");
	o->action = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0) {
			o->json = true;
			continue;
		}
		if (a[0] != '-') {
			if (o->ntokens == ST_MAX_TOKENS)
				return cli_usage_error("too many tokens");
			o->tokens[o->ntokens++] = a;
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage_error("%s needs a value", a);
		const char *v = argv[++i];
		if (strcmp(a, "--status-dir") == 0) o->dir = v;
		else if (strcmp(a, "--trust") == 0) o->trust = v;
		else if (strcmp(a, "--trust-key") == 0) o->trust_key = v;
		else if (strcmp(a, "--root") == 0) {
			if (o->nroots == AMANA_TRUST_MAX_ROOTS)
				return cli_usage_error("too many --root");
			o->roots[o->nroots++] = v;
		} else if (strcmp(a, "--now") == 0) {
			if (credio_parse_time(v, &o->now) != AMANA_OK || o->now < 0)
				return cli_usage_error("bad time '%s'", v);
		} else {
			return cli_usage_error("unknown option '%s'", a);
		}
	}
	if (o->dir == NULL)
		return cli_usage_error("status %s needs --status-dir", o->action);
	return CLI_EXIT_OK;
}

static int vs_trust(const vs_opts_t *o, amana_trust_t **t)
{
	if ((o->trust != NULL) != (o->trust_key != NULL))
		return cli_usage_error("--trust and --trust-key go together");
	if (o->trust == NULL && o->nroots == 0)
		return cli_usage_error("load needs --trust/--trust-key or --root");
	return verify_trust_load(o->trust, o->trust_key, o->roots, o->nroots,
	    o->now, t);
}

/* One token: trusted signer, then into the cache. */
static int vs_load_one(amana_status_cache_t *c, const amana_trust_t *t, const char *path,
    int64_t now)
{
	uint8_t *buf = NULL;
	size_t n = 0;
	amana_status_list_t *l = NULL;
	amana_cose_key_t key;
	char subject[160] = "";
	int64_t nb, na;
	int r = credio_read(path, (size_t)2 << 20, &buf, &n);
	if (r == AMANA_OK)
		r = amana_status_list_parse(buf, n, &l);
	if (r == AMANA_OK) {
		size_t cl = 0;
		const uint8_t *cert = amana_status_list_cert(l, &cl);
		r = cert == NULL ? AMANA_ERR_STATUS_SIG :
		    amana_trust_check_cert(t, cert, cl, now, &key, &nb, &na, subject, sizeof(subject));
	}
	amana_status_policy_t pol;
	amana_status_policy_default(&pol);
	if (r == AMANA_OK)
		r = amana_status_cache_put(c, buf, n, &key, (uint64_t)now, &pol);
	if (r == AMANA_OK) {
		char exp[21];
		amana_mdoc_time_format((int64_t)amana_status_list_exp(l), exp);
		printf("loaded %s: %s, signed by %s, expires %s\n", path,
		    amana_status_list_uri(l), subject, exp);
	}
	amana_status_list_free(&l);
	free(buf);
	return r == AMANA_OK ? CLI_EXIT_OK : cli_fail(r, "status list %s", path);
}

static void vs_counts(const amana_status_list_t *l, size_t *revoked, size_t *suspended)
{
	const amana_status_bits_t *b = amana_status_list_bits(l);
	*revoked = *suspended = 0;
	for (size_t i = 0; i < amana_status_bits_count(b); i++) {
		unsigned v = 0;
		if (amana_status_bits_get(b, i, &v) != AMANA_OK)
			break;
		*revoked += v == AMANA_STATUS_INVALID || v == AMANA_STATUS_RESERVED;
		*suspended += v == AMANA_STATUS_SUSPENDED;
	}
}

static int vs_show(const amana_status_cache_t *c, const vs_opts_t *o)
{
	cli_json_t j;
	if (o->json) {
		cli_json_begin(&j, stdout);
		cli_json_key(&j, "lists");
		cli_json_array(&j);
	}
	for (size_t i = 0; i < amana_status_cache_count(c); i++) {
		const amana_status_list_t *l = amana_status_cache_at(c, i);
		const amana_status_bits_t *b = amana_status_list_bits(l);
		size_t rev, sus;
		vs_counts(l, &rev, &sus);
		char iat[21], exp[21];
		amana_mdoc_time_format((int64_t)amana_status_list_iat(l), iat);
		amana_mdoc_time_format((int64_t)amana_status_list_exp(l), exp);
		bool expired = (uint64_t)o->now > amana_status_list_exp(l);
		if (!o->json) {
			printf("%s\n  issued %s, expires %s%s\n  %zu entries of %u bit(s): %zu revoked, %zu suspended\n",
			    amana_status_list_uri(l), iat, exp, expired ? " (EXPIRED)" : "",
			    amana_status_bits_count(b), amana_status_bits_width(b), rev, sus);
			continue;
		}
		cli_json_object(&j);
		cli_json_key(&j, "uri");
		cli_json_str(&j, amana_status_list_uri(l));
		cli_json_key(&j, "issued");
		cli_json_str(&j, iat);
		cli_json_key(&j, "expires");
		cli_json_str(&j, exp);
		cli_json_key(&j, "expired");
		cli_json_bool(&j, expired);
		cli_json_key(&j, "bits");
		cli_json_int(&j, amana_status_bits_width(b));
		cli_json_key(&j, "entries");
		cli_json_int(&j, (int64_t)amana_status_bits_count(b));
		cli_json_key(&j, "revoked");
		cli_json_int(&j, (int64_t)rev);
		cli_json_key(&j, "suspended");
		cli_json_int(&j, (int64_t)sus);
		cli_json_close(&j);
	}
	if (o->json) {
		cli_json_close(&j);
		cli_json_end(&j);
	} else if (amana_status_cache_count(c) == 0) {
		printf("no status lists cached in %s\n", o->dir);
	}
	return CLI_EXIT_OK;
}

int cmd_status(int argc, char **argv)
{
	vs_opts_t o;
	int rc = vs_parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	bool load = strcmp(o.action, "load") == 0;
	if (!load && strcmp(o.action, "show") != 0)
		return cli_usage_error("unknown status action '%s'", o.action);
	if (load && o.ntokens == 0)
		return cli_usage_error("load needs at least one token file");
	amana_trust_t *t = NULL;
	if (load && (rc = vs_trust(&o, &t)) != CLI_EXIT_OK)
		return rc;
	amana_status_cache_t *c = NULL;
	int r = amana_status_cache_open(o.dir, &c);
	if (r != AMANA_OK) {
		amana_trust_free(&t);
		return cli_fail(r, "status cache %s", o.dir);
	}
	if (load) {
		for (size_t i = 0; i < o.ntokens; i++) {
			int one = vs_load_one(c, t, o.tokens[i], o.now);
			if (rc == CLI_EXIT_OK)
				rc = one;
		}
	} else {
		rc = vs_show(c, &o);
	}
	amana_status_cache_free(&c);
	amana_trust_free(&t);
	return rc;
}
