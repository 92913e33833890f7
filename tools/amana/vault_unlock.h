/* vault_unlock.h: how every amana command opens a vault (amana vault, cred,
 * present): one set of unlock options, one way to read a secret. Moved out
 * of cmd_vault.c so that the credential commands do not grow a second one.
 *
 * Secrets: --passphrase-fd N and --recovery-fd N read one line from a file
 * descriptor; AMANA_VAULT_TEST_PASSPHRASE (test-only: the environment of a
 * process is readable by its user) stands in for the passphrase; otherwise
 * the terminal is asked, without echo. --token SOCKET [--pin-fd N] asks the
 * token (its own user verification, or its PIN from fd N). Given none of
 * these, a session left by `amana vault unlock` opens the vault. Buffers that
 * hold a secret are sodium_malloc'd by the caller (VAULT_UNLOCK_SECRET_MAX
 * bytes) and the key never reaches a file, a log or an error message. */
#ifndef AMANA_VAULT_UNLOCK_H
#define AMANA_VAULT_UNLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "amana/vault.h"

#define VAULT_UNLOCK_SECRET_MAX 1024u

typedef struct vault_unlock {
	int pass_fd, recovery_fd, pin_fd; /* -1: not given */
	const char *token;                /* token socket, or NULL */
	bool decoy;                       /* work on the decoy compartment */
} vault_unlock_t;

/* Nothing given: the passphrase is asked (or taken from the test variable). */
void vault_unlock_init(vault_unlock_t *u);

/* If argv[*i] is an unlock option, consumes it and its value (advancing *i)
 * and returns 1; returns 0 if it is not one, or CLI_EXIT_USAGE (after
 * printing why) when its value is missing or not a number. */
int vault_unlock_arg(vault_unlock_t *u, int argc, char **argv, int *i);

/* Opens the vault in dir (its decoy with u->decoy) with the token, the
 * recovery words or the passphrase, and warns on stderr when the primary
 * manifest had to be restored from its replica. */
int vault_unlock_open(const vault_unlock_t *u, const char *dir, amana_vault_t **v);

/* One line from fd into buf (cap bytes, NUL-terminated; the newline is
 * dropped). AMANA_ERR_ARG when the line is empty. */
int vault_unlock_read_line(int fd, char *buf, size_t cap, size_t *len);
/* Asks on the terminal without echo. AMANA_ERR_ARG without a terminal. */
int vault_unlock_prompt(const char *what, char *buf, size_t cap, size_t *len);
/* A passphrase: from fd if >= 0, else from the variable env (may be NULL),
 * else from the terminal. buf holds VAULT_UNLOCK_SECRET_MAX bytes. */
int vault_unlock_get_pass(int fd, const char *env, const char *what, char *buf, size_t *len);
/* The token's PIN from pin_fd into buf, or NULL when pin_fd < 0 (the token
 * verifies the user itself: fingerprint or face). */
const char *vault_unlock_token_pin(int pin_fd, char *buf, int *err);

/* Sessions (amana vault unlock/lock): the kernel keyring key holding the
 * opened compartment's key for dir, or < 0; storing one for timeout
 * seconds. vault_unlock_open uses a session when no secret is given. */
long vault_unlock_session_find(const char *dir);
int vault_unlock_session_store(const char *dir, const amana_vault_t *v, int timeout);

/* The help paragraph on these options, for a command's usage text. */
#define VAULT_UNLOCK_HELP \
	"Unlocking: --token SOCKET [--pin-fd N] asks the token (its own user\n" \
	"verification, or its PIN read from fd N); --passphrase-fd N reads the\n" \
	"passphrase from file descriptor N; --recovery-fd N reads the recovery\n" \
	"words; given none, a session left by 'amana vault unlock' is used,\n" \
	"else the terminal is asked (no echo).\n" \
	"AMANA_VAULT_TEST_PASSPHRASE is for tests only.\n" \
	"--decoy works on the decoy compartment of the real vault.\n"

#endif
