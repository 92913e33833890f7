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
	    "usage: amana vault init|add|list|show|get|rm|export|import|lock|unlock|passwd|slots ...\n\n"
	    "Run 'amana vault help' for the list and 'amana vault CMD --help' for each.\n"},
	{"cred", cmd_cred, "credentials: device key, import, list, show",
	    "usage: amana cred keygen|device-key|import|list|show ...\n\n"
	    "Run 'amana cred help' for the list and 'amana cred CMD --help' for each.\n"},
	{"present", cmd_present, "answer a verifier's request (shows what is shared first)",
	    "usage: amana present REQUEST [-o RESPONSE] [--qr PNG] [--qr-text] [--yes]\n"
	    "                     [--wallet DIR]\n\n"
	    "Shows who asks for which elements, asks for consent (--yes: given),\n"
	    "then writes a DeviceResponse with only those elements, signed by this\n"
	    "device for this request. REQUEST may be a PNG/PGM image of its QR code.\n"},
};

int main(int argc, char **argv)
{
	cli_set_prog("amana");
	return cli_dispatch("the worker's identity wallet", commands,
	    sizeof(commands) / sizeof(commands[0]), argc, argv);
}
