/* Fuzz target: the request parser (what a holder reads from a verifier it
 * does not know: a file or a QR code), then every accessor the holder uses. */
#include <stddef.h>
#include <stdint.h>

#include "amana/mdoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	amana_request_t *r = NULL;
	if (amana_request_parse(data, size, &r) != 0)
		return 0;
	volatile size_t sink = 0;
	const uint8_t *p;
	size_t n;
	sink += amana_request_doc_count(r);
	for (size_t d = 0; d < amana_request_doc_count(r); d++) {
		sink += (size_t)(unsigned char)amana_request_doctype(r, d)[0];
		for (size_t e = 0; e < amana_request_elem_count(r, d); e++) {
			const amana_request_elem_t *el = amana_request_elem(r, d, e);
			sink += amana_request_wants(r, amana_request_doctype(r, d), el->ns, el->id);
		}
	}
	amana_request_transcript(r, &p, &n);
	sink += n > 0 ? p[n - 1] : 0;
	amana_request_nonce(r, &p, &n);
	sink += n;
	sink += (size_t)(unsigned char)amana_request_verifier(r)[0];
	(void)sink;
	amana_request_free(&r);
	return 0;
}
