/* amana-verify: the officer's program. Each subcommand lives in its own
 * cmd_*.c file; add a row to the table below (and the file to meson.build)
 * to add one. */
#include <sodium.h>

#include "amana/err.h"
#include "cli.h"
#include "verify_cmds.h"

static const cli_cmd_t commands[] = {
	{"request", cmd_request, "make a request (file and QR code)", usage_request},
	{"check", cmd_check, "verify a DeviceResponse offline", usage_check},
	{"status", cmd_status, "load and show cached status lists", usage_status},
	{"qr", cmd_qr, "scan QR codes from images, or show a file as QR codes", usage_qr},
};

int main(int argc, char **argv)
{
	cli_set_prog("amana-verify");
	if (sodium_init() < 0)
		return cli_fail(AMANA_ERR_CRYPTO, "libsodium");
	return cli_dispatch("verify worker credentials offline (ISO 18013-5)",
	    commands, sizeof(commands) / sizeof(commands[0]), argc, argv);
}
