/* vault_unlock.c: see vault_unlock.h. Moved from cmd_vault.c (issue 6)
 * unchanged in behaviour, so `amana vault`, `amana cred` and `amana present`
 * unlock the same way. */
#include "vault_unlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"

void vault_unlock_init(vault_unlock_t *u)
{
	memset(u, 0, sizeof(*u));
	u->pass_fd = u->recovery_fd = u->pin_fd = -1;
}

int vault_unlock_arg(vault_unlock_t *u, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	int *iv = NULL;
	if (strcmp(a, "--decoy") == 0) {
		u->decoy = true;
		return 1;
	}
	if (strcmp(a, "--passphrase-fd") == 0) iv = &u->pass_fd;
	else if (strcmp(a, "--recovery-fd") == 0) iv = &u->recovery_fd;
	else if (strcmp(a, "--pin-fd") == 0) iv = &u->pin_fd;
	else if (strcmp(a, "--token") != 0)
		return 0;
	if (*i + 1 >= argc)
		return cli_usage_error("option '%s' needs a value", a);
	const char *val = argv[++*i];
	if (iv == NULL) {
		u->token = val;
		return 1;
	}
	uint64_t n;
	if (!cli_parse_u64(val, 1000000, &n))
		return cli_usage_error("'%s' needs a number", a);
	*iv = (int)n;
	return 1;
}

int vault_unlock_read_line(int fd, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	while (n + 1 < cap) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		buf[n++] = c;
	}
	buf[n] = '\0';
	*len = n;
	return n > 0 ? AMANA_OK : AMANA_ERR_ARG;
}

int vault_unlock_prompt(const char *what, char *buf, size_t cap, size_t *len)
{
	int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (tty < 0)
		return AMANA_ERR_ARG;
	struct termios old, quiet;
	bool restore = tcgetattr(tty, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(tty, TCSAFLUSH, &quiet);
	}
	if (write(tty, what, strlen(what)) < 0) { /* best effort */ }
	int err = vault_unlock_read_line(tty, buf, cap, len);
	if (restore)
		tcsetattr(tty, TCSAFLUSH, &old);
	if (write(tty, "\n", 1) < 0) { /* best effort */ }
	close(tty);
	return err;
}

int vault_unlock_get_pass(int fd, const char *env, const char *what, char *buf, size_t *len)
{
	const char *e = env != NULL ? getenv(env) : NULL;
	if (fd >= 0)
		return vault_unlock_read_line(fd, buf, VAULT_UNLOCK_SECRET_MAX, len);
	if (e != NULL && e[0] != '\0') {
		*len = strlen(e) < VAULT_UNLOCK_SECRET_MAX ? strlen(e) : VAULT_UNLOCK_SECRET_MAX - 1;
		memcpy(buf, e, *len);
		buf[*len] = '\0';
		return AMANA_OK;
	}
	return vault_unlock_prompt(what, buf, VAULT_UNLOCK_SECRET_MAX, len);
}

const char *vault_unlock_token_pin(int pin_fd, char *buf, int *err)
{
	size_t len = 0;
	*err = AMANA_OK;
	if (pin_fd < 0)
		return NULL;
	*err = vault_unlock_read_line(pin_fd, buf, VAULT_UNLOCK_SECRET_MAX, &len);
	return buf;
}

/* ---- the session: `amana vault unlock` keeps the compartment key in the
 * kernel's session keyring (a "user" key that expires after --timeout
 * seconds, default 300); later commands given no secret use it; `lock`
 * revokes it. The key never touches a file. */
#define SESSION_PAYLOAD 33u /* key | opened slot */

static void session_name(const uint8_t id[16], char out[64])
{
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), id, 16);
	snprintf(out, 64, "amana-vault:%s", hex);
}

/* The login session's keyring, or the user's session keyring when the
 * process has none (add_key would otherwise make a keyring that dies with
 * this process). */
static long session_ring(void)
{
	/* create = 0 resolves to the session keyring, or to the user session
	 * keyring when there is none; the special id would create one */
	long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	return id >= 0 ? id : KEY_SPEC_USER_SESSION_KEYRING;
}

