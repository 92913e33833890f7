/* amana-issuer: the issuing authority's program (NGO desk, agency).
 *   init        authority root and document-signer keys and certificates
 *   issue       a credential for a wallet's device key from claims
 *   schema      the elements of a credential type
 *   trust-key   the trust-list authority's signing key
 *   trust-list  a signed list of issuing-authority roots for verifiers
 * Keys are files of 64 bytes (mode 0600); certificates are DER. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "amana/err.h"
#include "amana/issuer.h"
#include "amana/trust.h"
#include "cli.h"
#include "credio.h"

#define MAX_CLAIMS AMANA_MDOC_MAX_ELEMENTS
#define DAY 86400

typedef struct opts {
	const char *dir, *doctype, *device_key, *claims_file, *out, *status_uri;
	const char *authority, *signer_name, *country, *schema_dir, *signer;
	const char *roots[AMANA_TRUST_MAX_ROOTS];
	size_t nroots;
	const char *claim_args[MAX_CLAIMS];
	size_t nclaim_args;
	int64_t now;
	uint64_t status_idx, days;
	bool has_idx, json;
	const char *pos;
} opts_t;

static int parse(int argc, char **argv, opts_t *o)
{
	memset(o, 0, sizeof(*o));
	o->now = (int64_t)time(NULL);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0) {
			o->json = true;
			continue;
		}
		if (a[0] != '-') {
			if (o->pos != NULL)
				return cli_usage_error("unexpected argument '%s'", a);
			o->pos = a;
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage_error("%s needs a value", a);
		const char *v = argv[++i];
		if (strcmp(a, "--dir") == 0) o->dir = v;
		else if (strcmp(a, "--doctype") == 0) o->doctype = v;
		else if (strcmp(a, "--device-key") == 0) o->device_key = v;
		else if (strcmp(a, "--claims") == 0) o->claims_file = v;
		else if (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) o->out = v;
		else if (strcmp(a, "--status-uri") == 0) o->status_uri = v;
		else if (strcmp(a, "--authority") == 0) o->authority = v;
		else if (strcmp(a, "--signer-name") == 0) o->signer_name = v;
		else if (strcmp(a, "--country") == 0) o->country = v;
		else if (strcmp(a, "--schema-dir") == 0) o->schema_dir = v;
		else if (strcmp(a, "--signer") == 0) o->signer = v;
		else if (strcmp(a, "--root") == 0) {
			if (o->nroots >= AMANA_TRUST_MAX_ROOTS)
				return cli_usage_error("too many --root");
			o->roots[o->nroots++] = v;
		} else if (strcmp(a, "--claim") == 0) {
			if (o->nclaim_args >= MAX_CLAIMS)
				return cli_usage_error("too many --claim");
			o->claim_args[o->nclaim_args++] = v;
		} else if (strcmp(a, "--now") == 0) {
			if (credio_parse_time(v, &o->now) != AMANA_OK)
				return cli_usage_error("bad time '%s'", v);
		} else if (strcmp(a, "--status-idx") == 0) {
			if (!cli_parse_u64(v, UINT32_MAX, &o->status_idx))
				return cli_usage_error("bad index '%s'", v);
			o->has_idx = true;
		} else if (strcmp(a, "--days") == 0) {
			if (!cli_parse_u64(v, 36600, &o->days) || o->days == 0)
				return cli_usage_error("bad number of days '%s'", v);
		} else {
			return cli_usage_error("unknown option '%s'", a);
		}
	}
	return CLI_EXIT_OK;
}

static int path_in(char *out, size_t cap, const char *dir, const char *name)
{
	return snprintf(out, cap, "%s/%s", dir, name) < (int)cap ? AMANA_OK : AMANA_ERR_ARG;
}

static int cmd_init(int argc, char **argv)
{
	opts_t o;
	int rc = parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.dir == NULL)
		return cli_usage_error("init needs --dir");
	char p[4096];
	struct stat st;
	path_in(p, sizeof(p), o.dir, "root.key");
	if (stat(p, &st) == 0)
		return cli_fail(AMANA_ERR_EXISTS, "%s", p);
	if (mkdir(o.dir, 0700) != 0 && stat(o.dir, &st) != 0)
		return cli_fail(AMANA_ERR_IO, "cannot create %s", o.dir);
	uint8_t root_sk[64], ds_sk[64];
	uint8_t *root = NULL, *ds = NULL;
	size_t root_len = 0, ds_len = 0;
	int64_t start = o.now - DAY;
	int r = amana_issuer_cert_create(o.authority ? o.authority : "amana issuing authority",
	    o.country, NULL, NULL, 0, start, o.now + 10 * 365 * (int64_t)DAY, root_sk,
	    &root, &root_len);
	if (r == AMANA_OK)
		r = amana_issuer_cert_create(o.signer_name ? o.signer_name : "amana document signer",
		    o.country, root_sk, root, root_len, start, o.now + 3 * 365 * (int64_t)DAY,
		    ds_sk, &ds, &ds_len);
	const struct { const char *name; const uint8_t *p; size_t n; mode_t m; } files[] = {
		{"root.key", root_sk, 64, 0600}, {"root.crt", root, root_len, 0644},
		{"ds.key", ds_sk, 64, 0600}, {"ds.crt", ds, ds_len, 0644},
	};
	for (size_t k = 0; k < 4 && r == AMANA_OK; k++) {
		path_in(p, sizeof(p), o.dir, files[k].name);
		r = credio_write(p, files[k].p, files[k].n, files[k].m);
	}
	sodium_memzero(root_sk, sizeof(root_sk));
	sodium_memzero(ds_sk, sizeof(ds_sk));
	if (r == AMANA_OK) {
		uint8_t h[32];
		char hex[65];
		crypto_hash_sha256(h, root, root_len);
		credio_hex(h, 32, hex);
		printf("issuer directory %s: root.key root.crt ds.key ds.crt\n"
		    "root certificate SHA-256 %s\n", o.dir, hex);
	}
	free(root);
	free(ds);
	return r == AMANA_OK ? CLI_EXIT_OK : cli_fail(r, "init %s", o.dir);
}

/* "id = value" lines; '#' starts a comment. Values point into text. */
static int parse_claims(char *text, amana_claim_t *c, size_t *n)
{
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ' || *line == '\t')
			line++;
		size_t len = strlen(line);
		while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		char *eq = strchr(line, '=');
		if (eq == NULL || *n >= MAX_CLAIMS)
			return AMANA_ERR_FORMAT;
		char *end = eq;
		while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		*end = '\0';
		char *v = eq + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		c[*n].id = line;
		c[(*n)++].value = v;
	}
	return AMANA_OK;
}

