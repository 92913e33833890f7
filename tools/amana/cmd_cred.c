/* cmd_cred.c: `amana cred ...`: the wallet's device key and the credentials
 * it holds (keygen, device-key, import, list, show). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "amana/err.h"
#include "amana/mdoc.h"
#include "cli.h"
#include "cred_store.h"
#include "credio.h"

int cmd_cred(int argc, char **argv);

typedef struct copts {
	const char *wallet, *pos, *out;
	bool json;
} copts_t;

static int parse(int argc, char **argv, copts_t *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			o->json = true;
		else if (strcmp(argv[i], "--wallet") == 0 && i + 1 < argc)
			o->wallet = argv[++i];
		else if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--out") == 0) && i + 1 < argc)
			o->out = argv[++i];
		else if (argv[i][0] != '-' && o->pos == NULL)
			o->pos = argv[i];
		else
			return cli_usage_error("unexpected argument '%s'", argv[i]);
	}
	return CLI_EXIT_OK;
}

static int print_pk(const char *dir, const char *out)
{
	uint8_t sk[64];
	char hex[66];
	int r = cred_store_device_key(dir, sk);
	if (r != AMANA_OK)
		return cli_fail(r, "no device key in %s (run 'amana cred keygen')", dir);
	credio_hex(sk + 32, 32, hex);
	sodium_memzero(sk, sizeof(sk));
	if (out != NULL) {
		hex[64] = '\n';
		r = credio_write(out, (const uint8_t *)hex, 65, 0644);
		hex[64] = '\0';
		if (r != AMANA_OK)
			return cli_fail(r, "%s", out);
	}
	printf("%s\n", hex);
	return CLI_EXIT_OK;
}

static int cred_keygen(int argc, char **argv)
{
	copts_t o;
	char dir[4096], p[4200];
	int rc = parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cred_store_dir(o.wallet, dir, sizeof(dir)) != AMANA_OK)
		return cli_usage_error("no wallet directory: use --wallet DIR");
	struct stat st;
	snprintf(p, sizeof(p), "%s/device.key", dir);
	if (stat(p, &st) == 0)
		return cli_fail(AMANA_ERR_EXISTS, "%s", p);
	char parent[4200];
	snprintf(parent, sizeof(parent), "%s", dir);
	for (char *s = parent + 1; *s != '\0'; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(parent, 0700);
			*s = '/';
		}
	mkdir(dir, 0700);
	uint8_t pk[32], sk[64];
	crypto_sign_keypair(pk, sk);
	int r = credio_write(p, sk, 64, 0600);
	sodium_memzero(sk, sizeof(sk));
	if (r != AMANA_OK)
		return cli_fail(r, "%s", p);
	fprintf(stderr, "device key created in %s; public key:\n", p);
	return print_pk(dir, o.out);
}

static int cred_device_key(int argc, char **argv)
{
	copts_t o;
	char dir[4096];
	int rc = parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cred_store_dir(o.wallet, dir, sizeof(dir)) != AMANA_OK)
		return cli_usage_error("no wallet directory: use --wallet DIR");
	return print_pk(dir, o.out);
}

static int cred_import(int argc, char **argv)
{
	copts_t o;
	char dir[4096], p[4200];
	int rc = parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.pos == NULL)
		return cli_usage_error("import needs a credential file");
	if (cred_store_dir(o.wallet, dir, sizeof(dir)) != AMANA_OK)
		return cli_usage_error("no wallet directory: use --wallet DIR");
	uint8_t *buf = NULL, sk[64];
	size_t n;
	amana_mdoc_t *m = NULL;
	int r = credio_read(o.pos, AMANA_MDOC_MAX_BYTES, &buf, &n);
	if (r == AMANA_OK)
		r = amana_mdoc_parse(buf, n, &m);
	if (r != AMANA_OK) {
		free(buf);
		return cli_fail(r, "%s", o.pos);
	}
	/* a credential bound to another device could never be presented */
	r = cred_store_device_key(dir, sk);
	amana_cose_key_t mine = {AMANA_COSE_KTY_OKP, AMANA_COSE_CRV_ED25519, {0}, {0}};
	memcpy(mine.x, sk + 32, 32);
	sodium_memzero(sk, sizeof(sk));
	if (r == AMANA_OK && !amana_cose_key_eq(&mine, amana_mdoc_device_key(m)))
		r = AMANA_ERR_MDOC_DEVICE_KEY;
	uint8_t h[32];
	char hex[17];
	crypto_hash_sha256(h, buf, n);
	credio_hex(h, 8, hex);
	snprintf(p, sizeof(p), "%s/creds", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/creds/%s-%s.mdoc", dir, amana_mdoc_doctype(m), hex);
	if (r == AMANA_OK)
		r = credio_write(p, buf, n, 0600);
	if (r == AMANA_OK)
		printf("imported %s (%zu elements) as %s-%s\n", amana_mdoc_doctype(m),
		    amana_mdoc_element_count(m), amana_mdoc_doctype(m), hex);
	amana_mdoc_free(&m);
	free(buf);
	return r == AMANA_OK ? CLI_EXIT_OK : cli_fail(r, "import %s", o.pos);
}

