/* cmd_present.c: `amana present REQUEST`: shows the worker exactly what
 * will be disclosed and to whom, asks, and only on consent writes the
 * DeviceResponse (file, and optionally QR codes). The device key and the
 * credentials come from the vault (--vault DIR and its unlock options) or
 * a plain wallet directory (--wallet DIR): cred_store.h. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/holder.h"
#include "amana/qr.h"
#include "cli.h"
#include "cred_store.h"
#include "credio.h"

int cmd_present(int argc, char **argv);

static const char *label_of(const char *doctype, const char *id)
{
	static amana_schema_t s;
	if (strcmp(s.doctype, doctype) != 0 &&
	    amana_schema_load(NULL, doctype, &s) != AMANA_OK)
		return id;
	const amana_schema_elem_t *el = amana_schema_find(&s, id);
	return el != NULL && el->label[0] != '\0' ? el->label : id;
}

/* Prints the disclosure; returns how many elements would be disclosed. */
static size_t show_plan(const amana_request_t *req, amana_mdoc_t *const *creds,
    size_t n, const uint8_t pk[32])
{
	size_t total = 0;
	printf("\"%s\" (the name the request gives) asks to see:\n",
	    amana_request_verifier(req));
	for (size_t d = 0; d < amana_request_doc_count(req); d++) {
		const char *dt = amana_request_doctype(req, d);
		int k = amana_holder_pick(req, d, creds, n, pk);
		printf("  from %s%s\n", dt, k < 0 ? ": you hold no such credential" : "");
		for (size_t e = 0; e < amana_request_elem_count(req, d); e++) {
			const amana_request_elem_t *el = amana_request_elem(req, d, e);
			bool held = k >= 0 && amana_mdoc_has(creds[k], el->ns, el->id);
			total += held;
			printf("    %-3s %s%s%s\n", held ? "[x]" : "[ ]",
			    label_of(dt, el->id), held ? "" : " (not held, not sent)",
			    el->intent_to_retain ? "  - they will KEEP it" : "");
		}
	}
	return total;
}

static bool ask(void)
{
	FILE *tty = fopen("/dev/tty", "r+");
	FILE *in = tty != NULL ? tty : stdin;
	fprintf(tty != NULL ? tty : stderr, "Share these items? [y/N] ");
	fflush(tty != NULL ? tty : stderr);
	char line[16];
	bool yes = fgets(line, sizeof(line), in) != NULL &&
	    (line[0] == 'y' || line[0] == 'Y');
	if (tty != NULL)
		fclose(tty);
	return yes;
}

static int write_qr(const uint8_t *p, size_t n, const char *png, bool text)
{
	amana_qr_opts_t o;
	amana_qr_opts_default(&o);
	amana_qr_set_t *s = NULL;
	int r = amana_qr_set_new(p, n, &o, &s);
	size_t count = r == AMANA_OK ? amana_qr_set_count(s) : 0;
	for (size_t k = 0; k < count && r == AMANA_OK; k++) {
		const amana_qr_code_t *c = amana_qr_set_code(s, k);
		char path[4096];
		if (png != NULL) {
			if (count == 1)
				snprintf(path, sizeof(path), "%s", png);
			else
				snprintf(path, sizeof(path), "%s-%zu.png", png, k + 1);
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

int cmd_present(int argc, char **argv)
{
	const char *reqf = NULL, *out = NULL, *png = NULL;
	bool yes = false, qr_text = false;
	cred_store_where_t where;
	cred_store_where_init(&where);
	for (int i = 1; i < argc; i++) {
		int used = cred_store_arg(&where, argc, argv, &i);
		if (used == CLI_EXIT_USAGE) return used;
		if (used == 1) continue;
		if (strcmp(argv[i], "--yes") == 0) yes = true;
		else if (strcmp(argv[i], "--qr-text") == 0) qr_text = true;
		else if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--out") == 0) && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "--qr") == 0 && i + 1 < argc) png = argv[++i];
		else if (argv[i][0] != '-' && reqf == NULL) reqf = argv[i];
		else return cli_usage_error("unexpected argument '%s'", argv[i]);
	}
	if (reqf == NULL || (out == NULL && png == NULL && !qr_text))
		return cli_usage_error("present needs a request and -o, --qr or --qr-text");
	if (where.vault != NULL && where.wallet != NULL)
		return cli_usage_error("give --vault DIR or --wallet DIR, not both");
	if (sodium_init() < 0)
		return cli_fail(AMANA_ERR_CRYPTO, "libsodium");
	uint8_t *rq = NULL, *resp = NULL, *sk = NULL;
	size_t rq_len, resp_len = 0, n = 0;
	amana_request_t *req = NULL;
	amana_mdoc_t *creds[CRED_STORE_MAX];
	char names[CRED_STORE_MAX][CRED_STORE_NAME];
	cred_store_t *st = NULL;
	int rc = CLI_EXIT_OK;
	/* the request first: a bad one costs no unlock */
	int r = credio_read_payload(reqf, CREDIO_MAX_FILE, &rq, &rq_len);
	if (r == AMANA_OK)
		r = amana_request_parse(rq, rq_len, &req);
	if (r != AMANA_OK) {
		free(rq);
		return cli_fail(r, "request %s", reqf);
	}
	if ((rc = cred_store_open_cli(&where, &st)) != CLI_EXIT_OK)
		goto out;
	if ((sk = sodium_malloc(64)) == NULL) {
		rc = cli_fail(AMANA_ERR_NOMEM, "present");
		goto out;
	}
	if ((r = cred_store_device_key(st, sk)) != AMANA_OK) {
		rc = cli_fail(r, "device key in %s", cred_store_path(st));
		goto out;
	}
	if ((r = cred_store_load(st, creds, names, &n)) != AMANA_OK) {
		rc = cli_fail(r, "credentials in %s", cred_store_path(st));
		goto out;
	}
	cred_store_free(&st); /* lock the vault before asking: the key is all we keep */
	size_t total = show_plan(req, creds, n, sk + 32);
	if (total == 0) {
		rc = cli_fail(AMANA_ERR_MDOC_NO_CRED, "nothing to share");
		goto out;
	}
	if (!yes && !ask()) {
		rc = cli_fail(AMANA_ERR_CANCELLED, "nothing was shared");
		goto out;
	}
	r = amana_holder_present(req, creds, n, sk, &resp, &resp_len);
	sodium_free(sk); /* wipes: not needed to write the answer */
	sk = NULL;
	if (r == AMANA_OK && out != NULL)
		r = credio_write(out, resp, resp_len, 0644);
	if (r == AMANA_OK && out != NULL && strcmp(out, "-") != 0)
		printf("shared %zu element(s): %zu bytes -> %s\n", total, resp_len, out);
	if (r == AMANA_OK && (png != NULL || qr_text))
		r = write_qr(resp, resp_len, png, qr_text);
	if (r != AMANA_OK)
		rc = cli_fail(r, "present");
out:
	if (sk != NULL)
		sodium_free(sk);
	cred_store_free(&st);
	cred_store_creds_free(creds, n);
	amana_request_free(&req);
	free(rq);
	free(resp);
	return rc;
}
