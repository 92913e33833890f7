/* cred.c: an issued credential as the holder keeps it (amana/mdoc.h). The
 * holder checks shape and digests on import so that a damaged credential
 * is refused at once, not at a checkpoint. */
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "mdoc_internal.h"

typedef struct cred_elem {
	char ns[AMANA_MDOC_MAX_DOCTYPE];
	char id[AMANA_MDOC_MAX_NAME];
	uint32_t item;      /* IssuerSignedItemBytes index in doc */
	mdoc_item_t parsed; /* decoded item (for the value) */
} cred_elem_t;

struct amana_mdoc {
	uint8_t *buf;
	size_t len;
	amana_cbor_doc_t *doc;
	char doctype[AMANA_MDOC_MAX_DOCTYPE];
	amana_cose_sign1_t auth;
	mdoc_mso_t mso;
	size_t nelems;
	cred_elem_t elems[AMANA_MDOC_MAX_ELEMENTS];
};

/* Walks nameSpaces: {+ ns => [+ IssuerSignedItemBytes]}. */
static int parse_namespaces(amana_mdoc_t *m, uint32_t nss)
{
	const amana_cbor_doc_t *d = m->doc;
	uint64_t nns, nitems;
	int r = amana_cbor_get_map(d, nss, &nns);
	uint32_t k = nss + 1;
	for (uint64_t i = 0; i < nns && r == AMANA_OK; i++) {
		uint32_t arr = amana_cbor_next(d, k);
		char ns[AMANA_MDOC_MAX_DOCTYPE];
		if ((r = mdoc_tstr_copy(d, k, ns, sizeof(ns))) != AMANA_OK ||
		    (r = amana_cbor_get_array(d, arr, &nitems)) != AMANA_OK)
			break;
		if (nitems == 0)
			r = AMANA_ERR_CBOR_VALUE;
		uint32_t it = arr + 1;
		for (uint64_t j = 0; j < nitems && r == AMANA_OK; j++) {
			if (m->nelems >= AMANA_MDOC_MAX_ELEMENTS) {
				r = AMANA_ERR_LIMIT;
				break;
			}
			cred_elem_t *el = &m->elems[m->nelems];
			r = mdoc_item_check(d, it, &m->mso, ns, strlen(ns), &el->parsed);
			if (r != AMANA_OK)
				break;
			m->nelems++;
			if (el->parsed.id_len >= sizeof(el->id) ||
			    memchr(el->parsed.id, '\0', el->parsed.id_len) != NULL) {
				r = AMANA_ERR_LIMIT;
				break;
			}
			memcpy(el->id, el->parsed.id, el->parsed.id_len);
			el->id[el->parsed.id_len] = '\0';
			strcpy(el->ns, ns);
			el->item = it;
			for (size_t p = 0; p + 1 < m->nelems; p++)
				if (strcmp(m->elems[p].ns, ns) == 0 &&
				    strcmp(m->elems[p].id, el->id) == 0)
					r = AMANA_ERR_CBOR_DUPKEY; /* same element twice */
			it = amana_cbor_next(d, it);
		}
		k = amana_cbor_next(d, arr);
	}
	return r;
}

