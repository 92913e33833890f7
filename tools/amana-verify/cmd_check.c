/* cmd_check.c: `amana-verify check`: every check of a DeviceResponse, with
 * its reason, as text or JSON; exit 1 when the response is rejected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amana/err.h"
#include "amana/mdoc.h"
#include "amana/status.h"
#include "amana/trust.h"
#include "amana/verifier.h"
#include "cli.h"
#include "credio.h"
#include "verify_cmds.h"

const char usage_check[] =
    "usage: amana-verify check [--response] RESP --request REQ\n"
    "         (--trust LIST --trust-key PUB | --root CERT... | --no-trust)\n"
    "         [--status-dir DIR [--status-expired reject|warn] [--require-status]]\n"
    "         [--now TIME] [--json]\n\n"
    "Verifies RESP against the request REQ this verifier made: certificate\n"
    "chain to the pinned trust list (a signed list checked with the pinned key\n"
    "PUB, or root certificates given directly), issuer signature, digests,\n"
    "docType, validity (clock: --now, default the system clock), device\n"
    "signature for this session, requested elements, and status from the\n"
    "status lists cached in DIR. --no-trust only inspects a foreign response\n"
    "(e.g. ISO 18013-5 Annex D): it is then never accepted. Without --request\n"
    "the session is not checked and the response is not accepted.\n"
    "RESP may be a PNG/PGM image of the response's QR code(s).\n"
    "Exit 0 accepted, 1 rejected.\n";

typedef struct check_opts {
	const char *resp, *req, *trust, *trust_key, *status_dir;
	const char *roots[AMANA_TRUST_MAX_ROOTS];
	size_t nroots;
	bool no_trust, json, require_status, warn_expired;
	int64_t now;
} check_opts_t;

static int parse(int argc, char **argv, check_opts_t *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0) { o->json = true; continue; }
		if (strcmp(a, "--no-trust") == 0) { o->no_trust = true; continue; }
		if (strcmp(a, "--require-status") == 0) { o->require_status = true; continue; }
		if (a[0] != '-' && o->resp == NULL) { o->resp = a; continue; }
		if (i + 1 >= argc)
			return cli_usage_error("unknown option or missing value '%s'", a);
		const char *v = argv[++i];
		if (strcmp(a, "--response") == 0) o->resp = v;
		else if (strcmp(a, "--request") == 0) o->req = v;
		else if (strcmp(a, "--trust") == 0) o->trust = v;
		else if (strcmp(a, "--trust-key") == 0) o->trust_key = v;
		else if (strcmp(a, "--status-dir") == 0) o->status_dir = v;
		else if (strcmp(a, "--status-expired") == 0) {
			if (strcmp(v, "warn") != 0 && strcmp(v, "reject") != 0)
				return cli_usage_error("--status-expired reject|warn");
			o->warn_expired = v[0] == 'w';
		} else if (strcmp(a, "--root") == 0) {
			if (o->nroots >= AMANA_TRUST_MAX_ROOTS)
				return cli_usage_error("too many --root");
			o->roots[o->nroots++] = v;
		} else if (strcmp(a, "--now") == 0) {
			if (credio_parse_time(v, &o->now) != AMANA_OK)
				return cli_usage_error("bad time '%s'", v);
		} else {
			return cli_usage_error("unknown option '%s'", a);
		}
	}
	if (o->resp == NULL)
		return cli_usage_error("check needs a response");
	if ((o->trust != NULL) != (o->trust_key != NULL))
		return cli_usage_error("--trust and --trust-key go together");
	if (o->trust == NULL && o->nroots == 0 && !o->no_trust)
		return cli_usage_error("check needs --trust/--trust-key, --root or --no-trust");
	return CLI_EXIT_OK;
}

/* What the officer asked for and did not get: the holder may decline an
 * element, and an accepted response must not read as a complete answer. */
static void print_not_disclosed(const amana_request_t *req,
    const amana_verified_doc_t *doc)
{
	if (req == NULL || doc->request_doc < 0 || doc->not_disclosed == 0)
		return;
	printf("  requested, NOT disclosed:");
	for (size_t j = 0; j < 64; j++)
		if ((doc->not_disclosed >> j) & 1) {
			const amana_request_elem_t *el =
			    amana_request_elem(req, (size_t)doc->request_doc, j);
			if (el != NULL)
				printf(" %s", el->id);
		}
	printf("\n");
}