long vault_unlock_session_find(const char *dir)
{
	uint8_t id[16];
	char name[64];
	if (amana_vault_id(dir, id) != AMANA_OK)
		return -1;
	session_name(id, name);
	return syscall(SYS_keyctl, KEYCTL_SEARCH, session_ring(), "user", name, 0);
}

static int session_open(const char *dir, amana_vault_t **v)
{
	long kid = vault_unlock_session_find(dir);
	if (kid < 0)
		return AMANA_ERR_NOT_FOUND;
	uint8_t *p = sodium_malloc(SESSION_PAYLOAD);
	if (p == NULL)
		return AMANA_ERR_NOMEM;
	long n = syscall(SYS_keyctl, KEYCTL_READ, kid, p, SESSION_PAYLOAD);
	int err = n == (long)SESSION_PAYLOAD ? amana_vault_open_session(dir, p, p[32], v) :
	                                        AMANA_ERR_NOT_FOUND;
	sodium_free(p);
	return err;
}

int vault_unlock_session_store(const char *dir, const amana_vault_t *v, int timeout)
{
	uint8_t id[16];
	char name[64];
	unsigned slot;
	uint8_t *p = sodium_malloc(SESSION_PAYLOAD);
	if (p == NULL)
		return AMANA_ERR_NOMEM;
	int err = amana_vault_id(dir, id);
	if (err == AMANA_OK) {
		amana_vault_session_export(v, p, &slot);
		p[32] = (uint8_t)slot;
		session_name(id, name);
		long kid = syscall(SYS_add_key, "user", name, p, (size_t)SESSION_PAYLOAD, session_ring());
		if (kid < 0 || syscall(SYS_keyctl, KEYCTL_SET_TIMEOUT, kid, (unsigned)timeout) != 0)
			err = AMANA_ERR_IO;
	}
	sodium_free(p);
	return err;
}

int vault_unlock_open(const vault_unlock_t *u, const char *dir, amana_vault_t **v)
{
	char *buf = sodium_malloc(VAULT_UNLOCK_SECRET_MAX);
	uint8_t *key = sodium_malloc(32);
	size_t len = 0;
	int err;
	const char *env = getenv("AMANA_VAULT_TEST_PASSPHRASE");
	bool given = u->token != NULL || u->recovery_fd >= 0 || u->pass_fd >= 0 ||
	    (env != NULL && env[0] != '\0');
	*v = NULL;
	if (buf == NULL || key == NULL) {
		err = AMANA_ERR_NOMEM;
	} else if (!given && session_open(dir, v) == AMANA_OK) {
		err = AMANA_OK; /* unlocked earlier in this session */
	} else if (u->token != NULL) {
		const char *pin = vault_unlock_token_pin(u->pin_fd, buf, &err);
		if (err == AMANA_OK)
			err = amana_vault_token_open(dir, u->token, pin, v);
	} else if (u->recovery_fd >= 0) {
		err = vault_unlock_read_line(u->recovery_fd, buf, VAULT_UNLOCK_SECRET_MAX, &len);
		if (err == AMANA_OK)
			err = amana_vault_words_decode(buf, key);
		if (err == AMANA_OK)
			err = amana_vault_open(dir, AMANA_VAULT_RECOVERY, key, 32, v);
	} else {
		err = vault_unlock_get_pass(u->pass_fd, "AMANA_VAULT_TEST_PASSPHRASE",
		    "Vault passphrase: ", buf, &len);
		if (err == AMANA_OK)
			err = amana_vault_open(dir, AMANA_VAULT_PASSPHRASE, (const uint8_t *)buf, len, v);
	}
	if (buf != NULL)
		sodium_free(buf);
	if (key != NULL)
		sodium_free(key);
	if (err == AMANA_OK && u->decoy) {
		amana_vault_t *d = NULL;
		err = amana_vault_open_decoy(*v, &d);
		amana_vault_free(v);
		*v = d;
	}
	if (err == AMANA_OK && amana_vault_repaired(*v))
		fprintf(stderr, "%s: warning: the primary manifest was damaged and was restored "
		    "from its replica; the last change may be missing\n", cli_prog());
	return err;
}
