/* verify_cmds.h: the subcommands of amana-verify, one file each. */
#ifndef AMANA_VERIFY_CMDS_H
#define AMANA_VERIFY_CMDS_H

int cmd_request(int argc, char **argv);   /* cmd_request.c */
int cmd_check(int argc, char **argv);     /* cmd_check.c */
extern const char usage_request[];
extern const char usage_check[];
int cmd_status(int argc, char **argv);    /* status.c */
int cmd_qr(int argc, char **argv);        /* qr.c */
extern const char usage_status[];
extern const char usage_qr[];

#endif
