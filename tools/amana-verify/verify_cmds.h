/* verify_cmds.h: the subcommands of amana-verify, one file each. */
#ifndef AMANA_VERIFY_CMDS_H
#define AMANA_VERIFY_CMDS_H

#include <stddef.h>
#include <stdint.h>

#include "amana/trust.h"

int cmd_request(int argc, char **argv);   /* cmd_request.c */
int cmd_check(int argc, char **argv);     /* cmd_check.c */
extern const char usage_request[];
extern const char usage_check[];
int cmd_status(int argc, char **argv);    /* status.c */
int cmd_qr(int argc, char **argv);        /* qr.c */
extern const char usage_status[];
extern const char usage_qr[];

/* The trust anchors of --trust LIST --trust-key PUB (a signed list checked
 * with the pinned key, at time now) or else of the --root certificates;
 * *t is the caller's to free. Returns a CLI exit code, having printed why
 * on failure (trust_load.c). */
int verify_trust_load(const char *trust, const char *trust_key,
    const char *const *roots, size_t nroots, int64_t now, amana_trust_t **t);

#endif
