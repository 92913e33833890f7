/* cmd_request.c: `amana-verify request`: what the officer asks for, with a
 * fresh nonce and reader key, as a file and optionally as QR codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/mdoc.h"
#include "amana/qr.h"
#include "cli.h"
#include "credio.h"
#include "verify_cmds.h"

const char usage_request[] =
    "usage: amana-verify request (--doctype TYPE (--element ID... | --all))...\n"
    "         [--retain] [--verifier NAME] [--schema-dir DIR] -o OUT\n"
    "         [--qr PNG] [--qr-text]\n\n"
    "Writes a request for the elements (IDs of the type's schema, or ns/ID)\n"
    "of one or more documents (each --doctype starts one, up to 4)\n"
    "with a fresh 32-byte nonce and reader key. Keep OUT: 'check' needs it.\n"
    "--retain marks the elements as kept after the check. --qr writes the\n"
    "request as QR code(s) (PNG; several parts as PNG-1.png, ...), --qr-text\n"
    "draws them in the terminal.\n";

static int write_qr(const uint8_t *p, size_t n, const char *png, bool text)
{
	amana_qr_opts_t o;
	amana_qr_opts_default(&o);
	amana_qr_set_t *s = NULL;
	int r = amana_qr_set_new(p, n, &o, &s);
	size_t count = r == AMANA_OK ? amana_qr_set_count(s) : 0;
	for (size_t k = 0; k < count && r == AMANA_OK; k++) {
		const amana_qr_code_t *c = amana_qr_set_code(s, k);
		if (png != NULL) {
			char path[4096];
			if (count == 1)
				snprintf(path, sizeof(path), "%s", png);
			else
				snprintf(path, sizeof(path), "%.*s-%zu.png",
				    (int)(strlen(png) > 4 && strcmp(png + strlen(png) - 4, ".png") == 0 ?
				        strlen(png) - 4 : strlen(png)), png, k + 1);
			r = amana_qr_code_write_png(c, path, 6);
			if (r == AMANA_OK)
				printf("QR %zu/%zu (version %d) -> %s\n", k + 1, count,
				    amana_qr_code_version(c), path);
		}
		if (r == AMANA_OK && text)
			r = amana_qr_code_write_text(c, stdout);
	}
	amana_qr_set_free(&s);
	return r;
}

typedef struct doc_group {
	const char *doctype;
	const char *ids[AMANA_MDOC_MAX_ELEMENTS];
	size_t nids;
	bool all;
} doc_group_t;

/* Fills el[] for one document group; returns a CLI exit code. */
static int group_elems(const doc_group_t *g, const char *schema_dir, bool retain,
    amana_request_elem_t *el, size_t *n)
{
	amana_schema_t s;
	bool have_schema = amana_schema_load(schema_dir, g->doctype, &s) == AMANA_OK;
	if (g->all && !have_schema)
		return cli_fail(AMANA_ERR_NOT_FOUND, "--all needs the schema of %s", g->doctype);
	if ((g->nids == 0) == !g->all)
		return cli_usage_error("%s needs --element... or --all", g->doctype);
	*n = g->all ? s.nelems : g->nids;
	for (size_t k = 0; k < *n; k++) {
		const char *id = g->all ? s.elems[k].id : g->ids[k];
		const char *slash = strchr(id, '/');
		if (slash != NULL) {
			snprintf(el[k].ns, sizeof(el[k].ns), "%.*s", (int)(slash - id), id);
			id = slash + 1;
		} else {
			snprintf(el[k].ns, sizeof(el[k].ns), "%s", have_schema ? s.ns : g->doctype);
		}
		if (strlen(id) >= sizeof(el[k].id))
			return cli_usage_error("element name too long: %s", id);
		snprintf(el[k].id, sizeof(el[k].id), "%s", id);
		el[k].intent_to_retain = retain;
		if (have_schema && slash == NULL && amana_schema_find(&s, id) == NULL)
			return cli_fail(AMANA_ERR_MDOC_ELEMENT, "%s has no element %s", g->doctype, id);
	}
	return CLI_EXIT_OK;
}

int cmd_request(int argc, char **argv)
{
	const char *verifier = "amana verifier", *out = NULL;
	const char *schema_dir = NULL, *png = NULL;
	static doc_group_t g[AMANA_REQUEST_MAX_DOCS];
	size_t ng = 0;
	bool retain = false, qr_text = false;
	memset(g, 0, sizeof(g));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--all") == 0) {
			if (ng == 0)
				return cli_usage_error("--all comes after --doctype");
			g[ng - 1].all = true;
			continue;
		}
		if (strcmp(a, "--retain") == 0) { retain = true; continue; }
		if (strcmp(a, "--qr-text") == 0) { qr_text = true; continue; }
		if (i + 1 >= argc)
			return cli_usage_error("unknown option or missing value '%s'", a);
		const char *v = argv[++i];
		if (strcmp(a, "--doctype") == 0) {
			if (ng >= AMANA_REQUEST_MAX_DOCS)
				return cli_usage_error("at most %u documents", AMANA_REQUEST_MAX_DOCS);
			g[ng++].doctype = v;
		} else if (strcmp(a, "--verifier") == 0) verifier = v;
		else if (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) out = v;
		else if (strcmp(a, "--schema-dir") == 0) schema_dir = v;
		else if (strcmp(a, "--qr") == 0) png = v;
		else if (strcmp(a, "--element") == 0) {
			if (ng == 0)
				return cli_usage_error("--element comes after --doctype");
			if (g[ng - 1].nids >= AMANA_MDOC_MAX_ELEMENTS)
				return cli_usage_error("too many elements");
			g[ng - 1].ids[g[ng - 1].nids++] = v;
		} else {
			return cli_usage_error("unknown option '%s'", a);
		}
	}
	if (ng == 0 || out == NULL)
		return cli_usage_error("request needs --doctype, -o and --element... or --all");
	static amana_request_elem_t el[AMANA_REQUEST_MAX_DOCS][AMANA_MDOC_MAX_ELEMENTS];
	amana_request_params_t p[AMANA_REQUEST_MAX_DOCS];
	size_t total = 0;
	for (size_t d = 0; d < ng; d++) {
		size_t n = 0;
		int rc = group_elems(&g[d], schema_dir, retain, el[d], &n);
		if (rc != CLI_EXIT_OK)
			return rc;
		p[d].verifier = verifier;
		p[d].doctype = g[d].doctype;
		p[d].elems = el[d];
		p[d].nelems = n;
		total += n;
	}
	uint8_t *req = NULL;
	size_t len;
	int r = amana_request_create_n(p, ng, &req, &len);
	if (r == AMANA_OK)
		r = credio_write(out, req, len, 0644);
	if (r == AMANA_OK && strcmp(out, "-") != 0)
		printf("request for %zu element(s) of %zu document(s) (%zu bytes) -> %s\n",
		    total, ng, len, out);
	if (r == AMANA_OK && (png != NULL || qr_text))
		r = write_qr(req, len, png, qr_text);
	free(req);
	return r == AMANA_OK ? CLI_EXIT_OK : cli_fail(r, "request");
}
