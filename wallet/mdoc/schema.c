/* schema.c: credential schemas as small text files (docs/0303-schemas.md),
 * and the typing of claim text into CBOR element values. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/mdoc.h"

#define SCHEMA_MAX_FILE 65536

static const struct {
	const char *name;
	amana_elem_type_t type;
} type_names[] = {
	{"tstr", AMANA_ELEM_TSTR}, {"uint", AMANA_ELEM_UINT},
	{"bool", AMANA_ELEM_BOOL}, {"full-date", AMANA_ELEM_FULL_DATE},
	{"tstr-list", AMANA_ELEM_TSTR_LIST},
};

/* Copies the next whitespace-separated word of line[*k..n) to out. */
static bool word(const char *line, size_t n, size_t *k, char *out, size_t cap)
{
	while (*k < n && (line[*k] == ' ' || line[*k] == '\t'))
		(*k)++;
	size_t w = 0;
	while (*k < n && line[*k] != ' ' && line[*k] != '\t') {
		if (w + 1 >= cap)
			return false;
		out[w++] = line[(*k)++];
	}
	out[w] = '\0';
	return w > 0;
}

static void rest(const char *line, size_t n, size_t k, char *out, size_t cap)
{
	while (k < n && (line[k] == ' ' || line[k] == '\t'))
		k++;
	size_t w = 0;
	while (k < n && w + 1 < cap)
		out[w++] = line[k++];
	out[w] = '\0';
}

static int parse_line(const char *line, size_t n, amana_schema_t *s)
{
	char key[32], a[AMANA_MDOC_MAX_DOCTYPE], b[32], c[16];
	size_t k = 0;
	if (!word(line, n, &k, key, sizeof(key)) || key[0] == '#')
		return AMANA_OK;
	if (strcmp(key, "doctype") == 0 || strcmp(key, "namespace") == 0) {
		if (!word(line, n, &k, a, sizeof(a)))
			return AMANA_ERR_MDOC_SCHEMA;
		strcpy(key[0] == 'd' ? s->doctype : s->ns, a);
		return AMANA_OK;
	}
	if (strcmp(key, "title") == 0) {
		rest(line, n, k, s->title, sizeof(s->title));
		return AMANA_OK;
	}
	if (strcmp(key, "validity_days") == 0) {
		char *end;
		if (!word(line, n, &k, a, sizeof(a)))
			return AMANA_ERR_MDOC_SCHEMA;
		errno = 0;
		unsigned long v = strtoul(a, &end, 10);
		if (*end != '\0' || errno != 0 || v == 0 || v > 36600)
			return AMANA_ERR_MDOC_SCHEMA;
		s->validity_days = (uint32_t)v;
		return AMANA_OK;
	}
	if (strcmp(key, "element") != 0 || s->nelems >= AMANA_MDOC_MAX_ELEMENTS)
		return AMANA_ERR_MDOC_SCHEMA;
	amana_schema_elem_t *el = &s->elems[s->nelems];
	if (!word(line, n, &k, el->id, sizeof(el->id)) ||
	    !word(line, n, &k, b, sizeof(b)) || !word(line, n, &k, c, sizeof(c)))
		return AMANA_ERR_MDOC_SCHEMA;
	size_t t = 0;
	while (t < sizeof(type_names) / sizeof(type_names[0]) &&
	    strcmp(type_names[t].name, b) != 0)
		t++;
	if (t == sizeof(type_names) / sizeof(type_names[0]))
		return AMANA_ERR_MDOC_SCHEMA;
	el->type = type_names[t].type;
	if (strcmp(c, "required") != 0 && strcmp(c, "optional") != 0)
		return AMANA_ERR_MDOC_SCHEMA;
	el->required = c[0] == 'r';
	rest(line, n, k, el->label, sizeof(el->label));
	if (amana_schema_find(s, el->id) != NULL)
		return AMANA_ERR_MDOC_SCHEMA; /* defined twice */
	s->nelems++;
	return AMANA_OK;
}

