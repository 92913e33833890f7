/*
 * bench_token_latency.c: end-to-end getAssertion latency through libfido2,
 * amana's socket transport and the amana-token process (host simulator):
 * a plain assertion, one with hmac-secret (the vault unlock), and one with
 * the PIN (libfido2 fetches a pinUvAuthToken first).
 *   bench_token_latency AMANA-TOKEN [N]
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fido_util.h"
#include "token_proc.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int run(fido_dev_t *dev, const fido_cred_t *c, const uint8_t *salt,
    const char *pin, int n, const char *what)
{
	double *t = calloc((size_t)n, sizeof(*t));
	if (t == NULL)
		return 1;
	for (int i = 0; i < n; i++) {
		fido_assert_t *a = NULL;
		double t0 = now_ms();
		int rc = tf_get_assert(dev, c, salt, salt != NULL ? 32 : 0, pin, &a);
		t[i] = now_ms() - t0;
		fido_assert_free(&a);
		if (rc != FIDO_OK) {
			fprintf(stderr, "%s: %s\n", what, fido_strerr(rc));
			free(t);
			return 1;
		}
	}
	qsort(t, (size_t)n, sizeof(*t), cmp);
	printf("getAssertion %-28s median %.2f ms, p95 %.2f ms (n=%d, host simulator via libfido2)\n",
	    what, t[n / 2], t[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1], n);
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	token_proc_t tp;
	int n = argc > 2 ? atoi(argv[2]) : 50, rc = 0;
	uint8_t salt[32];
	if (argc < 2) {
		fprintf(stderr, "usage: bench_token_latency AMANA-TOKEN [N]\n");
		return 2;
	}
	if (n < 2)
		n = 2;
	memset(salt, 0x33, sizeof(salt));
	fido_init(0);
	if (token_proc_start(&tp, argv[1], NULL) != 0)
		return 1;
	fido_dev_t *dev = tf_open(tp.sock);
	fido_cred_t *c = NULL;
	if (dev == NULL || tf_make_cred(dev, "bench", false, true, 0, NULL, &c) != FIDO_OK)
		rc = 1;
	if (rc == 0)
		rc = run(dev, c, NULL, NULL, n, "(UP only)");
	if (rc == 0)
		rc = run(dev, c, salt, NULL, n, "+ hmac-secret");
	if (rc == 0 && fido_dev_set_pin(dev, "1234", NULL) != FIDO_OK)
		rc = 1;
	if (rc == 0)
		rc = run(dev, c, salt, "1234", n, "+ hmac-secret + PIN (UV)");
	fido_cred_free(&c);
	tf_close(&dev);
	token_proc_stop(&tp, false);
	return rc;
}
