/* cli.c: dispatch, errors and exit codes shared by the amana programs. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana_config.h"

static const char *prog_name = "amana";

void cli_set_prog(const char *prog)
{
	prog_name = prog;
}

const char *cli_prog(void)
{
	return prog_name;
}

int cli_exit_for(int err)
{
	switch (amana_err_class(err)) {
	case AMANA_ERRCLASS_OK:
		return CLI_EXIT_OK;
	case AMANA_ERRCLASS_CHECK:
		return CLI_EXIT_CHECK;
	case AMANA_ERRCLASS_USAGE:
		return CLI_EXIT_USAGE;
	case AMANA_ERRCLASS_DATA:
		return CLI_EXIT_DATA;
	case AMANA_ERRCLASS_SYSTEM:
	default:
		return CLI_EXIT_SYSTEM;
	}
}

int cli_fail(int err, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", amana_strerr(err));
	return cli_exit_for(err);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog_name);
	return CLI_EXIT_USAGE;
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

bool cli_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end = NULL;
	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > max)
		return false;
	*out = (uint64_t)v;
	return true;
}

static void print_list(FILE *f, const char *about, const cli_cmd_t *cmds, size_t n)
{
	fprintf(f, "%s: %s\n\nusage: %s <command> [options]\n       %s --version\n\ncommands:\n",
	    prog_name, about, prog_name, prog_name);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-12s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\nRun '%s <command> --help' for a command's options.\n"
		   "Exit codes: 0 ok, 1 check failed, 2 usage, 3 I/O or system, 4 bad data.\n",
	    prog_name);
}

static const cli_cmd_t *find_cmd(const cli_cmd_t *cmds, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

static int print_cmd_help(const cli_cmd_t *c)
{
	printf("%s %s: %s\n\n%s", prog_name, c->name, c->summary, c->usage);
	return CLI_EXIT_OK;
}

int cli_dispatch(const char *about, const cli_cmd_t *cmds, size_t n, int argc, char **argv)
{
	if (argc < 2) {
		print_list(stderr, about, cmds, n);
		return CLI_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		print_list(stdout, about, cmds, n);
		return CLI_EXIT_OK;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
		printf("%s %s\n", prog_name, AMANA_VERSION);
		return CLI_EXIT_OK;
	}
	if (strcmp(name, "help") == 0) {
		if (argc < 3) {
			print_list(stdout, about, cmds, n);
			return CLI_EXIT_OK;
		}
		const cli_cmd_t *c = find_cmd(cmds, n, argv[2]);
		if (c == NULL)
			return cli_usage_error("unknown command '%s'", argv[2]);
		return print_cmd_help(c);
	}
	if (name[0] == '-')
		return cli_usage_error("unknown option '%s' (options go after the command)", name);
	const cli_cmd_t *c = find_cmd(cmds, n, name);
	if (c == NULL)
		return cli_usage_error("unknown command '%s'", name);
	if (cli_wants_help(argc - 1, argv + 1))
		return print_cmd_help(c);
	return c->run(argc - 1, argv + 1);
}
