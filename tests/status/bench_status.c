/* Benchmark: the size of a signed status list token for 131072
 * credentials (1 bit each) with 0, 0.1 %, 1 % and 10 % of them revoked at
 * random; how long loading it into a verifier's cache takes (parse,
 * inflate, verify), and one status check against the cached list. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amana/err.h"
#include "amana/status.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	uint8_t pk[32], sk[64];
	crypto_sign_keypair(pk, sk);
	amana_cose_key_t key = {AMANA_COSE_KTY_OKP, AMANA_COSE_CRV_ED25519, {0}, {0}};
	memcpy(key.x, pk, 32);
	const size_t n = 131072;
	const double rates[4] = {0.0, 0.001, 0.01, 0.1};
	printf("%-10s %10s %10s %12s %12s\n", "revoked", "token", "QR codes", "load (us)", "check (us)");
	for (int k = 0; k < 4; k++) {
		amana_status_bits_t *b = NULL;
		if (amana_status_bits_new(1, n, &b) != AMANA_OK)
			return 1;
		size_t want = (size_t)(rates[k] * (double)n);
		for (size_t i = 0; i < want; i++)
			(void)amana_status_bits_set(b, randombytes_uniform((uint32_t)n), 1);
		amana_status_claims_t c = {"https://issuer.amana.example/status/1", 1780000000,
			1780086400, 86400};
		uint8_t *tok = NULL;
		size_t len = 0;
		if (amana_status_token_sign(b, &c, sk, NULL, 0, &tok, &len) != AMANA_OK)
			return 1;
		/* Loading: what `amana-verify status load` does per token. */
		int reps = 50;
		amana_status_policy_t pol;
		amana_status_policy_default(&pol);
		double t0 = now_s();
		amana_status_cache_t *cache = NULL;
		for (int r = 0; r < reps; r++) {
			amana_status_cache_free(&cache);
			if (amana_status_cache_open(NULL, &cache) != AMANA_OK ||
			    amana_status_cache_put(cache, tok, len, &key, c.iat, &pol) != AMANA_OK)
				return 1;
		}
		double load_us = (now_s() - t0) / reps * 1e6;
		/* A check: what the verifier's status hook does per response. */
		int checks = 20000, valid = 0;
		amana_status_result_t res;
		t0 = now_s();
		for (int r = 0; r < checks; r++)
			valid += amana_status_cache_check(cache, c.uri, (size_t)r * 7 % n, &key,
			    c.iat + 60, &pol, &res) == AMANA_OK;
		double us = (now_s() - t0) / checks * 1e6;
		amana_status_cache_free(&cache);
		if (valid == 0)
			return 1;
		/* Binary QR at M holds 2331 bytes per version-40 code. */
		size_t codes = (len + 2330) / 2331;
		char label[16];
		snprintf(label, sizeof(label), "%.1f %%", rates[k] * 100);
		printf("%-10s %9zuB %10zu %12.0f %12.2f\n", label, len, codes, load_us, us);
		free(tok);
		amana_status_bits_free(&b);
	}
	return 0;
}
