/*
 * test_token_pin.c: clientPIN (PIN/UV auth protocol 2) through libfido2
 * against amana-token: setPIN, changePIN, policy, PIN-gated
 * makeCredential/getAssertion (UV flag, CredRandom with UV), retries
 * persisted across a power cut, 3 wrong PINs in a row need a power cycle,
 * 8 wrong PINs block until reset.  argv[1]: the amana-token program.
 */
#include <string.h>

#include "check.h"
#include "fido_util.h"
#include "token_proc.h"

static token_proc_t tp;
static const char *exe;

static int retries(fido_dev_t *dev)
{
	int r = -1;
	if (fido_dev_get_retry_count(dev, &r) != FIDO_OK)
		return -1;
	return r;
}

/* A PIN-protected makeCredential: the libfido2 status of the attempt. */
static int try_pin(fido_dev_t *dev, const char *pin)
{
	fido_cred_t *c = NULL;
	int rc = tf_make_cred(dev, "pin-user", false, false, 0, pin, &c);
	fido_cred_free(&c);
	return rc;
}

static void power_cycle(fido_dev_t **dev)
{
	tf_close(dev);
	CHECK_EQ(token_proc_ctl(&tp, "power-cycle", NULL, 0), 0);
	*dev = tf_open(tp.sock);
	CHECK(*dev != NULL);
}

static void power_cut(fido_dev_t **dev)
{
	tf_close(dev);
	token_proc_kill(&tp);
	CHECK_EQ(token_proc_restart(&tp, exe, NULL), 0);
	*dev = tf_open(tp.sock);
	CHECK(*dev != NULL);
}

static void test_set_and_use(fido_dev_t *dev)
{
	fido_cred_t *c = NULL;
	fido_assert_t *a = NULL;
	uint8_t salt[32], with_uv[32], without_uv[32];
	memset(salt, 0x42, sizeof(salt));

	/* Before a PIN: a credential without user verification. */
	CHECK_EQ(tf_make_cred(dev, "pinned", false, true, 0, NULL, &c), FIDO_OK);
	CHECK_EQ(fido_dev_set_pin(dev, "12", NULL), FIDO_ERR_PIN_POLICY_VIOLATION);
	CHECK_EQ(fido_dev_set_pin(dev, "1234", NULL), FIDO_OK);
	CHECK(fido_dev_has_pin(dev) || retries(dev) == 8);
	CHECK_EQ(retries(dev), 8);
	CHECK_EQ(fido_dev_set_pin(dev, "9999", NULL), FIDO_ERR_NOT_ALLOWED);

	/* Now creating a credential needs the PIN (no makeCredUvNotRqd). */
	CHECK_EQ(try_pin(dev, NULL), FIDO_ERR_PIN_REQUIRED);
	fido_cred_t *v = NULL;
	CHECK_EQ(tf_make_cred(dev, "verified", false, false, 0, "1234", &v), FIDO_OK);
	if (v != NULL)
		CHECK_EQ(fido_cred_flags(v) & 0x05, 0x05); /* UP and UV */
	fido_cred_free(&v);

	/* hmac-secret: CredRandom with UV differs from the one without. */
	if (c != NULL) {
		CHECK_EQ(tf_get_assert(dev, c, salt, 32, NULL, &a), FIDO_OK);
		if (a != NULL && fido_assert_hmac_secret_len(a, 0) == 32) {
			memcpy(without_uv, fido_assert_hmac_secret_ptr(a, 0), 32);
			CHECK_EQ(fido_assert_flags(a, 0) & 0x04, 0);
		}
		fido_assert_free(&a);
		CHECK_EQ(tf_get_assert(dev, c, salt, 32, "1234", &a), FIDO_OK);
		if (a != NULL && fido_assert_hmac_secret_len(a, 0) == 32) {
			memcpy(with_uv, fido_assert_hmac_secret_ptr(a, 0), 32);
			CHECK_EQ(fido_assert_flags(a, 0) & 0x04, 0x04);
		}
		fido_assert_free(&a);
		CHECK(memcmp(with_uv, without_uv, 32) != 0);
		/* and each is stable */
		CHECK_EQ(tf_get_assert(dev, c, salt, 32, "1234", &a), FIDO_OK);
		if (a != NULL && fido_assert_hmac_secret_len(a, 0) == 32)
			CHECK(memcmp(with_uv, fido_assert_hmac_secret_ptr(a, 0), 32) == 0);
		fido_assert_free(&a);
	}
	fido_cred_free(&c);
}