int amana_mdoc_parse(const uint8_t *buf, size_t len, amana_mdoc_t **out)
{
	static const char *const keys[] = {"docType", "issuerSigned"};
	static const char *const is_keys[] = {"nameSpaces", "issuerAuth"};
	if (buf == NULL || out == NULL)
		return AMANA_ERR_ARG;
	*out = NULL;
	if (len > AMANA_MDOC_MAX_BYTES)
		return AMANA_ERR_CBOR_SIZE;
	amana_mdoc_t *m = calloc(1, sizeof(*m));
	if (m == NULL || (m->buf = malloc(len > 0 ? len : 1)) == NULL) {
		free(m);
		return AMANA_ERR_NOMEM;
	}
	memcpy(m->buf, buf, len);
	m->len = len;
	uint32_t v, is, nss;
	int r = amana_cbor_decode(m->buf, len, &mdoc_limits, &m->doc);
	const amana_cbor_doc_t *d = m->doc;
	if (r == AMANA_OK)
		r = amana_cbor_map_only_keys(d, 0, keys, 2);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, 0, "docType", &v);
	if (r == AMANA_OK)
		r = mdoc_tstr_copy(d, v, m->doctype, sizeof(m->doctype));
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, 0, "issuerSigned", &is);
	if (r == AMANA_OK)
		r = amana_cbor_map_only_keys(d, is, is_keys, 2);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, is, "issuerAuth", &v);
	if (r == AMANA_OK)
		r = amana_cose_sign1_parse(d, v, &m->auth);
	if (r == AMANA_OK && m->auth.payload == NULL)
		r = AMANA_ERR_CBOR_MISSING;
	if (r == AMANA_OK)
		r = mdoc_mso_parse(m->auth.payload, m->auth.payload_len, &m->mso);
	if (r == AMANA_OK && (m->mso.doctype_len != strlen(m->doctype) ||
	    memcmp(m->mso.doctype, m->doctype, m->mso.doctype_len) != 0))
		r = AMANA_ERR_MDOC_DOCTYPE;
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, is, "nameSpaces", &nss);
	if (r == AMANA_OK)
		r = parse_namespaces(m, nss);
	if (r != AMANA_OK) {
		amana_mdoc_free(&m);
		return r;
	}
	*out = m;
	return AMANA_OK;
}

void amana_mdoc_free(amana_mdoc_t **pm)
{
	if (pm == NULL || *pm == NULL)
		return;
	amana_mdoc_t *m = *pm;
	for (size_t k = 0; k < m->nelems; k++)
		mdoc_item_free(&m->elems[k].parsed);
	mdoc_mso_free(&m->mso);
	amana_cbor_doc_free(&m->doc);
	free(m->buf);
	free(m);
	*pm = NULL;
}

const char *amana_mdoc_doctype(const amana_mdoc_t *m) { return m->doctype; }
size_t amana_mdoc_element_count(const amana_mdoc_t *m) { return m->nelems; }

int amana_mdoc_element(const amana_mdoc_t *m, size_t i, const char **ns,
    const char **id, char *value, size_t value_cap)
{
	if (i >= m->nelems)
		return AMANA_ERR_ARG;
	*ns = m->elems[i].ns;
	*id = m->elems[i].id;
	if (value != NULL && value_cap > 0)
		amana_cbor_diag(m->elems[i].parsed.doc, m->elems[i].parsed.value,
		    value, value_cap);
	return AMANA_OK;
}

bool amana_mdoc_has(const amana_mdoc_t *m, const char *ns, const char *id)
{
	for (size_t k = 0; k < m->nelems; k++)
		if (strcmp(m->elems[k].ns, ns) == 0 && strcmp(m->elems[k].id, id) == 0)
			return true;
	return false;
}

void amana_mdoc_validity(const amana_mdoc_t *m, int64_t *signed_at,
    int64_t *valid_from, int64_t *valid_until)
{
	*signed_at = m->mso.signed_at;
	*valid_from = m->mso.valid_from;
	*valid_until = m->mso.valid_until;
}

const amana_cose_key_t *amana_mdoc_device_key(const amana_mdoc_t *m)
{
	return &m->mso.device_key;
}

void amana_mdoc_bytes(const amana_mdoc_t *m, const uint8_t **p, size_t *n)
{
	*p = m->buf;
	*n = m->len;
}

int mdoc_cred_item_raw(const amana_mdoc_t *m, const char *ns, const char *id,
    const uint8_t **p, size_t *n)
{
	for (size_t k = 0; k < m->nelems; k++)
		if (strcmp(m->elems[k].ns, ns) == 0 && strcmp(m->elems[k].id, id) == 0) {
			amana_cbor_raw(m->doc, m->elems[k].item, p, n);
			return AMANA_OK;
		}
	return AMANA_ERR_NOT_FOUND;
}

int mdoc_cred_auth_raw(const amana_mdoc_t *m, const uint8_t **p, size_t *n)
{
	uint32_t is, v;
	if (amana_cbor_map_get_str(m->doc, 0, "issuerSigned", &is) != AMANA_OK ||
	    amana_cbor_map_get_str(m->doc, is, "issuerAuth", &v) != AMANA_OK)
		return AMANA_ERR_INTERNAL;
	amana_cbor_raw(m->doc, v, p, n);
	return AMANA_OK;
}
