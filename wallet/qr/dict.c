/* dict.c: the preset zlib dictionary of compact frames: the vocabulary
 * of our mdoc structures, as the CBOR text strings they are encoded as
 * (map keys of ISO 18013-5, our docTypes and element identifiers), so
 * that even their first occurrence costs a back-reference. Version 1; a
 * changed vocabulary needs a new frame kind, since old frames name this
 * one by its Adler-32 (zlib's DICTID). An extra dictionary that both ends
 * hold (the issuer's document-signer certificate, which every response
 * carries in its x5chain) can follow it. */
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "qr_internal.h"

static const char *const dict_words[] = {
	/* entitlement and identity elements (schemas in wallet/mdoc) */
	"family_name", "given_name", "birth_date", "nationality", "sex",
	"id_document_type", "id_document_number", "id_document_issuer",
	"id_document_expiry", "verification_level", "verification_date",
	"verified_by", "right_to_work", "permit_number", "permit_valid_from",
	"permit_valid_until", "employer_name", "employer_id", "sector",
	"work_location", "wage_amount", "wage_currency", "wage_period",
	"hours_per_week", "recruitment_fees_paid_by_employer", "entitled_services",
	/* ISO 18013-5 structure keys, most frequent last (cheapest to reach) */
	"expectedUpdate", "readerKey", "docRequests", "itemsRequest", "nonce",
	"verifier", "intentToRetain", "status_list", "idx", "uri", "version",
	"1.0", "documents", "status", "deviceSigned", "deviceAuth",
	"deviceSignature", "deviceKeyInfo", "deviceKey", "digestAlgorithm",
	"SHA-256", "validityInfo", "signed", "validFrom", "validUntil",
	"valueDigests", "issuerSigned", "issuerAuth", "nameSpaces", "docType",
	"org.amana.worker.entitlement.1", "org.amana.worker.identity.1",
	"elementIdentifier", "elementValue", "digestID", "random",
};

/* Fixed byte patterns: tag 24 + bstr head, a random salt's head, the
 * EdDSA protected header, the Ed25519 OID of certificates. */
static const uint8_t dict_tail[] = {0xd8, 0x18, 0x58, 0x58, 0x20, 0xa1, 0x01,
	0x27, 0x06, 0x03, 0x2b, 0x65, 0x70};

/* Writes the vocabulary into out (NULL: only measures); returns its length. */
static size_t dict_vocab(uint8_t *out)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof(dict_words) / sizeof(dict_words[0]); i++) {
		size_t w = strlen(dict_words[i]); /* all < 256 */
		if (out != NULL) {
			if (w < 24) {
				out[n] = (uint8_t)(0x60u + w);
			} else {
				out[n] = 0x78;
				out[n + 1] = (uint8_t)w;
			}
		}
		n += w < 24 ? 1 : 2;
		if (out != NULL)
			memcpy(out + n, dict_words[i], w);
		n += w;
	}
	if (out != NULL)
		memcpy(out + n, dict_tail, sizeof(dict_tail));
	return n + sizeof(dict_tail);
}

int qr_dict_build(const uint8_t *extra, size_t extra_len, uint8_t **dict, size_t *len)
{
	if (extra_len > QR_DICT_MAX_EXTRA)
		return AMANA_ERR_LIMIT;
	size_t vl = dict_vocab(NULL);
	/* The extra part goes first: zlib reaches the end of the dictionary
	 * most cheaply, and the vocabulary is used more often. */
	uint8_t *d = malloc(extra_len + vl);
	if (d == NULL)
		return AMANA_ERR_NOMEM;
	if (extra_len > 0)
		memcpy(d, extra, extra_len);
	dict_vocab(d + extra_len);
	*dict = d;
	*len = extra_len + vl;
	return AMANA_OK;
}
