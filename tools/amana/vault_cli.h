/* vault_cli.h: what the `amana vault` subcommands share: one option set,
 * opening a vault with whatever secret the options name (vault_unlock.c),
 * the recovery key's display. cmd_vault.c holds the everyday commands,
 * vault_slots.c the key slots, vault_backup.c export and import. */
#ifndef AMANA_VAULT_CLI_H
#define AMANA_VAULT_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "amana/vault.h"
#include "vault_unlock.h"

#define SECRET_MAX VAULT_UNLOCK_SECRET_MAX

typedef struct vopts {
	const char *pos[4];
	int npos;
	int pass_fd, newpass_fd, recovery_fd, pin_fd, slot, timeout;
	const char *token, *name, *kind, *number, *country, *expiry, *notes, *out, *png;
	bool json, no_recovery, decoy;
} vopts_t;

/* Parses argv[1..] into *o (unset numbers are -1); a CLI exit code. */
int vault_cli_parse(int argc, char **argv, vopts_t *o);

/* The key derivation new passphrase slots get. */
amana_vault_kdf_t vault_cli_kdf(void);

/* The token PIN from o->pin_fd (or the terminal) into buf; NULL when the
 * token needs none. *err gets the reason of a failure. */
const char *vault_cli_token_pin(const vopts_t *o, char *buf, int *err);

/* Opens dir with the secret the options name, else the session key, else
 * the terminal's passphrase. */
int vault_cli_open(const vopts_t *o, const char *dir, amana_vault_t **v);

/* Prints the 22 recovery words and their QR code (and a PNG when png). */
int vault_cli_show_recovery(const uint8_t key[32], const char *png);

/* amana_vault_check's callback: one line on stderr per damaged object. */
void vault_cli_report_bad(const char *name, int err, void *ctx);

int vault_cmd_slots(int argc, char **argv);
int vault_cmd_export(int argc, char **argv);
int vault_cmd_import(int argc, char **argv);

#endif
