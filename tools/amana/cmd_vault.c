/* cmd_vault.c: `amana vault ...`, the worker's encrypted document store.
 * Thin: parse, read the secret, call libamana-vault, print. A key is kept
 * between commands only by `unlock`, in the kernel session keyring with a
 * timeout; `lock` revokes it.
 *
 * Secrets: --passphrase-fd N / --new-passphrase-fd N / --recovery-fd N read
 * one line from a file descriptor; AMANA_VAULT_TEST_PASSPHRASE (test-only:
 * the environment of a process is readable by its user) stands in for the
 * passphrase; otherwise the terminal is asked, without echo. Core dumps are
 * disabled (RLIMIT_CORE 0) and secrets live in sodium_malloc'd (mlocked)
 * memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <linux/keyctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "amana/vault.h"
#include "cli.h"
#include "vault_cli.h"
#include "vault_unlock.h"

int cmd_vault(int argc, char **argv);


int vault_cli_parse(int argc, char **argv, vopts_t *o)
{
	memset(o, 0, sizeof(*o));
	o->pass_fd = o->newpass_fd = o->recovery_fd = o->pin_fd = o->slot = o->timeout = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **sv = NULL;
		int *iv = NULL;
		if (strcmp(a, "--json") == 0) { o->json = true; continue; }
		if (strcmp(a, "--no-recovery") == 0) { o->no_recovery = true; continue; }
		if (strcmp(a, "--decoy") == 0) { o->decoy = true; continue; }
		if (strcmp(a, "--name") == 0) sv = &o->name;
		else if (strcmp(a, "--kind") == 0) sv = &o->kind;
		else if (strcmp(a, "--number") == 0) sv = &o->number;
		else if (strcmp(a, "--country") == 0) sv = &o->country;
		else if (strcmp(a, "--expiry") == 0) sv = &o->expiry;
		else if (strcmp(a, "--notes") == 0) sv = &o->notes;
		else if (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) sv = &o->out;
		else if (strcmp(a, "--recovery-png") == 0) sv = &o->png;
		else if (strcmp(a, "--passphrase-fd") == 0) iv = &o->pass_fd;
		else if (strcmp(a, "--new-passphrase-fd") == 0) iv = &o->newpass_fd;
		else if (strcmp(a, "--recovery-fd") == 0) iv = &o->recovery_fd;
		else if (strcmp(a, "--pin-fd") == 0) iv = &o->pin_fd;
		else if (strcmp(a, "--timeout") == 0) iv = &o->timeout;
		else if (strcmp(a, "--token") == 0) sv = &o->token;
		else if (strcmp(a, "--slot") == 0) iv = &o->slot;
		else if (a[0] == '-' && a[1] != '\0')
			return cli_usage_error("vault: unknown option '%s'", a);
		else {
			if (o->npos >= 4)
				return cli_usage_error("vault: too many arguments");
			o->pos[o->npos++] = a;
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage_error("vault: option '%s' needs a value", a);
		if (sv != NULL) {
			*sv = argv[++i];
		} else {
			uint64_t v;
			if (!cli_parse_u64(argv[++i], 1000000, &v))
				return cli_usage_error("vault: '%s' needs a number", a);
			*iv = (int)v;
		}
	}
	return CLI_EXIT_OK;
}

amana_vault_kdf_t vault_cli_kdf(void)
{
	return amana_vault_kdf_default();
}

/* The unlock code (reading secrets, the keyring session, opening with the
 * token, recovery words or passphrase) is in vault_unlock.c, shared with
 * amana cred and amana present; these adapt it to this file's options. */
const char *vault_cli_token_pin(const vopts_t *o, char *buf, int *err)
{
	return vault_unlock_token_pin(o->pin_fd, buf, err);
}

int vault_cli_open(const vopts_t *o, const char *dir, amana_vault_t **v)
{
	vault_unlock_t u;
	vault_unlock_init(&u);
	u.pass_fd = o->pass_fd;
	u.recovery_fd = o->recovery_fd;
	u.pin_fd = o->pin_fd;
	u.token = o->token;
	u.decoy = o->decoy;
	return vault_unlock_open(&u, dir, v);
}

int vault_cli_show_recovery(const uint8_t key[32], const char *png)
{
	char *words = sodium_malloc(AMANA_VAULT_WORDS_STRLEN);
	if (words == NULL)
		return AMANA_ERR_NOMEM;
	amana_vault_words_encode(key, words);
	printf("Recovery key (shown once; write it down and keep it apart from the phone):\n\n");
	for (unsigned i = 0; i < AMANA_VAULT_WORDS; i++)
		printf("%.4s%s", words + i * 5u, (i + 1) % 6 == 0 || i + 1 == AMANA_VAULT_WORDS ? "\n" : " ");
	printf("\n");
	int err = amana_vault_qr_print(words, stdout);
	if (err == AMANA_OK && png != NULL)
		err = amana_vault_qr_png(words, png, 8);
	sodium_free(words);
	return err;
}

