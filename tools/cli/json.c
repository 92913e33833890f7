/* json.c: a streaming JSON writer for --json output. It only writes; the
 * caller's nesting must balance (depth is capped, deeper output is a bug). */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "cli.h"

#define JSON_MAX_DEPTH ((int)(sizeof(((cli_json_t *)0)->need_comma) / sizeof(bool)))

static void json_sep(cli_json_t *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
}

static void json_open(cli_json_t *j, char c)
{
	json_sep(j);
	fputc(c, j->f);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
	j->closer[j->depth] = c == '{' ? '}' : ']';
}

void cli_json_begin(cli_json_t *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	fputc('{', f);
	j->depth = 1;
	j->closer[1] = '}';
}

void cli_json_end(cli_json_t *j)
{
	while (j->depth > 0)
		cli_json_close(j);
	fputc('\n', j->f);
}

void cli_json_object(cli_json_t *j)
{
	json_open(j, '{');
}

void cli_json_array(cli_json_t *j)
{
	json_open(j, '[');
}

void cli_json_close(cli_json_t *j)
{
	if (j->depth <= 0)
		return;
	fputc(j->closer[j->depth], j->f);
	j->depth--;
}

static void json_escaped(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void cli_json_key(cli_json_t *j, const char *key)
{
	json_sep(j);
	json_escaped(j->f, key);
	fputc(':', j->f);
	j->after_key = true;
}

void cli_json_str(cli_json_t *j, const char *s)
{
	json_sep(j);
	if (s == NULL)
		fputs("null", j->f);
	else
		json_escaped(j->f, s);
}

void cli_json_int(cli_json_t *j, int64_t v)
{
	json_sep(j);
	fprintf(j->f, "%" PRId64, v);
}

void cli_json_num(cli_json_t *j, double v)
{
	json_sep(j);
	if (isnan(v) || isinf(v))
		fputs("null", j->f);
	else
		fprintf(j->f, "%.6g", v);
}

void cli_json_bool(cli_json_t *j, bool v)
{
	json_sep(j);
	fputs(v ? "true" : "false", j->f);
}

void cli_json_null(cli_json_t *j)
{
	json_sep(j);
	fputs("null", j->f);
}