static void json_not_disclosed(cli_json_t *j, const amana_request_t *req,
    const amana_verified_doc_t *doc)
{
	cli_json_key(j, "not_disclosed");
	cli_json_array(j);
	for (size_t k = 0; req != NULL && doc->request_doc >= 0 && k < 64; k++) {
		const amana_request_elem_t *el = ((doc->not_disclosed >> k) & 1) ?
		    amana_request_elem(req, (size_t)doc->request_doc, k) : NULL;
		if (el == NULL)
			continue;
		cli_json_object(j);
		cli_json_key(j, "namespace");
		cli_json_str(j, el->ns);
		cli_json_key(j, "identifier");
		cli_json_str(j, el->id);
		cli_json_close(j);
	}
	cli_json_close(j);
}

/* Whether every document's status was checked (and passed). */
static bool status_checked(const amana_verify_result_t *res)
{
	for (size_t d = 0; d < res->ndocs; d++)
		if (res->docs[d].checks[AMANA_CHECK_STATUS].state != AMANA_CHECK_PASS)
			return false;
	return res->ndocs > 0;
}

static void print_text(const amana_verify_result_t *res, const amana_request_t *req)
{
	printf("DeviceResponse: %s", res->accepted ? "ACCEPTED" : "REJECTED");
	if (!res->accepted)
		printf(" (%s)", amana_strerr(res->reason));
	else if (!status_checked(res)) /* revoked credentials pass unseen */
		printf(" (revocation status NOT checked)");
	printf("\n");
	if (res->response.state == AMANA_CHECK_FAIL)
		printf("  fail  response     %s [%d]\n", res->response.detail, res->response.reason);
	for (size_t d = 0; d < res->ndocs; d++) {
		const amana_verified_doc_t *doc = &res->docs[d];
		char from[21], until[21];
		amana_mdoc_time_format(doc->valid_from, from);
		amana_mdoc_time_format(doc->valid_until, until);
		printf("document %s\n", doc->doctype[0] ? doc->doctype : "(unknown)");
		if (doc->signer[0] != '\0')
			printf("  signer %s%s\n", doc->signer,
			    doc->checks[AMANA_CHECK_TRUST].state == AMANA_CHECK_PASS ?
			    "" : " (NOT trusted)");
		if (doc->checks[AMANA_CHECK_STRUCTURE].state == AMANA_CHECK_PASS)
			printf("  valid %s .. %s\n", from, until);
		for (int c = 0; c < AMANA_CHECK_COUNT_; c++) {
			const amana_check_t *ch = &doc->checks[c];
			printf("  %-5s %-11s", amana_check_state_name(ch->state),
			    amana_check_name((amana_check_id_t)c));
			if (ch->state != AMANA_CHECK_PASS && ch->state != AMANA_CHECK_NOT_RUN)
				printf(" %s [%d]", ch->detail, ch->reason);
			else if (ch->state == AMANA_CHECK_PASS && c == AMANA_CHECK_STATUS)
				printf(" %s #%llu", doc->status_uri, (unsigned long long)doc->status_idx);
			printf("\n");
		}
		/* An officer reads down to the values: a rejected response's
		 * values must not look like verified facts. */
		if (doc->nelements > 0)
			printf(res->accepted ? "  disclosed:\n" :
			    "  claimed, NOT verified (the response was rejected):\n");
		/* the same identifier may come from two namespaces: name them then */
		bool one_ns = true;
		for (size_t e = 1; e < doc->nelements; e++)
			one_ns = one_ns && strcmp(doc->elements[e].ns, doc->elements[0].ns) == 0;
		for (size_t e = 0; e < doc->nelements; e++)
			printf("    %s%s%s = %s\n", one_ns ? "" : doc->elements[e].ns,
			    one_ns ? "" : " ", doc->elements[e].id, doc->elements[e].value);
		print_not_disclosed(req, doc);
	}
}

static void json_check(cli_json_t *j, const char *name, const amana_check_t *ch)
{
	cli_json_object(j);
	cli_json_key(j, "check");
	cli_json_str(j, name);
	cli_json_key(j, "result");
	cli_json_str(j, amana_check_state_name(ch->state));
	cli_json_key(j, "reason");
	cli_json_int(j, ch->reason);
	cli_json_key(j, "detail");
	cli_json_str(j, ch->detail);
	cli_json_close(j);
}