static int cmd_issue(int argc, char **argv)
{
	opts_t o;
	int rc = parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.dir == NULL || o.doctype == NULL || o.device_key == NULL || o.out == NULL)
		return cli_usage_error("issue needs --dir, --doctype, --device-key and -o");
	if ((o.status_uri != NULL) != o.has_idx)
		return cli_usage_error("--status-uri and --status-idx go together");
	amana_schema_t schema;
	int r = amana_schema_load(o.schema_dir, o.doctype, &schema);
	if (r != AMANA_OK)
		return cli_fail(r, "schema %s", o.doctype);
	amana_issue_params_t p;
	memset(&p, 0, sizeof(p));
	amana_claim_t claims[MAX_CLAIMS];
	size_t nclaims = 0;
	uint8_t *text = NULL, *ds = NULL, *out = NULL;
	size_t text_len, ds_len, out_len;
	uint8_t ds_sk[64];
	char path[4096];
	if (o.claims_file != NULL) {
		r = credio_read(o.claims_file, 65536, &text, &text_len);
		if (r != AMANA_OK)
			return cli_fail(r, "%s", o.claims_file);
		text[text_len] = '\0';
		if (parse_claims((char *)text, claims, &nclaims) != AMANA_OK) {
			free(text);
			return cli_fail(AMANA_ERR_FORMAT, "%s: want 'id = value' lines", o.claims_file);
		}
	}
	for (size_t k = 0; k < o.nclaim_args; k++) {
		char *eq = strchr(o.claim_args[k], '=');
		if (eq == NULL || nclaims >= MAX_CLAIMS) {
			free(text);
			return cli_usage_error("--claim wants id=value");
		}
		*eq = '\0';
		claims[nclaims].id = o.claim_args[k];
		claims[nclaims++].value = eq + 1;
	}
	r = credio_read_pk(o.device_key, p.device_pk);
	if (r != AMANA_OK) {
		free(text);
		return cli_fail(r, "device key %s", o.device_key);
	}
	path_in(path, sizeof(path), o.dir, "ds.key");
	r = credio_read_sk(path, ds_sk);
	if (r == AMANA_OK) {
		path_in(path, sizeof(path), o.dir, "ds.crt");
		r = credio_read(path, 65536, &ds, &ds_len);
	}
	if (r != AMANA_OK) {
		sodium_memzero(ds_sk, sizeof(ds_sk)); /* read before ds.crt failed */
		free(text);
		return cli_fail(r, "%s", path);
	}
	p.schema = &schema;
	p.claims = claims;
	p.nclaims = nclaims;
	p.ds_sk = ds_sk;
	p.ds_cert = ds;
	p.ds_cert_len = ds_len;
	p.signed_at = p.valid_from = o.now;
	p.valid_until = o.now + (int64_t)(o.days ? o.days : schema.validity_days) * DAY;
	p.status_uri = o.status_uri;
	p.status_idx = o.status_idx;
	r = amana_issuer_issue(&p, &out, &out_len);
	sodium_memzero(ds_sk, sizeof(ds_sk));
	if (r == AMANA_OK)
		r = credio_write(o.out, out, out_len, 0644);
	if (r == AMANA_OK && strcmp(o.out, "-") != 0) {
		char from[21], until[21];
		amana_mdoc_time_format(p.valid_from, from);
		amana_mdoc_time_format(p.valid_until, until);
		printf("issued %s with %zu elements (%zu bytes) valid %s .. %s -> %s\n",
		    o.doctype, nclaims, out_len, from, until, o.out);
	}
	free(text);
	free(ds);
	free(out);
	return r == AMANA_OK ? CLI_EXIT_OK : cli_fail(r, "issue %s", o.doctype);
}