int amana_schema_parse(const char *text, size_t len, amana_schema_t *s)
{
	memset(s, 0, sizeof(*s));
	if (text == NULL || len > SCHEMA_MAX_FILE)
		return AMANA_ERR_MDOC_SCHEMA;
	size_t start = 0;
	while (start < len) {
		size_t end = start;
		while (end < len && text[end] != '\n')
			end++;
		size_t n = end - start;
		if (n > 0 && text[start + n - 1] == '\r')
			n--;
		int r = parse_line(text + start, n, s);
		if (r != AMANA_OK)
			return r;
		start = end + 1;
	}
	if (s->doctype[0] == '\0' || s->ns[0] == '\0' || s->nelems == 0)
		return AMANA_ERR_MDOC_SCHEMA;
	if (s->validity_days == 0)
		s->validity_days = 365;
	return AMANA_OK;
}

const char *amana_schema_dir(void)
{
	const char *d = getenv("AMANA_SCHEMA_DIR");
	return d != NULL && d[0] != '\0' ? d : AMANA_SCHEMA_DIR_DEFAULT;
}

int amana_schema_load(const char *dir, const char *doctype, amana_schema_t *s)
{
	if (doctype == NULL || strchr(doctype, '/') != NULL || doctype[0] == '.')
		return AMANA_ERR_ARG;
	char path[1024];
	int pn = snprintf(path, sizeof(path), "%s/%s.schema",
	    dir != NULL ? dir : amana_schema_dir(), doctype);
	if (pn < 0 || (size_t)pn >= sizeof(path))
		return AMANA_ERR_ARG;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return AMANA_ERR_NOT_FOUND;
	char *buf = malloc(SCHEMA_MAX_FILE + 1);
	if (buf == NULL) {
		fclose(f);
		return AMANA_ERR_NOMEM;
	}
	size_t n = fread(buf, 1, SCHEMA_MAX_FILE + 1, f);
	int r = ferror(f) ? AMANA_ERR_IO : amana_schema_parse(buf, n, s);
	fclose(f);
	free(buf);
	if (r == AMANA_OK && strcmp(s->doctype, doctype) != 0)
		r = AMANA_ERR_MDOC_SCHEMA;
	return r;
}

const amana_schema_elem_t *amana_schema_find(const amana_schema_t *s,
    const char *id)
{
	for (size_t k = 0; k < s->nelems; k++)
		if (strcmp(s->elems[k].id, id) == 0)
			return &s->elems[k];
	return NULL;
}

int amana_schema_put_value(amana_cbor_enc_t *e, const amana_schema_elem_t *el,
    const char *text)
{
	size_t n = strlen(text);
	if (n > 1024)
		return AMANA_ERR_MDOC_SCHEMA;
	switch (el->type) {
	case AMANA_ELEM_TSTR:
		return n > 0 ? amana_cbor_put_tstrn(e, text, n) : AMANA_ERR_MDOC_SCHEMA;
	case AMANA_ELEM_UINT: {
		if (n == 0 || n > 18 || strspn(text, "0123456789") != n)
			return AMANA_ERR_MDOC_SCHEMA;
		return amana_cbor_put_uint(e, strtoull(text, NULL, 10));
	}
	case AMANA_ELEM_BOOL:
		if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)
			return AMANA_ERR_MDOC_SCHEMA;
		return amana_cbor_put_bool(e, text[0] == 't');
	case AMANA_ELEM_FULL_DATE: {
		int64_t t;
		if (amana_mdoc_date_parse(text, n, &t) != AMANA_OK)
			return AMANA_ERR_MDOC_SCHEMA;
		amana_cbor_put_tag(e, 1004);
		return amana_cbor_put_tstrn(e, text, n);
	}
	case AMANA_ELEM_TSTR_LIST: {
		amana_cbor_array_begin(e);
		const char *p = text;
		while (*p != '\0') {
			const char *q = strchr(p, ',');
			size_t len = q != NULL ? (size_t)(q - p) : strlen(p);
			while (len > 0 && *p == ' ')
				p++, len--;
			while (len > 0 && p[len - 1] == ' ')
				len--;
			if (len == 0)
				return AMANA_ERR_MDOC_SCHEMA;
			amana_cbor_put_tstrn(e, p, len);
			p = q != NULL ? q + 1 : p + strlen(p);
		}
		return amana_cbor_array_end(e);
	}
	}
	return AMANA_ERR_MDOC_SCHEMA;
}