static int vault_init(int argc, char **argv)
{
	vopts_t o;
	int rc = vault_cli_parse(argc, argv, &o), err;
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.npos != 1)
		return cli_usage_error("vault init: give the vault directory");
	char *p1 = sodium_malloc(SECRET_MAX), *p2 = sodium_malloc(SECRET_MAX);
	uint8_t *rk = sodium_malloc(32);
	size_t l1 = 0, l2 = 0;
	amana_vault_kdf_t kdf = vault_cli_kdf();
	if (p1 == NULL || p2 == NULL || rk == NULL)
		return cli_fail(AMANA_ERR_NOMEM, "vault init");
	err = vault_unlock_get_pass(o.pass_fd, "AMANA_VAULT_TEST_PASSPHRASE", "New vault passphrase: ", p1, &l1);
	if (err == AMANA_OK && o.pass_fd < 0 && getenv("AMANA_VAULT_TEST_PASSPHRASE") == NULL) {
		err = vault_unlock_prompt("Repeat it: ", p2, SECRET_MAX, &l2);
		if (err == AMANA_OK && (l1 != l2 || sodium_memcmp(p1, p2, l1) != 0))
			err = AMANA_ERR_ARG;
	}
	if (err == AMANA_OK)
		err = amana_vault_create(o.pos[0], (const uint8_t *)p1, l1, &kdf, o.no_recovery ? NULL : rk);
	if (err == AMANA_OK && !o.no_recovery)
		err = vault_cli_show_recovery(rk, o.png);
	sodium_free(p1);
	sodium_free(p2);
	sodium_free(rk);
	if (err != AMANA_OK)
		return cli_fail(err, "vault init %s", o.pos[0]);
	fprintf(stderr, "vault created in %s\n", o.pos[0]);
	return CLI_EXIT_OK;
}

static int vault_add(int argc, char **argv)
{
	vopts_t o;
	amana_vault_t *v = NULL;
	int rc = vault_cli_parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.npos != 2)
		return cli_usage_error("vault add: give the vault directory and a file");
	const char *file = o.pos[1];
	const char *name = o.name;
	if (name == NULL) {
		const char *slash = strrchr(file, '/');
		name = slash != NULL ? slash + 1 : file;
	}
	int fd = strcmp(file, "-") == 0 ? 0 : open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cli_fail(AMANA_ERR_IO, "vault add: cannot read %s", file);
	int err = vault_cli_open(&o, o.pos[0], &v);
	if (err == AMANA_OK) {
		amana_vault_meta_t m = {o.kind, o.number, o.country, o.expiry, o.notes};
		err = amana_vault_doc_add(v, name, &m, fd);
	}
	if (fd > 0)
		close(fd);
	amana_vault_free(&v);
	if (err != AMANA_OK)
		return cli_fail(err, "vault add '%s'", name);
	return CLI_EXIT_OK;
}

static void entry_json(cli_json_t *j, const amana_vault_entry_t *e)
{
	cli_json_object(j);
	cli_json_key(j, "name");
	cli_json_str(j, e->name);
	cli_json_key(j, "type");
	cli_json_str(j, e->type == AMANA_VAULT_DOCUMENT ? "document" : "record");
	cli_json_key(j, "kind");
	cli_json_str(j, e->meta.kind);
	cli_json_key(j, "size");
	cli_json_int(j, (int64_t)e->size);
	cli_json_key(j, "added");
	cli_json_int(j, (int64_t)e->added);
	if (e->type == AMANA_VAULT_DOCUMENT) {
		cli_json_key(j, "number");
		cli_json_str(j, e->meta.number);
		cli_json_key(j, "country");
		cli_json_str(j, e->meta.country);
		cli_json_key(j, "expiry");
		cli_json_str(j, e->meta.expiry);
		cli_json_key(j, "notes");
		cli_json_str(j, e->meta.notes);
	}
	cli_json_close(j);
}

