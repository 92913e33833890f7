/* make_fuzz_seeds DIR: writes the seed corpora of fuzz_request and
 * fuzz_response (DIR/fuzz_request/, DIR/fuzz_response/) from the seeded
 * fixture. Run by hand when the formats change; the output is committed. */
#include <stdio.h>

#include "fixture.h"

static int put(const char *dir, const char *name, const uint8_t *a, size_t an,
    const uint8_t *b, size_t bn, bool prefix)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return 1;
	uint8_t hdr[2] = {(uint8_t)(an >> 8), (uint8_t)an};
	if (prefix)
		fwrite(hdr, 1, 2, f);
	fwrite(a, 1, an, f);
	if (b != NULL)
		fwrite(b, 1, bn, f);
	return fclose(f) != 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: make_fuzz_seeds CORPUS_DIR\n");
		return 2;
	}
	fixture_t fx;
	if (fx_init_keys(&fx, true) != AMANA_OK)
		return 1;
	static const size_t counts[] = {1, 4, 11};
	int bad = 0;
	for (size_t k = 0; k < 3; k++) {
		amana_request_t *req = NULL;
		uint8_t *resp = NULL;
		size_t n;
		if (fx_response(&fx, counts[k], &req, &resp, &n) != AMANA_OK)
			return 1;
		const uint8_t *rq;
		size_t rqn;
		amana_request_bytes(req, &rq, &rqn);
		char name[64];
		snprintf(name, sizeof(name), "fuzz_request/request_%zu", counts[k]);
		bad |= put(argv[1], name, rq, rqn, NULL, 0, false);
		snprintf(name, sizeof(name), "fuzz_response/response_%zu", counts[k]);
		bad |= put(argv[1], name, rq, rqn, resp, n, true);
		/* the seeds must verify against a fixture made afresh (new root
		 * certificate, same keys), as the fuzz target makes it */
		fixture_t again;
		amana_verifier_t *v = NULL;
		static amana_verify_result_t res;
		if (fx_init_keys(&again, true) != AMANA_OK || amana_verifier_new(&v) != AMANA_OK)
			return 1;
		amana_verifier_set_trust(v, again.trust);
		amana_verifier_set_time(v, FX_NOW);
		if (amana_verifier_check(v, req, resp, n, &res) != AMANA_OK) {
			fprintf(stderr, "seed %zu does not verify: %s\n", counts[k],
			    amana_strerr(res.reason));
			bad = 1;
		}
		amana_verifier_free(&v);
		fx_free(&again);
		amana_request_free(&req);
		free(resp);
	}
	fx_free(&fx);
	return bad;
}
