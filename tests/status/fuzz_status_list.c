/* Fuzz target: the status list token parser (COSE_Sign1, CWT claims,
 * bounded zlib), and a look-up in whatever list it accepts. */
#include <stdlib.h>

#include "amana/err.h"
#include "amana/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	amana_status_list_t *l = NULL;
	if (amana_status_list_parse(data, size, &l) != AMANA_OK)
		return 0;
	const amana_status_bits_t *b = amana_status_list_bits(l);
	size_t n = amana_status_bits_count(b);
	if (n == 0 || n > AMANA_STATUS_MAX_ENTRIES || amana_status_list_exp(l) <= amana_status_list_iat(l))
		abort();
	unsigned v;
	if (amana_status_bits_get(b, n - 1, &v) != AMANA_OK || v > 3 ||
	    amana_status_bits_get(b, n, &v) != AMANA_ERR_STATUS_INDEX)
		abort();
	amana_cose_key_t k = {AMANA_COSE_KTY_OKP, AMANA_COSE_CRV_ED25519, {0}, {0}};
	(void)!amana_status_list_verify(l, &k);
	amana_status_list_free(&l);
	return 0;
}
