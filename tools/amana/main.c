/* amana: the worker's wallet program. Subcommands live in cmd_*.c files;
 * this file only lists them. */
#include <stdio.h>

#include "amana_config.h"
#include "cli.h"

int cmd_vault(int argc, char **argv); /* cmd_vault.c (issue 6) */
int cmd_cred(int argc, char **argv);    /* cmd_cred.c (issue 5) */
int cmd_present(int argc, char **argv); /* cmd_present.c (issue 5) */

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("amana %s\n", AMANA_VERSION);
	return CLI_EXIT_OK;
}

static const cli_cmd_t commands[] = {
	{"version", cmd_version, "print the version",
	    "usage: amana version\n\nPrints the program version.\n"},
	{"vault", cmd_vault, "the encrypted document vault (init, add, list, get, ...)",
	    "usage: amana vault init DIR [--passphrase-fd N] [--no-recovery] [--recovery-png FILE]\n"
	    "       amana vault add DIR FILE|- [--name N] [--kind K] [--number N] [--country C]\n"
	    "                 [--expiry E] [--notes T]\n"
	    "       amana vault list DIR [--json]      amana vault show DIR NAME [--json]\n"
	    "       amana vault get DIR NAME -o FILE|-  amana vault rm DIR NAME\n"
	    "       amana vault export DIR BACKUP      amana vault import BACKUP NEWDIR\n"
	    "       amana vault unlock DIR [--timeout S]  amana vault lock DIR\n"
	    "       amana vault passwd DIR [--slot N] [--new-passphrase-fd N]\n"
	    "       amana vault slots DIR [list|add-passphrase|add-duress|add-recovery|\n"
	    "                 add-token SOCKET|remove N] [--new-passphrase-fd N] [--json]\n\n"
	    "unlock keeps the key in the kernel session keyring for S seconds (default 300);\n"
	    "commands given no secret use it until then or until lock.\n"
	    "Unlocking (every command but init/lock): --token SOCKET [--pin-fd N] asks the\n"
	    "token (its own user verification, or its PIN from fd N); --passphrase-fd N;\n"
	    "--recovery-fd N (the recovery words); otherwise the terminal is asked.\n"
	    "--decoy works on the real vault's decoy compartment.\n"
	    "AMANA_VAULT_TEST_PASSPHRASE is for tests only. 'amana vault help' lists the\n"
	    "subcommands. Docs: docs/0500-0504.\n"},
	{"cred", cmd_cred, "credentials: device key, import, list, show",
	    "usage: amana cred keygen|device-key|import|list|show|migrate ...\n\n"
	    "Kept in the vault (--vault DIR and the unlock options of 'amana vault')\n"
	    "or an older plain wallet directory (--wallet DIR). docs/0306.\n"
	    "Run 'amana cred help' for the list and 'amana cred CMD --help' for each.\n"},
	{"present", cmd_present, "answer a verifier's request (shows what is shared first)",
	    "usage: amana present REQUEST [-o RESPONSE] [--qr PNG] [--qr-text] [--yes]\n"
	    "                     [--vault DIR [unlock options] | --wallet DIR]\n\n"
	    "Shows who asks for which elements, asks for consent (--yes: given),\n"
	    "then writes a DeviceResponse with only those elements, signed by this\n"
	    "device for this request. REQUEST may be a PNG/PGM image of its QR code.\n"
	    "The device key and credentials come from the vault (--vault DIR, else\n"
	    "$AMANA_VAULT_DIR, else ~/.amana/vault if it is one), opened with the unlock options\n"
	    "of 'amana vault' (--token SOCKET [--pin-fd N], --passphrase-fd N,\n"
	    "--recovery-fd N, --decoy, or its session); --wallet DIR is the older\n"
	    "plain directory. docs/0306.\n"},
};

int main(int argc, char **argv)
{
	cli_set_prog("amana");
	return cli_dispatch("the worker's identity wallet", commands,
	    sizeof(commands) / sizeof(commands[0]), argc, argv);
}
