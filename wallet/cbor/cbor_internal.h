/* cbor_internal.h: what the decoder's files share (not installed). */
#ifndef AMANA_CBOR_INTERNAL_H
#define AMANA_CBOR_INTERNAL_H

#include "amana/cbor.h"

struct amana_cbor_doc {
	const uint8_t *buf; /* the caller's input, borrowed */
	size_t len;
	amana_cbor_item_t *items;
	uint32_t n, cap;
};

/* RFC 3629 UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
bool amana_cbor_utf8_valid(const uint8_t *p, size_t n);

/* AMANA_ERR_CBOR_DUPKEY if the complete map at index m holds two keys of
 * the same type and value. */
int amana_cbor_map_check_dups(const amana_cbor_doc_t *d, uint32_t m);

#endif
