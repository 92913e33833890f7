/* verify_cmds.h: the subcommands of amana-verify, one file each. */
#ifndef AMANA_VERIFY_CMDS_H
#define AMANA_VERIFY_CMDS_H

int cmd_request(int argc, char **argv);   /* cmd_request.c */
int cmd_check(int argc, char **argv);     /* cmd_check.c */
extern const char usage_request[];
extern const char usage_check[];

#endif
