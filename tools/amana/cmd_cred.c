/* cmd_cred.c: `amana cred ...`: the wallet's device key and the credentials
 * it holds (keygen, device-key, import, list, show), kept in the vault or a
 * plain wallet directory (cred_store.h). */
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
	cred_store_where_t where;
	const char *pos, *out;
	bool json;
} copts_t;

static int parse(int argc, char **argv, copts_t *o)
{
	memset(o, 0, sizeof(*o));
	cred_store_where_init(&o->where);
	for (int i = 1; i < argc; i++) {
		int used = cred_store_arg(&o->where, argc, argv, &i);
		if (used == CLI_EXIT_USAGE)
			return used;
		if (used == 1)
			continue;
		if (strcmp(argv[i], "--json") == 0)
			o->json = true;
		else if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--out") == 0) && i + 1 < argc)
			o->out = argv[++i];
		else if (argv[i][0] != '-' && o->pos == NULL)
			o->pos = argv[i];
		else
			return cli_usage_error("unexpected argument '%s'", argv[i]);
	}
	return CLI_EXIT_OK;
}

static int print_pk(const uint8_t pk[32], const char *out)
{
	char hex[66];
	credio_hex(pk, 32, hex);
	if (out != NULL) {
		hex[64] = '\n';
		int r = credio_write(out, (const uint8_t *)hex, 65, 0644);
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
	cred_store_t *s = NULL;
	uint8_t pk[32];
	int rc = parse(argc, argv, &o);
	if (rc == CLI_EXIT_OK)
		rc = cred_store_open_cli(&o.where, &s);
	if (rc != CLI_EXIT_OK)
		return rc;
	int r = cred_store_keygen(s, pk);
	if (r != AMANA_OK)
		rc = cli_fail(r, "device key in %s", cred_store_path(s));
	else
		fprintf(stderr, "device key created in %s%s; public key:\n", cred_store_path(s),
		    cred_store_is_vault(s) ? " (vault record " CRED_STORE_KEY_NAME ")" : "/device.key");
	cred_store_free(&s);
	return rc == CLI_EXIT_OK ? print_pk(pk, o.out) : rc;
}

static int cred_device_key(int argc, char **argv)
{
	copts_t o;
	cred_store_t *s = NULL;
	uint8_t pk[32];
	int rc = parse(argc, argv, &o);
	if (rc == CLI_EXIT_OK)
		rc = cred_store_open_cli(&o.where, &s);
	if (rc != CLI_EXIT_OK)
		return rc;
	uint8_t *sk = sodium_malloc(64);
	int r = sk == NULL ? AMANA_ERR_NOMEM : cred_store_device_key(s, sk);
	if (r == AMANA_OK)
		memcpy(pk, sk + 32, 32);
	else
		rc = cli_fail(r, "no device key in %s (run 'amana cred keygen')", cred_store_path(s));
	if (sk != NULL)
		sodium_free(sk);
	cred_store_free(&s);
	return rc == CLI_EXIT_OK ? print_pk(pk, o.out) : rc;
}

static int cred_import(int argc, char **argv)
{
	copts_t o;
	cred_store_t *s = NULL;
	int rc = parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.pos == NULL)
		return cli_usage_error("import needs a credential file");
	uint8_t *buf = NULL, *sk = NULL;
	size_t n;
	amana_mdoc_t *m = NULL;
	/* the file first: a bad one costs no unlock */
	int r = credio_read(o.pos, AMANA_MDOC_MAX_BYTES, &buf, &n);
	if (r == AMANA_OK)
		r = amana_mdoc_parse(buf, n, &m);
	if (r != AMANA_OK) {
		free(buf);
		return cli_fail(r, "%s", o.pos);
	}
	if ((rc = cred_store_open_cli(&o.where, &s)) != CLI_EXIT_OK) {
		amana_mdoc_free(&m);
		free(buf);
		return rc;
	}
	/* a credential bound to another device could never be presented */
	sk = sodium_malloc(64);
	r = sk == NULL ? AMANA_ERR_NOMEM : cred_store_device_key(s, sk);
	amana_cose_key_t mine = {AMANA_COSE_KTY_OKP, AMANA_COSE_CRV_ED25519, {0}, {0}};
	if (r == AMANA_OK)
		memcpy(mine.x, sk + 32, 32);
	if (sk != NULL)
		sodium_free(sk);
	if (r == AMANA_OK && !amana_cose_key_eq(&mine, amana_mdoc_device_key(m)))
		r = AMANA_ERR_MDOC_DEVICE_KEY;
	uint8_t h[32];
	char hex[17], name[CRED_STORE_NAME];
	crypto_hash_sha256(h, buf, n);
	credio_hex(h, 8, hex);
	snprintf(name, sizeof(name), "%.46s-%s", amana_mdoc_doctype(m), hex);
	if (r == AMANA_OK)
		r = cred_store_put(s, name, buf, n);
	if (r == AMANA_OK)
		printf("imported %s (%zu elements) as %s\n", amana_mdoc_doctype(m),
		    amana_mdoc_element_count(m), name);
	else
		rc = cli_fail(r, "import %s into %s", o.pos, cred_store_path(s));
	cred_store_free(&s);
	amana_mdoc_free(&m);
	free(buf);
	return rc;
}

