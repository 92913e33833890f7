/* Figures for the README: verifications per second of a four-element
 * response on one core (document-signer certificate cache warm, and cold),
 * issuances per second, and response sizes for 1, 4 and all elements.
 * Rates are per second of CPU time of this single-threaded process. */
#include <time.h>

#include "fixture.h"

/* CPU time of this process: the machine is shared, and the figure asked
 * for is per core, so wall-clock time would count other people's work. */
static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double budget = argc > 1 ? atof(argv[1]) : 2.0;
	fixture_t fx;
	if (fx_init(&fx) != AMANA_OK)
		return 1;
	static amana_verify_result_t res;

	/* sizes */
	static const size_t counts[] = {1, 4, 11};
	for (size_t k = 0; k < 3; k++) {
		amana_request_t *req = NULL;
		uint8_t *resp = NULL;
		size_t n;
		if (fx_response(&fx, counts[k], &req, &resp, &n) != AMANA_OK)
			return 1;
		printf("response disclosing %2zu element%s: %zu bytes%s\n", counts[k],
		    counts[k] == 1 ? " " : "s", n, counts[k] == 11 ? " (all)" : "");
		amana_request_free(&req);
		free(resp);
	}

	/* verification of a four-element response */
	amana_request_t *req = NULL;
	uint8_t *resp = NULL;
	size_t n;
	if (fx_response(&fx, 4, &req, &resp, &n) != AMANA_OK)
		return 1;
	for (int cold = 0; cold < 2; cold++) {
		amana_verifier_t *v = NULL;
		if (amana_verifier_new(&v) != AMANA_OK)
			return 1;
		amana_verifier_set_trust(v, fx.trust);
		amana_verifier_set_time(v, FX_NOW);
		size_t done = 0;
		double t0 = now_s(), t;
		do {
			if (cold)
				amana_verifier_set_trust(v, fx.trust); /* empties the cache */
			if (amana_verifier_check(v, req, resp, n, &res) != AMANA_OK) {
				fprintf(stderr, "verification failed: %s\n", amana_strerr(res.reason));
				return 1;
			}
			done++;
		} while ((t = now_s() - t0) < budget);
		printf("verifications/s, 4 elements, one core, %s: %.0f\n",
		    cold ? "certificate chain checked every time" : "signer certificate cached",
		    (double)done / t);
		if (!cold)
			printf("  (one verification: %.1f us of CPU; target >= 5000/s)\n",
			    1e6 * t / (double)done);
		amana_verifier_free(&v);
	}
	amana_request_free(&req);
	free(resp);

	/* issuance of the identity credential (11 elements) */
	size_t done = 0;
	double t0 = now_s(), t;
	do {
		uint8_t *cred = NULL;
		size_t len;
		if (fx_issue(&fx, true, "https://status.example.org/lists/1", done, &cred, &len) != AMANA_OK)
			return 1;
		free(cred);
		done++;
	} while ((t = now_s() - t0) < budget);
	printf("issuances/s, identity credential (11 elements), one core: %.0f "
	    "(target >= 2000/s)\n", (double)done / t);
	fx_free(&fx);
	return 0;
}
