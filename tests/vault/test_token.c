/* test_token.c: the token slot against the token simulator (amana-token)
 * through the real libfido2 API: enrol a credential with hmac-secret, open
 * the vault with the token and its PIN (clientPIN UV), refuse a wrong PIN,
 * another token, and a token slot removed; time the unlock end to end.
 * argv[1]: the amana-token program; argv[2] (optional): amana, whose
 * `vault unlock --token` is run too. */
#define _GNU_SOURCE
#include <sys/wait.h>
#include <time.h>

#include <fido.h>

#include "amana/fido.h"
#include "amana/vault.h"
#include "check.h"
#include "token_proc.h"
#include "vt_util.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int set_pin(const char *sock, const char *pin)
{
	fido_dev_t *dev = NULL;
	if (amana_fido_token_open(sock, &dev) != AMANA_OK)
		return -1;
	int rc = fido_dev_set_pin(dev, pin, NULL);
	fido_dev_close(dev);
	fido_dev_free(&dev);
	return rc == FIDO_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
	token_proc_t tok, other;
	char dir[4096];
	uint8_t rk[32];
	amana_vault_t *v = NULL;
	if (argc < 2)
		SKIP("give the amana-token program");
	fido_init(0);
	if (sodium_init() < 0)
		return 1;
	if (token_proc_start(&tok, argv[1], NULL) != 0)
		SKIP("amana-token did not start");
	CHECK_EQ(set_pin(tok.sock, "2468"), 0);
	vt_tmpdir(dir, sizeof(dir), "token");
	CHECK_EQ(amana_vault_create(dir, (const uint8_t *)"p", 1, NULL, rk), AMANA_OK);
	CHECK_EQ(amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &v), AMANA_OK);
	if (v == NULL)
		goto out;
	int fd = vt_memfd((const uint8_t *)"work permit scan", 16);
	CHECK_EQ(amana_vault_doc_add(v, "permit", NULL, fd), AMANA_OK);
	close(fd);
	unsigned idx = 99;
	CHECK_EQ(amana_vault_token_enrol(v, tok.sock, "2468", &idx), AMANA_OK);
	amana_vault_slot_info_t si;
	CHECK_EQ(amana_vault_slot_info(v, idx, &si), AMANA_OK);
	CHECK_EQ(si.type, AMANA_VAULT_SLOT_TOKEN);
	amana_vault_free(&v);

	/* unlock through the token, end to end, a few times */
	double best = 1e9, worst = 0;
	for (int i = 0; i < 5; i++) {
		double t0 = now();
		int err = amana_vault_token_open(dir, tok.sock, "2468", &v);
		double t = now() - t0;
		CHECK_EQ(err, AMANA_OK);
		best = t < best ? t : best;
		worst = t > worst ? t : worst;
		if (v != NULL) {
			CHECK_EQ(amana_vault_slot_opened(v), idx);
			CHECK(amana_vault_find(v, "permit") >= 0);
			amana_vault_free(&v);
		}
	}
	printf("unlock through the token simulator (PIN UV, hmac-secret, libfido2): best %.1f ms, worst %.1f ms\n",
	    best * 1e3, worst * 1e3);

	/* the CLI's token path: amana vault unlock --token SOCK --pin-fd 3 */
	if (argc >= 3) {
		char cmd[8192];
		snprintf(cmd, sizeof(cmd), "echo 2468 | '%s' vault unlock '%s' --token '%s' --pin-fd 0 >/dev/null",
		    argv[2], dir, tok.sock);
		CHECK_EQ(system(cmd), 0);
		snprintf(cmd, sizeof(cmd), "echo 1111 | '%s' vault list '%s' --token '%s' --pin-fd 0 2>/dev/null",
		    argv[2], dir, tok.sock);
		int st = system(cmd);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1); /* refused: a check failed */
	}

	/* a wrong PIN is refused by the token, named as such; the vault is not opened */
	CHECK_EQ(amana_vault_token_open(dir, tok.sock, "1357", &v), AMANA_ERR_PIN_WRONG);
	CHECK(v == NULL);
	/* the hmac-secret is not the passphrase or the recovery key */
	CHECK_EQ(amana_vault_open(dir, AMANA_VAULT_TOKEN, rk, 32, &v), AMANA_ERR_VAULT_SECRET);

	/* another token holds no credential of this vault */
	if (token_proc_start(&other, argv[1], NULL) == 0) {
		CHECK_EQ(set_pin(other.sock, "2468"), 0);
		CHECK_EQ(amana_vault_token_open(dir, other.sock, "2468", &v), AMANA_ERR_VAULT_TOKEN);
		token_proc_stop(&other, false);
	} else {
		CHECK(0);
	}

	/* removing the slot closes that way in */
	CHECK_EQ(amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &v), AMANA_OK);
	if (v != NULL) {
		CHECK_EQ(amana_vault_slot_remove(v, idx), AMANA_OK);
		amana_vault_free(&v);
	}
	CHECK_EQ(amana_vault_token_open(dir, tok.sock, "2468", &v), AMANA_ERR_VAULT_TOKEN);
out:
	token_proc_stop(&tok, false);
	vt_rmrf(dir);
	return check_done();
}