static int cred_list_show(int argc, char **argv, bool show)
{
	copts_t o;
	int rc = parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (show && o.pos == NULL)
		return cli_usage_error("show needs a credential name (see 'amana cred list')");
	cred_store_t *st = NULL;
	if ((rc = cred_store_open_cli(&o.where, &st)) != CLI_EXIT_OK)
		return rc;
	amana_mdoc_t *creds[CRED_STORE_MAX];
	char names[CRED_STORE_MAX][CRED_STORE_NAME];
	size_t n;
	int r = cred_store_load(st, creds, names, &n);
	if (r != AMANA_OK) {
		rc = cli_fail(r, "credentials in %s", cred_store_path(st));
		cred_store_free(&st);
		return rc;
	}
	cred_store_free(&st); /* the credentials are parsed copies */
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
	cred_store_creds_free(creds, n);
	if (show && shown == 0)
		return cli_fail(AMANA_ERR_NOT_FOUND, "credential %s", o.pos);
	return CLI_EXIT_OK;
}

/* Moves a wallet directory (docs/0305) into a vault: the device key and
 * every credential become records, then the directory's files are removed.
 * Each record is its own vault transaction; the wallet is removed only
 * after all of them, so an interruption leaves it whole and a rerun
 * finishes the move (the same key and names are accepted again). */
static int cred_migrate(int argc, char **argv)
{
	copts_t o;
	cred_store_t *from = NULL, *to = NULL;
	int rc = parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.where.wallet == NULL || o.where.vault == NULL)
		return cli_usage_error("migrate needs --wallet DIR and --vault DIR");
	cred_store_where_t w = o.where, v = o.where;
	vault_unlock_init(&w.unlock);
	w.vault = NULL;
	v.wallet = NULL;
	amana_mdoc_t *creds[CRED_STORE_MAX];
	char names[CRED_STORE_MAX][CRED_STORE_NAME];
	size_t n = 0;
	uint8_t *sk = sodium_malloc(64);
	int r;
	if (sk == NULL)
		return cli_fail(AMANA_ERR_NOMEM, "migrate");
	if ((rc = cred_store_open_cli(&w, &from)) != CLI_EXIT_OK)
		goto out;
	if ((r = cred_store_device_key(from, sk)) != AMANA_OK) {
		rc = cli_fail(r, "device key in %s", o.where.wallet);
		goto out;
	}
	if ((r = cred_store_load(from, creds, names, &n)) != AMANA_OK) {
		rc = cli_fail(r, "credentials in %s", o.where.wallet);
		goto out;
	}
	if ((rc = cred_store_open_cli(&v, &to)) != CLI_EXIT_OK)
		goto out;
	if ((r = cred_store_keep_key(to, sk)) != AMANA_OK) {
		rc = cli_fail(r, "device key: the vault %s%s", o.where.vault,
		    r == AMANA_ERR_EXISTS ? " holds another one" : "");
		goto out;
	}
	for (size_t k = 0; k < n && r == AMANA_OK; k++) {
		const uint8_t *p;
		size_t len;
		amana_mdoc_bytes(creds[k], &p, &len);
		r = cred_store_put(to, names[k], p, len);
	}
	if (r == AMANA_OK)
		r = cred_store_wallet_erase(from, names, n);
	if (r != AMANA_OK) {
		rc = cli_fail(r, "migrate %s into %s", o.where.wallet, o.where.vault);
		goto out;
	}
	printf("moved the device key and %zu credential(s) from %s into the vault %s; "
	    "the wallet's files are removed\n", n, o.where.wallet, o.where.vault);
