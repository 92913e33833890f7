/* qr.c: `amana-verify qr scan|encode`: the QR transport by hand
 * (docs/0401-compact-transport.md). scan reads photos or screenshots
 * (PNG, JPEG or PGM; several codes per picture, parts in any order, over as
 * many pictures as needed) and writes the reassembled payload; encode
 * shows any file (a DeviceResponse, a status list) as QR codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/qr.h"
#include "cli.h"
#include "credio.h"
#include "verify_cmds.h"

const char usage_qr[] =
    "usage: amana-verify qr scan IMAGE... [--dict FILE]... -o OUT\n"
    "       amana-verify qr encode FILE [--png OUT.png] [--text] [--base45] [--dict FILE]\n"
    "                              [--ecc L|M|Q|H] [--max-version N] [--max-parts N]\n\n"
    "scan finds amana QR codes in photos or screenshots (PNG, JPEG, PGM), puts\n"
    "the parts of a multi-code set together in whatever order they come, checks\n"
    "the set's SHA-256 and writes the payload (e.g. a DeviceResponse for\n"
    "'check'). A missing part or a code from another set is an error that\n"
    "names it. encode compacts FILE (deflate) and draws it as one QR code or\n"
    "as a numbered set: PNG files (OUT.png, or OUT-1.png ... for a set) and/or\n"
    "the terminal (--text). Binary mode by default; --base45 for text-only\n"
    "scanners. Error correction M, versions up to 40, up to 16 codes.\n"
    "--dict names a file both sides hold (the issuer's document-signer\n"
    "certificate, say) that makes the codes smaller; scan needs it too.\n";

#define QR_MAX_IMAGES 64
#define QR_MAX_DICTS 8
#define QR_MAX_DICT_FILE 16384

static int qr_scan(int argc, char **argv)
{
	const char *out = NULL, *imgs[QR_MAX_IMAGES], *dicts[QR_MAX_DICTS];
	size_t nimg = 0, ndict = 0;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--out") == 0) {
			if (++i >= argc)
				return cli_usage_error("-o needs a file");
			out = argv[i];
		} else if (strcmp(argv[i], "--dict") == 0) {
			if (++i >= argc || ndict == QR_MAX_DICTS)
				return cli_usage_error("--dict needs a file (at most %d)", QR_MAX_DICTS);
			dicts[ndict++] = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return cli_usage_error("unknown option '%s'", argv[i]);
		} else if (nimg == QR_MAX_IMAGES) {
			return cli_usage_error("too many images");
		} else {
			imgs[nimg++] = argv[i];
		}
	}
	if (nimg == 0 || out == NULL)
		return cli_usage_error("scan needs images and -o OUT");
	amana_qr_asm_t *a = NULL;
	int r = amana_qr_asm_new(&a);
	if (r != AMANA_OK)
		return cli_fail(r, "scan");
	int rc = CLI_EXIT_OK;
	uint8_t *dict_buf[QR_MAX_DICTS] = {NULL};
	for (size_t i = 0; i < ndict && rc == CLI_EXIT_OK; i++) {
		size_t dn = 0;
		r = credio_read(dicts[i], QR_MAX_DICT_FILE, &dict_buf[i], &dn);
		if (r == AMANA_OK)
			r = amana_qr_asm_add_dict(a, dict_buf[i], dn);
		if (r != AMANA_OK)
			rc = cli_fail(r, "dictionary %s", dicts[i]);
	}
	for (size_t i = 0; i < nimg && rc == CLI_EXIT_OK; i++) {
		size_t found = 0;
		r = amana_qr_scan_file(imgs[i], a, &found);
		if (r != AMANA_OK)
			rc = cli_fail(r, "%s", imgs[i]);
		else
			fprintf(stderr, "%s: %zu code(s)\n", imgs[i], found);
	}
	uint8_t *p = NULL;
	size_t n = 0;
	if (rc == CLI_EXIT_OK && (r = amana_qr_asm_finish(a, &p, &n)) != AMANA_OK) {
		if (r == AMANA_ERR_QR_INCOMPLETE && amana_qr_asm_expected(a) > 0) {
			fprintf(stderr, "%s: missing part(s) of %zu:", cli_prog(),
			    amana_qr_asm_expected(a));
			for (size_t k = 0; k < amana_qr_asm_expected(a); k++)
				if (!amana_qr_asm_has(a, k))
					fprintf(stderr, " %zu", k + 1);
			fprintf(stderr, "\n");
		}
		rc = cli_fail(r, "reassembling");
	}
	if (rc == CLI_EXIT_OK && (r = credio_write(out, p, n, 0644)) != AMANA_OK)
		rc = cli_fail(r, "%s", out);
	if (rc == CLI_EXIT_OK)
		fprintf(stderr, "%zu bytes from %zu code(s) written to %s\n", n,
		    amana_qr_asm_held(a), out);
	free(p);
	amana_qr_asm_free(&a);
	for (size_t i = 0; i < ndict; i++)
		free(dict_buf[i]);
	return rc;
}

static int qr_encode(int argc, char **argv)
{
	const char *in = NULL, *png = NULL, *dict = NULL;
	bool text = false;
	amana_qr_opts_t o;
	amana_qr_opts_default(&o);
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--text") == 0) { text = true; continue; }
		if (strcmp(a, "--base45") == 0) { o.mode = AMANA_QR_BASE45; continue; }
		if (a[0] != '-' || a[1] == '\0') {
			if (in != NULL)
				return cli_usage_error("unexpected argument '%s'", a);
			in = a;
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage_error("%s needs a value", a);
		const char *v = argv[++i];
		uint64_t u = 0;
		if (strcmp(a, "--png") == 0) {
			png = v;
		} else if (strcmp(a, "--dict") == 0) {
			dict = v;
		} else if (strcmp(a, "--ecc") == 0) {
			const char *lv = strchr("LMQH", v[0]);
			if (lv == NULL || v[0] == '\0' || v[1] != '\0')
				return cli_usage_error("--ecc L, M, Q or H");
			o.ecc = (amana_qr_ecc_t)(lv - "LMQH");
		} else if (strcmp(a, "--max-version") == 0) {
			if (!cli_parse_u64(v, 40, &u) || u == 0)
				return cli_usage_error("--max-version 1..40");
			o.max_version = (int)u;
		} else if (strcmp(a, "--max-parts") == 0) {
			if (!cli_parse_u64(v, AMANA_QR_MAX_PARTS, &u) || u == 0)
				return cli_usage_error("--max-parts 1..%u", AMANA_QR_MAX_PARTS);
			o.max_parts = (size_t)u;
		} else {
			return cli_usage_error("unknown option '%s'", a);
		}
	}
	if (in == NULL || (png == NULL && !text))
		return cli_usage_error("encode needs FILE and --png and/or --text");
	uint8_t *p = NULL, *d = NULL;
	size_t n = 0, dn = 0;
	amana_qr_set_t *s = NULL;
	int r = dict != NULL ? credio_read(dict, QR_MAX_DICT_FILE, &d, &dn) : AMANA_OK;
	if (r != AMANA_OK)
		return cli_fail(r, "dictionary %s", dict);
	o.dict.p = d;
	o.dict.n = dn;
	r = credio_read(in, AMANA_QR_MAX_PAYLOAD, &p, &n);
	if (r == AMANA_OK)
		r = amana_qr_set_new(p, n, &o, &s);
	free(p);
	free(d);
	if (r != AMANA_OK)
		return cli_fail(r, "%s", in);
	size_t count = amana_qr_set_count(s);
	fprintf(stderr, "%s: %zu bytes, compact frame %zu bytes, %zu code(s)\n", in, n,
	    amana_qr_set_frame_len(s), count);
	for (size_t k = 0; k < count && r == AMANA_OK; k++) {
		const amana_qr_code_t *c = amana_qr_set_code(s, k);
		if (png != NULL) {
			char path[4096];
			size_t pl = strlen(png);
			if (count == 1)
				snprintf(path, sizeof(path), "%s", png);
			else if (pl > 4 && strcmp(png + pl - 4, ".png") == 0)
				snprintf(path, sizeof(path), "%.*s-%zu.png", (int)(pl - 4), png, k + 1);
			else
				snprintf(path, sizeof(path), "%s-%zu.png", png, k + 1);
			r = amana_qr_code_write_png(c, path, 6);
			if (r == AMANA_OK)
				fprintf(stderr, "code %zu/%zu: version %d, %s\n", k + 1, count,
				    amana_qr_code_version(c), path);
		}
		if (r == AMANA_OK && text) {
			if (count > 1)
				printf("code %zu of %zu (version %d)\n", k + 1, count,
				    amana_qr_code_version(c));
			r = amana_qr_code_write_text(c, stdout);
		}
	}
	amana_qr_set_free(&s);
	return r == AMANA_OK ? CLI_EXIT_OK : cli_fail(r, "writing QR codes");
}

int cmd_qr(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("qr needs an action (scan, encode)");
	if (strcmp(argv[1], "scan") == 0)
		return qr_scan(argc, argv);
	if (strcmp(argv[1], "encode") == 0)
		return qr_encode(argc, argv);
	return cli_usage_error("unknown qr action '%s'", argv[1]);
}