static const char *const type_names[] = {"tstr", "uint", "bool", "full-date", "tstr-list"};

static int cmd_schema(int argc, char **argv)
{
	opts_t o;
	int rc = parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.pos == NULL)
		return cli_usage_error("schema needs a document type");
	amana_schema_t s;
	int r = amana_schema_load(o.schema_dir, o.pos, &s);
	if (r != AMANA_OK)
		return cli_fail(r, "schema %s (in %s)", o.pos,
		    o.schema_dir ? o.schema_dir : amana_schema_dir());
	printf("%s: %s (namespace %s, valid %u days)\n", s.doctype, s.title, s.ns,
	    s.validity_days);
	for (size_t k = 0; k < s.nelems; k++)
		printf("  %-34s %-9s %-8s %s\n", s.elems[k].id, type_names[s.elems[k].type],
		    s.elems[k].required ? "required" : "optional", s.elems[k].label);
	return CLI_EXIT_OK;
}

static int cmd_trust_key(int argc, char **argv)
{
	opts_t o;
	int rc = parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.out == NULL)
		return cli_usage_error("trust-key needs -o FILE");
	uint8_t sk[64], pk[32];
	char hex[65], pub[4096];
	crypto_sign_keypair(pk, sk);
	credio_hex(pk, 32, hex);
	hex[64] = '\n';
	snprintf(pub, sizeof(pub), "%s.pub", o.out);
	int r = credio_write(o.out, sk, 64, 0600);
	sodium_memzero(sk, sizeof(sk));
	if (r == AMANA_OK)
		r = credio_write(pub, (const uint8_t *)hex, 65, 0644);
	if (r != AMANA_OK)
		return cli_fail(r, "%s", o.out);
	printf("trust-list signing key %s, public key %s (pin it in verifiers)\n", o.out, pub);
	return CLI_EXIT_OK;
}