out:
	sodium_free(sk);
	cred_store_creds_free(creds, n);
	cred_store_free(&from);
	cred_store_free(&to);
	return rc;
}

static int cred_list(int argc, char **argv) { return cred_list_show(argc, argv, false); }
static int cred_show(int argc, char **argv) { return cred_list_show(argc, argv, true); }

#define STORE_HELP \
	"The store: --vault DIR (the default; else $AMANA_VAULT_DIR, else\n" \
	"~/.amana/vault when it is a vault) keeps the device key and the\n" \
	"credentials as encrypted vault records. --wallet DIR (else\n" \
	"$AMANA_WALLET_DIR, else ~/.amana/wallet) is the older plain directory\n" \
	"(device.key as a 0600 file).\n\n" VAULT_UNLOCK_HELP

static const cli_cmd_t cred_cmds[] = {
	{"keygen", cred_keygen, "create the wallet's device key",
	    "usage: amana cred keygen [--vault DIR | --wallet DIR] [-o PUBFILE]\n\n"
	    "Creates the device key (Ed25519) and prints the public key (hex) that\n"
	    "the issuer binds credentials to; the secret key never leaves the store.\n\n"
	    STORE_HELP},
	{"device-key", cred_device_key, "print the device public key",
	    "usage: amana cred device-key [--vault DIR | --wallet DIR] [-o PUBFILE]\n\n" STORE_HELP},
	{"import", cred_import, "keep an issued credential",
	    "usage: amana cred import FILE [--vault DIR | --wallet DIR]\n\n"
	    "Checks the credential (shape, digests, bound to this device) and keeps it.\n\n"
	    STORE_HELP},
	{"migrate", cred_migrate, "move a wallet directory into the vault",
	    "usage: amana cred migrate --wallet DIR --vault DIR\n\n"
	    "Stores the wallet directory's device key and credentials as vault\n"
	    "records, then removes its device.key and creds/*.mdoc. Refused when\n"
	    "the vault already holds another device key. A rerun after an\n"
	    "interruption finishes the move.\n\n" VAULT_UNLOCK_HELP},
	{"list", cred_list, "list the credentials held",
	    "usage: amana cred list [--vault DIR | --wallet DIR] [--json]\n\n" STORE_HELP},
	{"show", cred_show, "show a credential's elements",
	    "usage: amana cred show NAME [--vault DIR | --wallet DIR] [--json]\n\n" STORE_HELP},
};

int cmd_cred(int argc, char **argv)
{
	if (sodium_init() < 0)
		return cli_fail(AMANA_ERR_CRYPTO, "libsodium");
	return cli_dispatch("the worker's credentials", cred_cmds,
	    sizeof(cred_cmds) / sizeof(cred_cmds[0]), argc, argv);
}
