/* Fuzz target: the CBOR decoder under its limits, the diagnostic printer,
 * the typed accessors, and the COSE_Sign1 / COSE_Key parsers over whatever
 * decoded. Decoded items must stay inside the input. */
#include <stdlib.h>
#include <string.h>

#include "amana/cose.h"
#include "amana/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	amana_cbor_limits_t lim = {65536, 16, 4096};
	amana_cbor_doc_t *d = NULL;
	if (amana_cbor_decode(data, size, &lim, &d) != AMANA_OK)
		return 0;
	uint32_t n = amana_cbor_doc_count(d);
	volatile int sink = 0; /* results are not the point: no crash is */
	for (uint32_t i = 0; i < n; i++) {
		const amana_cbor_item_t *it = amana_cbor_at(d, i);
		if (it->off + it->len > size || it->next > n || it->next <= i)
			abort();
		if ((it->type == AMANA_CBOR_BSTR || it->type == AMANA_CBOR_TSTR) &&
		    (it->data < data || it->data + it->val > data + size))
			abort();
		amana_cose_key_t k;
		amana_cose_sign1_t s;
		uint32_t v;
		if (it->type == AMANA_CBOR_MAP) {
			sink += amana_cose_key_parse(d, i, &k);
			sink += amana_cbor_map_get_str(d, i, "docType", &v);
		}
		if (it->type == AMANA_CBOR_ARRAY || it->type == AMANA_CBOR_TAG)
			sink += amana_cose_sign1_parse(d, i, &s);
	}
	char out[512];
	if (amana_cbor_diag(d, 0, out, sizeof(out)) > 0 && out[sizeof(out) - 1] != '\0' &&
	    strlen(out) >= sizeof(out))
		abort();
	(void)sink;
	amana_cbor_doc_free(&d);
	return 0;
}