static int vault_list_show(int argc, char **argv, bool show)
{
	vopts_t o;
	amana_vault_t *v = NULL;
	int rc = vault_cli_parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.npos != (show ? 2 : 1))
		return cli_usage_error(show ? "vault show: give the vault directory and a name" :
		                              "vault list: give the vault directory");
	int err = vault_cli_open(&o, o.pos[0], &v);
	if (err != AMANA_OK)
		return cli_fail(err, "vault %s", o.pos[0]);
	int only = -1;
	if (show && (only = amana_vault_find(v, o.pos[1])) < 0) {
		amana_vault_free(&v);
		return cli_fail(AMANA_ERR_VAULT_NAME, "vault show '%s'", o.pos[1]);
	}
	cli_json_t j;
	if (o.json) {
		cli_json_begin(&j, stdout);
		cli_json_key(&j, show ? "entry" : "entries");
		if (!show)
			cli_json_array(&j);
	}
	for (size_t i = 0; i < amana_vault_count(v); i++) {
		amana_vault_entry_t e;
		if ((only >= 0 && i != (size_t)only) || amana_vault_entry(v, i, &e) != AMANA_OK)
			continue;
		if (o.json)
			entry_json(&j, &e);
		else if (show)
			printf("name:    %s\ntype:    %s\nkind:    %s\nsize:    %llu\nnumber:  %s\n"
			       "country: %s\nexpiry:  %s\nnotes:   %s\n", e.name,
			    e.type == AMANA_VAULT_DOCUMENT ? "document" : "record", e.meta.kind,
			    (unsigned long long)e.size, e.meta.number, e.meta.country, e.meta.expiry,
			    e.meta.notes);
		else
			printf("%-9s %-12s %10llu  %s\n", e.type == AMANA_VAULT_DOCUMENT ? "document" : "record",
			    e.meta.kind[0] != '\0' ? e.meta.kind : "-", (unsigned long long)e.size, e.name);
	}
	if (o.json) {
		if (!show)
			cli_json_close(&j);
		cli_json_end(&j);
	}
	amana_vault_free(&v);
	return CLI_EXIT_OK;
}

static int vault_list(int argc, char **argv) { return vault_list_show(argc, argv, false); }
static int vault_show(int argc, char **argv) { return vault_list_show(argc, argv, true); }

static int vault_get(int argc, char **argv)
{
	vopts_t o;
	amana_vault_t *v = NULL;
	char tmp[4096];
	int rc = vault_cli_parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.npos != 2 || o.out == NULL)
		return cli_usage_error("vault get: give the vault directory, a name and -o FILE");
	int err = vault_cli_open(&o, o.pos[0], &v);
	if (err != AMANA_OK)
		return cli_fail(err, "vault %s", o.pos[0]);
	bool to_stdout = strcmp(o.out, "-") == 0;
	int fd = 1;
	if (!to_stdout) {
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s.part", o.out) >= sizeof(tmp)) {
			amana_vault_free(&v);
			return cli_usage_error("vault get: output path too long");
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		err = AMANA_ERR_IO;
	else
		err = amana_vault_doc_get(v, o.pos[1], fd);
	if (!to_stdout && fd >= 0) {
		if (close(fd) != 0 && err == AMANA_OK)
			err = AMANA_ERR_IO;
		if (err == AMANA_OK && rename(tmp, o.out) != 0)
			err = AMANA_ERR_IO;
		if (err != AMANA_OK)
			unlink(tmp); /* never leave half a document behind */
	}
	amana_vault_free(&v);
	if (err != AMANA_OK)
		return cli_fail(err, "vault get '%s'", o.pos[1]);
	return CLI_EXIT_OK;
}

static int vault_rm(int argc, char **argv)
{
	vopts_t o;
	amana_vault_t *v = NULL;
	int rc = vault_cli_parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.npos != 2)
		return cli_usage_error("vault rm: give the vault directory and a name");
	int err = vault_cli_open(&o, o.pos[0], &v);
	if (err == AMANA_OK)
		err = amana_vault_rm(v, o.pos[1]);
	amana_vault_free(&v);
	if (err != AMANA_OK)
		return cli_fail(err, "vault rm '%s'", o.pos[1]);
	return CLI_EXIT_OK;
}

void vault_cli_report_bad(const char *name, int err, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "%s: '%s': %s\n", cli_prog(), name, amana_strerr(err));
}

static int vault_unlock(int argc, char **argv)
{
	vopts_t o;
	amana_vault_t *v = NULL;
	int rc = vault_cli_parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.npos != 1)
		return cli_usage_error("vault unlock: give the vault directory");
	int err = vault_cli_open(&o, o.pos[0], &v);
	if (err != AMANA_OK)
		return cli_fail(err, "vault unlock %s", o.pos[0]);
	int bad = amana_vault_check(v, vault_cli_report_bad, NULL);
	int timeout = o.timeout >= 0 ? o.timeout : 300;
	if (timeout > 0 && (err = vault_unlock_session_store(o.pos[0], v, timeout)) != AMANA_OK) {
		amana_vault_free(&v);
		return cli_fail(err, "vault unlock: cannot keep the session key");
	}
	printf("unlocked: %zu entries, %d damaged", amana_vault_count(v), bad > 0 ? bad : 0);
	if (timeout > 0)
		printf("; stays unlocked for %d s in this session (amana vault lock ends it)", timeout);
	printf("\n");
	amana_vault_free(&v);
	return bad == 0 ? CLI_EXIT_OK : CLI_EXIT_DATA;
}