static void test_change(fido_dev_t *dev)
{
	CHECK_EQ(fido_dev_set_pin(dev, "5678", "0000"), FIDO_ERR_PIN_INVALID);
	CHECK_EQ(retries(dev), 7);
	CHECK_EQ(fido_dev_set_pin(dev, "56", "1234"), FIDO_ERR_PIN_POLICY_VIOLATION);
	CHECK_EQ(fido_dev_set_pin(dev, "5678", "1234"), FIDO_OK);
	CHECK_EQ(retries(dev), 8); /* a correct PIN restores the retries */
	CHECK_EQ(try_pin(dev, "1234"), FIDO_ERR_PIN_INVALID);
	CHECK_EQ(try_pin(dev, "5678"), FIDO_OK);
	CHECK_EQ(retries(dev), 8);
}

static void test_lockout(fido_dev_t **dev)
{
	/* Three wrong in a row: blocked until a power cycle; the third is
	 * still counted, attempts while blocked are not. */
	CHECK_EQ(try_pin(*dev, "0001"), FIDO_ERR_PIN_INVALID);
	CHECK_EQ(try_pin(*dev, "0002"), FIDO_ERR_PIN_INVALID);
	CHECK_EQ(try_pin(*dev, "0003"), FIDO_ERR_PIN_AUTH_BLOCKED);
	CHECK_EQ(retries(*dev), 5);
	CHECK_EQ(try_pin(*dev, "5678"), FIDO_ERR_PIN_AUTH_BLOCKED);
	CHECK_EQ(retries(*dev), 5);
	power_cycle(dev);
	CHECK_EQ(try_pin(*dev, "5678"), FIDO_OK);
	CHECK_EQ(retries(*dev), 8);

	/* A wrong guess is stored before the answer: a power cut after it
	 * does not give the guess back. */
	CHECK_EQ(try_pin(*dev, "0004"), FIDO_ERR_PIN_INVALID);
	power_cut(dev);
	CHECK_EQ(retries(*dev), 7);

	/* Eight wrong PINs block the PIN for good, correct one included. */
	int left = 7, in_row = 0;
	while (left > 0) {
		if (in_row == 2) {
			power_cycle(dev);
			in_row = 0;
		}
		int rc = try_pin(*dev, "0005");
		left--;
		in_row++;
		CHECK_EQ(rc, left == 0 ? FIDO_ERR_PIN_BLOCKED : FIDO_ERR_PIN_INVALID);
		CHECK_EQ(retries(*dev), left);
	}
	power_cycle(dev);
	CHECK_EQ(try_pin(*dev, "5678"), FIDO_ERR_PIN_BLOCKED);
	CHECK_EQ(fido_dev_set_pin(*dev, "1111", "5678"), FIDO_ERR_PIN_BLOCKED);
	CHECK_EQ(retries(*dev), 0);

	/* Only a reset opens the token again, without a PIN. */
	CHECK_EQ(fido_dev_reset(*dev), FIDO_OK);
	CHECK_EQ(retries(*dev), 8);
	CHECK_EQ(try_pin(*dev, NULL), FIDO_OK);
	CHECK_EQ(fido_dev_set_pin(*dev, "4321", NULL), FIDO_OK);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		SKIP("usage: test_token_pin AMANA-TOKEN");
	exe = argv[1];
	fido_init(0);
	if (token_proc_start(&tp, exe, NULL) != 0) {
		fprintf(stderr, "cannot start %s\n", exe);
		return 1;
	}
	fido_dev_t *dev = tf_open(tp.sock);
	CHECK(dev != NULL);
	if (dev != NULL) {
		test_set_and_use(dev);
		test_change(dev);
		test_lockout(&dev);
	}
	tf_close(&dev);
	CHECK_EQ(token_proc_stop(&tp, false), 0);
	return check_done();
}
