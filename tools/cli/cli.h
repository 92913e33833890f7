/*
 * cli.h: what every amana command-line program shares: subcommand dispatch,
 * --help/--version, error printing, exit codes, a small JSON writer and a
 * progress bar. The programs stay thin: parse, call the library, print.
 *
 * Exit codes (docs/0002-errors-and-exit-codes.md):
 *   0 success; 1 a check failed (no match, rejected credential);
 *   2 usage error; 3 I/O or system error; 4 bad input data.
 */
#ifndef AMANA_CLI_H
#define AMANA_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_CHECK = 1,
	CLI_EXIT_USAGE = 2,
	CLI_EXIT_SYSTEM = 3,
	CLI_EXIT_DATA = 4
};

/* A subcommand: run() gets argv with argv[0] = the subcommand's name and
 * returns an exit code. usage is printed by --help (first line: synopsis). */
typedef struct cli_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary; /* one line for the command list */
	const char *usage;   /* full help text of the subcommand */
} cli_cmd_t;

/* Runs the subcommand named by argv[1]. Handles `PROG --help`, `PROG help
 * [CMD]`, `PROG --version`, `PROG CMD --help`, and an unknown or missing
 * command (message on stderr, exit 2). about is the program's one-line
 * description. */
int cli_dispatch(const char *about, const cli_cmd_t *cmds, size_t ncmds,
    int argc, char **argv);

/* The program name used in messages ("amana", "amana-verify", ...). */
void cli_set_prog(const char *prog);
const char *cli_prog(void);

/* The exit code for an amana_err value (0 for AMANA_OK). */
int cli_exit_for(int err);

/* Prints "PROG: <message>: <amana_strerr(err)>" on stderr and returns
 * cli_exit_for(err). The message must never hold a secret. */
int cli_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "PROG: <message>" and a hint to use --help; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True when argv[i] is -h or --help for some i >= 1 before a "--". */
bool cli_wants_help(int argc, char **argv);

/* Parses a non-negative decimal integer no larger than max. */
bool cli_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* ---- JSON output: a streaming writer that handles commas and escaping. */
typedef struct cli_json {
	FILE *f;
	int depth;
	bool need_comma[32];
	char closer[32];
	bool after_key;
} cli_json_t;

void cli_json_begin(cli_json_t *j, FILE *f);   /* starts an object */
void cli_json_end(cli_json_t *j);              /* closes it, newline */
void cli_json_key(cli_json_t *j, const char *key);
void cli_json_object(cli_json_t *j);           /* opens a nested object */
void cli_json_array(cli_json_t *j);            /* opens a nested array */
void cli_json_close(cli_json_t *j);            /* closes the innermost */
void cli_json_str(cli_json_t *j, const char *s);
void cli_json_int(cli_json_t *j, int64_t v);
void cli_json_num(cli_json_t *j, double v);    /* NaN/inf become null */
void cli_json_bool(cli_json_t *j, bool v);
void cli_json_null(cli_json_t *j);

/* ---- Progress bar on stderr, drawn only when stderr is a terminal. */
typedef struct cli_progress {
	const char *label;
	size_t total;
	size_t done;
	int last_pct;
	bool tty;
} cli_progress_t;

void cli_progress_start(cli_progress_t *p, const char *label, size_t total);
void cli_progress_step(cli_progress_t *p, size_t n);
void cli_progress_finish(cli_progress_t *p);

#endif /* AMANA_CLI_H */
