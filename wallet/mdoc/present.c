/* present.c: the DeviceResponse a holder writes (ISO/IEC 18013-5 8.3.2.1.2.2)
 * disclosing only what was asked, device-signed for this session. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/holder.h"
#include "mdoc_internal.h"

/* DeviceNameSpacesBytes = #6.24(bstr .cbor {}) */
static const uint8_t empty_dns[] = {0xd8, 0x18, 0x41, 0xa0};

int amana_holder_pick(const amana_request_t *req, size_t doc,
    amana_mdoc_t *const *creds, size_t ncreds, const uint8_t device_pk[32])
{
	const char *dt = amana_request_doctype(req, doc);
	if (dt == NULL)
		return -1;
	amana_cose_key_t mine = {AMANA_COSE_KTY_OKP, AMANA_COSE_CRV_ED25519, {0}, {0}};
	memcpy(mine.x, device_pk, 32);
	for (size_t k = 0; k < ncreds && k < (size_t)INT32_MAX; k++)
		if (strcmp(amana_mdoc_doctype(creds[k]), dt) == 0 &&
		    amana_cose_key_eq(amana_mdoc_device_key(creds[k]), &mine))
			return (int)k;
	return -1;
}

static int put_document(amana_cbor_enc_t *e, const amana_request_t *req,
    size_t doc, const amana_mdoc_t *m, const uint8_t sk[64])
{
	const char *dt = amana_mdoc_doctype(m);
	const uint8_t *p;
	size_t n;
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "docType");
	amana_cbor_put_tstr(e, dt);
	amana_cbor_put_tstr(e, "issuerSigned");
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "nameSpaces");
	amana_cbor_map_begin(e);
	size_t nreq = amana_request_elem_count(req, doc);
	/* one array per namespace, in the request's order */
	for (size_t k = 0; k < nreq; k++) {
		const amana_request_elem_t *el = amana_request_elem(req, doc, k);
		bool seen = false, any = false;
		for (size_t j = 0; j < k && !seen; j++)
			seen = strcmp(amana_request_elem(req, doc, j)->ns, el->ns) == 0;
		for (size_t j = k; j < nreq && !any; j++) {
			const amana_request_elem_t *o = amana_request_elem(req, doc, j);
			any = strcmp(o->ns, el->ns) == 0 && amana_mdoc_has(m, o->ns, o->id);
		}
		if (seen || !any)
			continue;
		amana_cbor_put_tstr(e, el->ns);
		amana_cbor_array_begin(e);
		for (size_t j = k; j < nreq; j++) {
			const amana_request_elem_t *o = amana_request_elem(req, doc, j);
			if (strcmp(o->ns, el->ns) == 0 &&
			    mdoc_cred_item_raw(m, o->ns, o->id, &p, &n) == AMANA_OK)
				amana_cbor_put_raw(e, p, n);
		}
		amana_cbor_array_end(e);
	}
	amana_cbor_map_end(e);
	amana_cbor_put_tstr(e, "issuerAuth");
	int r = mdoc_cred_auth_raw(m, &p, &n);
	if (r != AMANA_OK)
		return r;
	amana_cbor_put_raw(e, p, n);
	amana_cbor_map_end(e);

	const uint8_t *st;
	size_t stn;
	uint8_t *da = NULL;
	size_t dan;
	amana_request_transcript(req, &st, &stn);
	r = amana_mdoc_device_auth_bytes(st, stn, dt, strlen(dt), empty_dns,
	    sizeof(empty_dns), &da, &dan);
	if (r != AMANA_OK)
		return r;
	amana_cbor_put_tstr(e, "deviceSigned");
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "nameSpaces");
	amana_cbor_put_raw(e, empty_dns, sizeof(empty_dns));
	amana_cbor_put_tstr(e, "deviceAuth");
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "deviceSignature");
	r = amana_cose_sign1_put_eddsa(e, da, dan, true, NULL, NULL, 0, sk);
	amana_cbor_map_end(e);
	amana_cbor_map_end(e);
	amana_cbor_map_end(e);
	free(da);
	return r;
}

int amana_holder_present(const amana_request_t *req, amana_mdoc_t *const *creds,
    size_t ncreds, const uint8_t device_sk[64], uint8_t **out, size_t *len)
{
	if (req == NULL || (creds == NULL && ncreds > 0) || device_sk == NULL ||
	    out == NULL || len == NULL)
		return AMANA_ERR_ARG;
	size_t ndocs = amana_request_doc_count(req);
	int pick[AMANA_REQUEST_MAX_DOCS];
	size_t found = 0;
	for (size_t d = 0; d < ndocs; d++) {
		pick[d] = amana_holder_pick(req, d, creds, ncreds, device_sk + 32);
		found += pick[d] >= 0;
	}
	if (found == 0)
		return AMANA_ERR_MDOC_NO_CRED;
	amana_cbor_enc_t *e = NULL;
	if (amana_cbor_enc_new(&e) != AMANA_OK)
		return AMANA_ERR_NOMEM;
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "version");
	amana_cbor_put_tstr(e, "1.0");
	amana_cbor_put_tstr(e, "documents");
	amana_cbor_array_begin(e);
	int r = AMANA_OK;
	for (size_t d = 0; d < ndocs && r == AMANA_OK; d++)
		if (pick[d] >= 0)
			r = put_document(e, req, d, creds[pick[d]], device_sk);
	amana_cbor_array_end(e);
	amana_cbor_put_tstr(e, "status");
	amana_cbor_put_uint(e, 0);
	amana_cbor_map_end(e);
	if (r == AMANA_OK)
		r = amana_cbor_enc_copy(e, out, len);
	amana_cbor_enc_free(&e);
	return r;
}