static int vault_lock(int argc, char **argv)
{
	vopts_t o;
	int rc = vault_cli_parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.npos != 1)
		return cli_usage_error("vault lock: give the vault directory");
	long kid = vault_unlock_session_find(o.pos[0]);
	if (kid >= 0)
		syscall(SYS_keyctl, KEYCTL_INVALIDATE, kid);
	printf("locked%s\n", kid >= 0 ? "" : " (it was not unlocked)");
	return CLI_EXIT_OK;
}

static int vault_passwd(int argc, char **argv)
{
	vopts_t o;
	amana_vault_t *v = NULL;
	int rc = vault_cli_parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.npos != 1)
		return cli_usage_error("vault passwd: give the vault directory");
	char *np = sodium_malloc(SECRET_MAX);
	size_t nl = 0;
	amana_vault_kdf_t kdf = vault_cli_kdf();
	int err = np == NULL ? AMANA_ERR_NOMEM : vault_cli_open(&o, o.pos[0], &v);
	if (err == AMANA_OK)
		err = vault_unlock_get_pass(o.newpass_fd, NULL, "New passphrase: ", np, &nl);
	if (err == AMANA_OK) {
		unsigned slot = o.slot >= 0 ? (unsigned)o.slot : amana_vault_slot_opened(v);
		err = amana_vault_passwd(v, slot, (const uint8_t *)np, nl, &kdf);
	}
	if (np != NULL)
		sodium_free(np);
	amana_vault_free(&v);
	if (err != AMANA_OK)
		return cli_fail(err, "vault passwd");
	return CLI_EXIT_OK;
}

#define UNLOCK_HELP VAULT_UNLOCK_HELP

static const cli_cmd_t vault_cmds[] = {
	{"init", vault_init, "create a vault (prints the recovery key once)",
	    "usage: amana vault init DIR [--passphrase-fd N] [--no-recovery] [--recovery-png FILE]\n"},
	{"add", vault_add, "add a document (any file, up to 256 MiB)",
	    "usage: amana vault add DIR FILE|- [--name N] [--kind K] [--number N] [--country C]\n"
	    "       [--expiry E] [--notes T]\n\n" UNLOCK_HELP},
	{"list", vault_list, "list documents and records",
	    "usage: amana vault list DIR [--json]\n\n" UNLOCK_HELP},
	{"show", vault_show, "show one entry's metadata",
	    "usage: amana vault show DIR NAME [--json]\n\n" UNLOCK_HELP},
	{"get", vault_get, "write a document out", "usage: amana vault get DIR NAME -o FILE|-\n\n" UNLOCK_HELP},
	{"rm", vault_rm, "remove a document or record", "usage: amana vault rm DIR NAME\n\n" UNLOCK_HELP},
	{"export", vault_cmd_export, "write an encrypted backup file",
	    "usage: amana vault export DIR BACKUP\n\nCopies the encrypted files; nothing is decrypted.\n"},
	{"import", vault_cmd_import, "restore a backup into a new directory",
	    "usage: amana vault import BACKUP NEWDIR\n\nRestores, then unlocks and checks every object.\n"},
	{"lock", vault_lock, "end the unlocked session", "usage: amana vault lock DIR\n"},
	{"unlock", vault_unlock, "unlock for a while, clean up and check every object",
	    "usage: amana vault unlock DIR [--timeout SECONDS]\n\nKeeps the key in the kernel session "
	    "keyring for SECONDS (default 300;\n0: only check); later commands given no secret use it.\n\n"
	    UNLOCK_HELP},
	{"passwd", vault_passwd, "change a passphrase",
	    "usage: amana vault passwd DIR [--slot N] [--new-passphrase-fd N]\n\n" UNLOCK_HELP},
	{"slots", vault_cmd_slots, "list, add or remove key slots",
	    "usage: amana vault slots DIR [list|add-passphrase|add-duress|add-recovery|\n"
	    "       add-token SOCKET|remove N] [--new-passphrase-fd N] [--json]\n\n"
	    "add-token enrols a credential on the token at SOCKET; its PIN (if the\n"
	    "token has no biometric) comes from --new-passphrase-fd.\n\n" UNLOCK_HELP},
};

int cmd_vault(int argc, char **argv)
{
	struct rlimit nocore = {0, 0};
	setrlimit(RLIMIT_CORE, &nocore); /* no key in a core dump */
	if (sodium_init() < 0)
		return cli_fail(AMANA_ERR_CRYPTO, "vault");
	return cli_dispatch("the worker's encrypted document vault", vault_cmds,
	    sizeof(vault_cmds) / sizeof(vault_cmds[0]), argc, argv);
}
