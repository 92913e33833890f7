/* Every single-bit flip of a valid DeviceResponse (four elements) is
 * rejected: each of its bits is flipped in turn and the response verified
 * with the right request, trust list and clock. The unflipped response
 * must be accepted before and after the walk. */
#include "check.h"
#include "fixture.h"

int main(void)
{
	fixture_t fx;
	if (fx_init(&fx) != AMANA_OK)
		return 1;
	amana_request_t *req = NULL;
	uint8_t *resp = NULL;
	size_t n;
	CHECK_EQ(fx_response(&fx, 4, &req, &resp, &n), AMANA_OK);
	if (resp == NULL)
		return check_done();
	amana_verifier_t *v = NULL;
	CHECK_EQ(amana_verifier_new(&v), AMANA_OK);
	amana_verifier_set_trust(v, fx.trust);
	amana_verifier_set_time(v, FX_NOW);
	static amana_verify_result_t res;
	CHECK_EQ(amana_verifier_check(v, req, resp, n, &res), AMANA_OK);

	size_t accepted = 0, by_reason[1000] = {0};
	for (size_t bit = 0; bit < n * 8; bit++) {
		resp[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		int r = amana_verifier_check(v, req, resp, n, &res);
		if (r == AMANA_OK || res.accepted) {
			accepted++;
			fprintf(stderr, "accepted with bit %zu flipped\n", bit);
		} else if (r < 0 && r > -1000) {
			by_reason[-r]++;
		}
		resp[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	CHECK_EQ(accepted, 0);
	CHECK_EQ(amana_verifier_check(v, req, resp, n, &res), AMANA_OK);
	printf("%zu bytes, %zu flips, all rejected; by reason:\n", n, n * 8);
	for (int k = 0; k < 1000; k++)
		if (by_reason[k] > 0)
			printf("  %5zu  %s\n", by_reason[k], amana_strerr(-k));
	amana_verifier_free(&v);
	amana_request_free(&req);
	free(resp);
	fx_free(&fx);
	return check_done();
}
