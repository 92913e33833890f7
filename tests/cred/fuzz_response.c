/* Fuzz target: DeviceResponse verification. The input is a request and a
 * response ([2-byte big-endian request length][request][response]); the
 * verifier trusts the seeded fixture's root, so the seed corpus (made by
 * make_fuzz_seeds) reaches every check, digests and device signature too. */
#include <stddef.h>
#include <stdint.h>

#include "fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fixture_t fx;
static amana_verifier_t *v;
static amana_verify_result_t res;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (v == NULL) {
		if (fx_init_keys(&fx, true) != AMANA_OK || amana_verifier_new(&v) != AMANA_OK)
			abort();
		amana_verifier_set_trust(v, fx.trust);
		amana_verifier_set_time(v, FX_NOW);
	}
	if (size < 2)
		return 0;
	size_t rl = (size_t)data[0] << 8 | data[1];
	if (rl > size - 2)
		rl = size - 2;
	amana_request_t *req = NULL;
	if (amana_request_parse(data + 2, rl, &req) != AMANA_OK)
		req = NULL;
	int r = amana_verifier_check(v, req, data + 2 + rl, size - 2 - rl, &res);
	/* an accepted response passed every check */
	if (r == AMANA_OK)
		for (size_t d = 0; d < res.ndocs; d++)
			for (int c = 0; c < AMANA_CHECK_STATUS; c++)
				if (res.docs[d].checks[c].state != AMANA_CHECK_PASS)
					abort();
	amana_request_free(&req);
	return 0;
}