static int cmd_trust_list(int argc, char **argv)
{
	opts_t o;
	int rc = parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.signer == NULL || o.nroots == 0 || o.out == NULL)
		return cli_usage_error("trust-list needs --signer, --root NAME=FILE and -o");
	uint8_t sk[64];
	int r = credio_read_sk(o.signer, sk);
	if (r != AMANA_OK)
		return cli_fail(r, "%s", o.signer);
	uint8_t *der[AMANA_TRUST_MAX_ROOTS] = {0};
	size_t len[AMANA_TRUST_MAX_ROOTS];
	char names[AMANA_TRUST_MAX_ROOTS][96];
	const char *name_ptr[AMANA_TRUST_MAX_ROOTS];
	for (size_t k = 0; k < o.nroots && r == AMANA_OK; k++) {
		const char *eq = strchr(o.roots[k], '=');
		const char *file = eq != NULL ? eq + 1 : o.roots[k];
		snprintf(names[k], sizeof(names[k]), "%.*s",
		    eq != NULL ? (int)(eq - o.roots[k]) : (int)strlen(file),
		    eq != NULL ? o.roots[k] : file);
		name_ptr[k] = names[k];
		r = credio_read(file, 65536, &der[k], &len[k]);
		if (r != AMANA_OK)
			cli_fail(r, "%s", file);
	}
	uint8_t *out = NULL;
	size_t out_len;
	int64_t days = (int64_t)(o.days ? o.days : 90);
	if (r == AMANA_OK)
		r = amana_trust_list_create((const uint8_t *const *)der, len, name_ptr,
		    o.nroots, o.now, o.now + days * DAY, sk, &out, &out_len);
	sodium_memzero(sk, sizeof(sk));
	if (r == AMANA_OK)
		r = credio_write(o.out, out, out_len, 0644);
	if (r == AMANA_OK)
		printf("trust list with %zu root(s), valid %lld days -> %s\n", o.nroots,
		    (long long)days, o.out);
	for (size_t k = 0; k < o.nroots; k++)
		free(der[k]);
	free(out);
	return r == AMANA_OK ? CLI_EXIT_OK : cli_fail(r, "trust-list");
}

int cmd_status(int argc, char **argv); /* status.c */
extern const char usage_status[];
int cmd_registry(int argc, char **argv); /* registry.c (issue 8) */
extern const char usage_registry[];

static const cli_cmd_t commands[] = {
	{"init", cmd_init, "create the authority root and a document signer",
	    "usage: amana-issuer init --dir DIR [--authority NAME] [--signer-name NAME]\n"
	    "                         [--country CC] [--now TIME]\n\n"
	    "Creates DIR/root.key, root.crt (self-signed CA, 10 years), ds.key and\n"
	    "ds.crt (document signer certified by the root, 3 years). Ed25519.\n"},
	{"issue", cmd_issue, "issue a credential to a wallet",
	    "usage: amana-issuer issue --dir DIR --doctype TYPE --device-key HEX|FILE\n"
	    "         [--claims FILE] [--claim id=value]... [--status-uri URI --status-idx N]\n"
	    "         [--days N] [--now TIME] [--schema-dir DIR] -o OUT\n\n"
	    "Claims are 'id = value' lines, typed by the schema of TYPE (see\n"
	    "'amana-issuer schema TYPE'). The device key is the wallet's Ed25519\n"
	    "public key ('amana cred device-key'). Writes the issued credential.\n"},
	{"schema", cmd_schema, "list the elements of a credential type",
	    "usage: amana-issuer schema TYPE [--schema-dir DIR]\n\n"
	    "Types: org.amana.worker.identity.1, org.amana.worker.entitlement.1.\n"},
	{"trust-key", cmd_trust_key, "create the trust-list signing key",
	    "usage: amana-issuer trust-key -o FILE\n\n"
	    "Writes FILE (secret, 0600) and FILE.pub (hex public key to pin).\n"},
	{"trust-list", cmd_trust_list, "sign a list of issuing-authority roots",
	    "usage: amana-issuer trust-list --signer KEY --root NAME=CERT... [--days N]\n"
	    "         [--now TIME] -o OUT\n\n"
	    "Verifiers load OUT with 'amana-verify check --trust OUT --trust-key PUB'.\n"},
	{"status", cmd_status, "keep and publish status lists (revocation)", usage_status},
	{"registry", cmd_registry, "who was issued what, when; revoke by case", usage_registry},
};

int main(int argc, char **argv)
{
	cli_set_prog("amana-issuer");
	if (sodium_init() < 0)
		return cli_fail(AMANA_ERR_CRYPTO, "libsodium");
	return cli_dispatch("issue worker credentials (ISO 18013-5 mdoc)", commands,
	    sizeof(commands) / sizeof(commands[0]), argc, argv);
}