static int cred_list_show(int argc, char **argv, bool show)
{
	copts_t o;
	char dir[4096];
	int rc = parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (show && o.pos == NULL)
		return cli_usage_error("show needs a credential name (see 'amana cred list')");
	if (cred_store_dir(o.wallet, dir, sizeof(dir)) != AMANA_OK)
		return cli_usage_error("no wallet directory: use --wallet DIR");
	amana_mdoc_t *creds[CRED_STORE_MAX];
	char names[CRED_STORE_MAX][64];
	size_t n;
	int r = cred_store_load(dir, creds, names, &n);
	if (r != AMANA_OK)
		return cli_fail(r, "%s", dir);
	cli_json_t j;
	if (o.json) {
		cli_json_begin(&j, stdout);
		cli_json_key(&j, "credentials");
		cli_json_array(&j);
	}
	size_t shown = 0;
	for (size_t k = 0; k < n; k++) {
		if (show && strcmp(names[k], o.pos) != 0)
			continue;
		shown++;
		int64_t s, from, until;
		char f[21], u[21];
		amana_mdoc_validity(creds[k], &s, &from, &until);
		amana_mdoc_time_format(from, f);
		amana_mdoc_time_format(until, u);
		if (o.json) {
			cli_json_object(&j);
			cli_json_key(&j, "name");
			cli_json_str(&j, names[k]);
			cli_json_key(&j, "docType");
			cli_json_str(&j, amana_mdoc_doctype(creds[k]));
			cli_json_key(&j, "validFrom");
			cli_json_str(&j, f);
			cli_json_key(&j, "validUntil");
			cli_json_str(&j, u);
			cli_json_key(&j, "elements");
			cli_json_object(&j);
		} else {
			printf("%s  %s  valid %s .. %s  %zu elements\n", names[k],
			    amana_mdoc_doctype(creds[k]), f, u, amana_mdoc_element_count(creds[k]));
		}
		for (size_t e = 0; show && e < amana_mdoc_element_count(creds[k]); e++) {
			const char *ns, *id;
			char val[512];
			if (amana_mdoc_element(creds[k], e, &ns, &id, val, sizeof(val)) != AMANA_OK)
				continue;
			if (o.json) {
				cli_json_key(&j, id);
				cli_json_str(&j, val);
			} else {
				printf("    %-34s %s\n", id, val);
			}
		}
		if (o.json) {
			cli_json_close(&j);
			cli_json_close(&j);
		}
	}
	if (o.json) {
		cli_json_close(&j);
		cli_json_end(&j);
	}
	cred_store_free(creds, n);
	if (show && shown == 0)
		return cli_fail(AMANA_ERR_NOT_FOUND, "credential %s", o.pos);
	return CLI_EXIT_OK;
}

static int cred_list(int argc, char **argv) { return cred_list_show(argc, argv, false); }
static int cred_show(int argc, char **argv) { return cred_list_show(argc, argv, true); }

static const cli_cmd_t cred_cmds[] = {
	{"keygen", cred_keygen, "create the wallet's device key",
	    "usage: amana cred keygen [--wallet DIR] [-o PUBFILE]\n\n"
	    "Creates DIR/device.key and prints the public key (hex) that the\n"
	    "issuer binds credentials to.\n"},
	{"device-key", cred_device_key, "print the device public key",
	    "usage: amana cred device-key [--wallet DIR] [-o PUBFILE]\n"},
	{"import", cred_import, "keep an issued credential",
	    "usage: amana cred import FILE [--wallet DIR]\n\n"
	    "Checks the credential (shape, digests, bound to this device) and keeps it.\n"},
	{"list", cred_list, "list the credentials held",
	    "usage: amana cred list [--wallet DIR] [--json]\n"},
	{"show", cred_show, "show a credential's elements",
	    "usage: amana cred show NAME [--wallet DIR] [--json]\n"},
};

int cmd_cred(int argc, char **argv)
{
	if (sodium_init() < 0)
		return cli_fail(AMANA_ERR_CRYPTO, "libsodium");
	return cli_dispatch("the worker's credentials", cred_cmds,
	    sizeof(cred_cmds) / sizeof(cred_cmds[0]), argc, argv);
}
