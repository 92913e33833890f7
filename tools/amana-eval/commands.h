/* commands.h: the subcommands of amana-eval, one file each. Each gets argv
 * with argv[0] = its name and returns a cli exit code. */
#ifndef AMANA_EVAL_COMMANDS_H
#define AMANA_EVAL_COMMANDS_H

int eval_cmd_face(int argc, char **argv);        /* face.c (issue 4) */
int eval_cmd_fingerprint(int argc, char **argv); /* fingerprint.c (issue 3) */

#endif