static void print_json(const amana_verify_result_t *res, const amana_request_t *req)
{
	cli_json_t j;
	char ts[21];
	cli_json_begin(&j, stdout);
	cli_json_key(&j, "accepted");
	cli_json_bool(&j, res->accepted);
	cli_json_key(&j, "reason");
	cli_json_int(&j, res->reason);
	cli_json_key(&j, "reason_text");
	cli_json_str(&j, amana_strerr(res->reason));
	cli_json_key(&j, "status_checked");
	cli_json_bool(&j, status_checked(res));
	cli_json_key(&j, "response");
	cli_json_array(&j);
	json_check(&j, "response", &res->response);
	cli_json_close(&j);
	cli_json_key(&j, "documents");
	cli_json_array(&j);
	for (size_t d = 0; d < res->ndocs; d++) {
		const amana_verified_doc_t *doc = &res->docs[d];
		cli_json_object(&j);
		cli_json_key(&j, "docType");
		cli_json_str(&j, doc->doctype);
		cli_json_key(&j, "signer");
		cli_json_str(&j, doc->signer);
		amana_mdoc_time_format(doc->valid_from, ts);
		cli_json_key(&j, "validFrom");
		cli_json_str(&j, ts);
		amana_mdoc_time_format(doc->valid_until, ts);
		cli_json_key(&j, "validUntil");
		cli_json_str(&j, ts);
		if (doc->has_status) {
			cli_json_key(&j, "status");
			cli_json_object(&j);
			cli_json_key(&j, "uri");
			cli_json_str(&j, doc->status_uri);
			cli_json_key(&j, "idx");
			cli_json_int(&j, (int64_t)doc->status_idx);
			cli_json_close(&j);
		}
		cli_json_key(&j, "checks");
		cli_json_array(&j);
		for (int c = 0; c < AMANA_CHECK_COUNT_; c++)
			json_check(&j, amana_check_name((amana_check_id_t)c), &doc->checks[c]);
		cli_json_close(&j);
		cli_json_key(&j, "elements");
		cli_json_array(&j);
		for (size_t e = 0; e < doc->nelements; e++) {
			cli_json_object(&j);
			cli_json_key(&j, "namespace");
			cli_json_str(&j, doc->elements[e].ns);
			cli_json_key(&j, "identifier");
			cli_json_str(&j, doc->elements[e].id);
			cli_json_key(&j, "value");
			cli_json_str(&j, doc->elements[e].value);
			cli_json_close(&j);
		}
		cli_json_close(&j);
		json_not_disclosed(&j, req, doc);
		cli_json_close(&j);
	}
	cli_json_close(&j);
	cli_json_end(&j);
}

int cmd_check(int argc, char **argv)
{
	check_opts_t o;
	int rc = parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	int64_t now = o.now != 0 ? o.now : (int64_t)time(NULL);
	amana_trust_t *trust = NULL;
	amana_request_t *req = NULL;
	amana_verifier_t *v = NULL;
	amana_status_cache_t *cache = NULL;
	amana_status_source_t src;
	uint8_t *resp = NULL, *rq = NULL;
	size_t resp_len, rq_len;
	static amana_verify_result_t res;
	int r;
	if ((r = credio_read_payload(o.resp, CREDIO_MAX_FILE, &resp, &resp_len)) != AMANA_OK) {
		rc = cli_fail(r, "%s", o.resp);
		goto out;
	}
	if (o.req != NULL) {
		if ((r = credio_read(o.req, CREDIO_MAX_FILE, &rq, &rq_len)) == AMANA_OK)
			r = amana_request_parse(rq, rq_len, &req);
		if (r != AMANA_OK) {
			rc = cli_fail(r, "request %s", o.req);
			goto out;
		}
	}
	if (!o.no_trust && (rc = verify_trust_load(o.trust, o.trust_key,
	    o.roots, o.nroots, now, &trust)) != CLI_EXIT_OK)
		goto out;
	if ((r = amana_verifier_new(&v)) != AMANA_OK) {
		rc = cli_fail(r, "verifier");
		goto out;
	}
	amana_verifier_set_trust(v, trust);
	amana_verifier_set_time(v, now);
	amana_verifier_require_trust(v, !o.no_trust);
	amana_verifier_require_status(v, o.require_status);
	if (o.status_dir != NULL) {
		amana_status_policy_t pol;
		amana_status_policy_default(&pol);
		pol.on_expired = o.warn_expired ? AMANA_STATUS_EXPIRED_WARN :
		    AMANA_STATUS_EXPIRED_REJECT;
		if ((r = amana_status_cache_open(o.status_dir, &cache)) != AMANA_OK) {
			rc = cli_fail(r, "status cache %s", o.status_dir);
			goto out;
		}
		amana_status_source_init(&src, cache, &pol);
		amana_verifier_set_status(v, amana_status_source_fn, &src);
	}
	r = amana_verifier_check(v, req, resp, resp_len, &res);
	if (r == AMANA_ERR_NOMEM) {
		rc = cli_fail(r, "check");
		goto out;
	}
	if (o.json)
		print_json(&res, req);
	else
		print_text(&res, req);
	if (o.status_dir != NULL && src.last.expired && !o.json)
		printf("warning: the status list used has expired\n");
	rc = res.accepted ? CLI_EXIT_OK : CLI_EXIT_CHECK;
out:
	amana_status_cache_free(&cache);
	amana_verifier_free(&v);
	amana_trust_free(&trust);
	amana_request_free(&req);
	free(resp);
	free(rq);
	return rc;
}
