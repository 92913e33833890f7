/*
 * test_cm4_fido.c: the Cortex-M4 token image under QEMU, driven by real
 * libfido2 over its UART (issue 7: getInfo, makeCredential + getAssertion
 * with the signature verified on the host, hmac-secret).
 *
 * Usage: test_cm4_fido TOKEN_ELF|none
 * Checks:
 *  - getInfo: FIDO_2_0 and FIDO_2_1 versions, the hmac-secret extension,
 *    a clientPin option, a 16-byte AAGUID;
 *  - makeCredential (ES256, hmac-secret): the attestation verifies;
 *  - getAssertion with allowList: the signature verifies with the
 *    credential's public key; the signature counter grows;
 *  - hmac-secret: the same salt gives the same 32 bytes twice, another salt
 *    different bytes, another credential different bytes;
 *  - a resident credential survives a power cycle (QEMU restarted on the
 *    same flash file) and is found without an allowList;
 *  - clientPIN: setPIN gives 8 retries, a wrong PIN in changePIN costs one,
 *    the third wrong one in a row blocks PIN use (even the right PIN) until
 *    a power cycle, after which the right one changes the PIN and restores
 *    8 retries;
 *  - authenticatorReset (right after power-up) wipes the PIN and the
 *    resident credential;
 *  - with presence refused (the image's "up=deny"), makeCredential is
 *    denied.
 * Figures: wall time of one getAssertion (hmac-secret, no UV) under QEMU,
 * the instructions the token spent on it (QEMU -icount shift=0: ticks x 40),
 * the stack high-water mark and crypto arena peak measured on target.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fido.h>
#include <fido/es256.h>

#include "amana/fido.h"
#include "check.h"
#include "cm4_qemu.h"

static const char *rp_id = "amana.example";

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static fido_dev_t *dev_open(const cm4_qemu_t *q)
{
	fido_dev_t *dev = fido_dev_new();
	if (dev == NULL)
		return NULL;
	if (amana_fido_dev_use_socket(dev) != 0 ||
	    fido_dev_open(dev, q->hid) != FIDO_OK) {
		fido_dev_free(&dev);
		return NULL;
	}
	return dev;
}

static void dev_close(fido_dev_t **dev)
{
	if (*dev != NULL)
		fido_dev_close(*dev);
	fido_dev_free(dev);
}

static int has_string(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static void test_info(fido_dev_t *dev)
{
	fido_cbor_info_t *ci = fido_cbor_info_new();
	CHECK(ci != NULL);
	if (ci == NULL)
		return;
	int rc = fido_dev_get_cbor_info(dev, ci);
	CHECK_EQ(rc, FIDO_OK);
	if (rc == FIDO_OK) {
		CHECK(has_string(fido_cbor_info_versions_ptr(ci),
		    fido_cbor_info_versions_len(ci), "FIDO_2_0"));
		CHECK(has_string(fido_cbor_info_versions_ptr(ci),
		    fido_cbor_info_versions_len(ci), "FIDO_2_1"));
		CHECK(has_string(fido_cbor_info_extensions_ptr(ci),
		    fido_cbor_info_extensions_len(ci), "hmac-secret"));
		CHECK(has_string(fido_cbor_info_options_name_ptr(ci),
		    fido_cbor_info_options_len(ci), "clientPin"));
		CHECK_EQ(fido_cbor_info_aaguid_len(ci), 16);
	}
	fido_cbor_info_free(&ci);
}

/* makeCredential; returns the credential (caller frees) or NULL. */
static fido_cred_t *make_cred(fido_dev_t *dev, int rk, const char *user)
{
	unsigned char cdh[32], uid[16];
	fido_cred_t *c = fido_cred_new();
	memset(cdh, 0x11, sizeof(cdh));
	memset(uid, 0, sizeof(uid));
	memcpy(uid, user, strlen(user) < sizeof(uid) ? strlen(user) : sizeof(uid));
	if (c == NULL)
		return NULL;
	int ok = fido_cred_set_type(c, COSE_ES256) == FIDO_OK &&
	    fido_cred_set_clientdata_hash(c, cdh, sizeof(cdh)) == FIDO_OK &&
	    fido_cred_set_rp(c, rp_id, "amana test") == FIDO_OK &&
	    fido_cred_set_user(c, uid, sizeof(uid), user, user, NULL) == FIDO_OK &&
	    fido_cred_set_extensions(c, FIDO_EXT_HMAC_SECRET) == FIDO_OK &&
	    fido_cred_set_rk(c, rk ? FIDO_OPT_TRUE : FIDO_OPT_OMIT) == FIDO_OK;
	int rc = ok ? fido_dev_make_cred(dev, c, NULL) : FIDO_ERR_INTERNAL;
	CHECK_EQ(rc, FIDO_OK);
	if (rc != FIDO_OK) {
		fprintf(stderr, "makeCredential: %s\n", fido_strerr(rc));
		fido_cred_free(&c);
		return NULL;
	}
	int vr = fido_cred_x5c_ptr(c) != NULL ? fido_cred_verify(c)
					      : fido_cred_verify_self(c);
	CHECK_EQ(vr, FIDO_OK);
	CHECK(fido_cred_flags(c) & 0x40); /* AT: attested credential data */
	return c;
}

/* getAssertion for cred (allowList) with an hmac-secret salt; checks the
 * signature and copies out the secret and the counter. */
static int get_assert(fido_dev_t *dev, const fido_cred_t *cred, int allow,
    unsigned char salt_byte, unsigned char secret[32], uint32_t *count,
    double *ms)
{
	unsigned char cdh[32], salt[32];
	fido_assert_t *a = fido_assert_new();
	es256_pk_t *pk = es256_pk_new();
	int rc = FIDO_ERR_INTERNAL;
	memset(cdh, 0x22, sizeof(cdh));
	memset(salt, salt_byte, sizeof(salt));
	if (a == NULL || pk == NULL)
		goto out;
	if (fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)) != FIDO_OK ||
	    fido_assert_set_rp(a, rp_id) != FIDO_OK ||
	    fido_assert_set_extensions(a, FIDO_EXT_HMAC_SECRET) != FIDO_OK ||
	    fido_assert_set_hmac_salt(a, salt, sizeof(salt)) != FIDO_OK ||
	    (allow && fido_assert_allow_cred(a, fido_cred_id_ptr(cred),
	    fido_cred_id_len(cred)) != FIDO_OK))
		goto out;
	double t0 = now_ms();
	rc = fido_dev_get_assert(dev, a, NULL);
	if (ms != NULL)
		*ms = now_ms() - t0;
	if (rc != FIDO_OK) {
		fprintf(stderr, "getAssertion: %s\n", fido_strerr(rc));
		goto out;
	}
	CHECK_EQ(fido_assert_count(a), 1);
	CHECK(es256_pk_from_ptr(pk, fido_cred_pubkey_ptr(cred),
	    fido_cred_pubkey_len(cred)) == FIDO_OK);
	CHECK_EQ(fido_assert_verify(a, 0, COSE_ES256, pk), FIDO_OK);
	CHECK(fido_assert_flags(a, 0) & 0x01); /* UP */
	CHECK_EQ(fido_assert_hmac_secret_len(a, 0), 32);
	if (fido_assert_hmac_secret_len(a, 0) == 32)
		memcpy(secret, fido_assert_hmac_secret_ptr(a, 0), 32);
	*count = fido_assert_sigcount(a, 0);
out:
	es256_pk_free(&pk);
	fido_assert_free(&a);
	return rc;
}

static int client_pin_option(fido_dev_t *dev)
{
	fido_cbor_info_t *ci = fido_cbor_info_new();
	int v = -1;
	if (ci != NULL && fido_dev_get_cbor_info(dev, ci) == FIDO_OK) {
		char **names = fido_cbor_info_options_name_ptr(ci);
		const bool *vals = fido_cbor_info_options_value_ptr(ci);
		for (size_t i = 0; i < fido_cbor_info_options_len(ci); i++)
			if (strcmp(names[i], "clientPin") == 0)
				v = vals[i] ? 1 : 0;
	}
	fido_cbor_info_free(&ci);
	return v;
}

/* PIN rules on the target, then reset. dev is open on q right after a
 * power-up; returns dev (reopened after the power cycle it does). */
static fido_dev_t *test_pin_and_reset(cm4_qemu_t *q, const char *elf,
    fido_dev_t *dev, const fido_cred_t *rk)
{
	int retries = -1;
	unsigned char s[32];
	uint32_t n = 0;
	CHECK_EQ(client_pin_option(dev), 0);
	CHECK_EQ(fido_dev_set_pin(dev, "1234abcd", NULL), FIDO_OK);
	CHECK_EQ(client_pin_option(dev), 1);
	CHECK_EQ(fido_dev_get_retry_count(dev, &retries), FIDO_OK);
	CHECK_EQ(retries, 8);
	CHECK_EQ(fido_dev_set_pin(dev, "new-pin-5678", "wrong-pin"),
	    FIDO_ERR_PIN_INVALID);
	CHECK_EQ(fido_dev_get_retry_count(dev, &retries), FIDO_OK);
	CHECK_EQ(retries, 7);
	/* Three wrong in a row: blocked until a power cycle, even for the
	 * right PIN. */
	CHECK_EQ(fido_dev_set_pin(dev, "new-pin-5678", "wrong-pin"),
	    FIDO_ERR_PIN_INVALID);
	CHECK_EQ(fido_dev_set_pin(dev, "new-pin-5678", "wrong-pin"),
	    FIDO_ERR_PIN_AUTH_BLOCKED);
	CHECK_EQ(fido_dev_set_pin(dev, "new-pin-5678", "1234abcd"),
	    FIDO_ERR_PIN_AUTH_BLOCKED);
	CHECK_EQ(fido_dev_get_retry_count(dev, &retries), FIDO_OK);
	CHECK_EQ(retries, 5);

	dev_close(&dev);
	if (cm4_qemu_restart(q, elf, "trace", 1) != 0 || (dev = dev_open(q)) == NULL) {
		CHECK(0);
		return NULL;
	}
	/* After the power cycle the right PIN works and restores 8 retries. */
	CHECK_EQ(fido_dev_set_pin(dev, "new-pin-5678", "1234abcd"), FIDO_OK);
	CHECK_EQ(fido_dev_get_retry_count(dev, &retries), FIDO_OK);
	CHECK_EQ(retries, 8);

	/* authenticatorReset, within 10 s of that power-up. */
	CHECK_EQ(fido_dev_reset(dev), FIDO_OK);
	CHECK_EQ(client_pin_option(dev), 0);
	CHECK_EQ(get_assert(dev, rk, 0, 0xA1, s, &n, NULL), FIDO_ERR_NO_CREDENTIALS);
	return dev;
}

int main(int argc, char **argv)
{
	cm4_qemu_t q;
	fido_dev_t *dev = NULL;
	fido_cred_t *c1 = NULL, *c2 = NULL;
	unsigned char s1[32] = {0}, s1b[32] = {1}, s2[32] = {2}, s3[32] = {3};
	uint32_t n1 = 0, n2 = 0, n3 = 0;
	unsigned long ticks = 0, max_ticks = 0, stack = 0, arena = 0;
	double ms = 0;

	if (argc < 2 || strcmp(argv[1], "none") == 0)
		SKIP("Cortex-M4 token image not built: %s",
		    getenv("CM4_SKIP_REASON") && getenv("CM4_SKIP_REASON")[0]
		    ? getenv("CM4_SKIP_REASON") : "firmware core not in the build");
	if (system("command -v qemu-system-arm >/dev/null 2>&1") != 0)
		SKIP("qemu-system-arm not found");
	fido_init(0);

	if (cm4_qemu_start(&q, argv[1], "trace", 1) != 0) {
		CHECK(0);
		cm4_qemu_stop(&q);
		return check_done();
	}
	dev = dev_open(&q);
	CHECK(dev != NULL);
	if (dev != NULL) {
		test_info(dev);
		c1 = make_cred(dev, 0, "alice");
		c2 = make_cred(dev, 1, "bob");
	}
	if (c1 != NULL && c2 != NULL) {
		(void)cm4_qemu_trace(&q, &ticks, &max_ticks, &stack, &arena);
		CHECK_EQ(get_assert(dev, c1, 1, 0xA1, s1, &n1, &ms), FIDO_OK);
		int ncmd = cm4_qemu_trace(&q, &ticks, &max_ticks, &stack, &arena);
		if (ncmd > 0) {
			printf("figure: cm4 getAssertion_hmac_secret_instructions %lu "
			    "(%d CTAP command(s) of one fido_dev_get_assert)\n", ticks * 40ul, ncmd);
			printf("figure: cm4 getAssertion_instructions %lu "
			    "(the costliest command alone)\n", max_ticks * 40ul);
		}
		printf("figure: cm4 getAssertion_hmac_secret_ms %.0f "
		    "(wall time under QEMU -icount shift=0)\n", ms);
		CHECK_EQ(get_assert(dev, c1, 1, 0xA1, s1b, &n2, NULL), FIDO_OK);
		CHECK(memcmp(s1, s1b, 32) == 0);
		CHECK(n2 > n1);
		CHECK_EQ(get_assert(dev, c1, 1, 0xB2, s2, &n3, NULL), FIDO_OK);
		CHECK(memcmp(s1, s2, 32) != 0);
		CHECK_EQ(get_assert(dev, c2, 1, 0xA1, s3, &n3, NULL), FIDO_OK);
		CHECK(memcmp(s1, s3, 32) != 0);
	}
	dev_close(&dev);
	(void)cm4_qemu_trace(&q, &ticks, &max_ticks, &stack, &arena);

	/* Power cycle: a new QEMU on the same flash file keeps the resident
	 * credential and its CredRandom. */
	if (c2 != NULL && q.pid > 0) {
		if (cm4_qemu_restart(&q, argv[1], "trace", 1) == 0) {
			dev = dev_open(&q);
			CHECK(dev != NULL);
			if (dev != NULL) {
				unsigned char s4[32] = {4};
				CHECK_EQ(get_assert(dev, c2, 0, 0xA1, s4, &n1, NULL), FIDO_OK);
				CHECK(memcmp(s3, s4, 32) == 0);
				dev = test_pin_and_reset(&q, argv[1], dev, c2);
			}
			dev_close(&dev);
		} else {
			CHECK(0);
		}
	}
	/* A token whose user refuses presence ("up=deny" on the image's
	 * command line): makeCredential is denied, not faked. */
	if (q.dir[0] != '\0' && cm4_qemu_restart(&q, argv[1], "up=deny", 0) == 0) {
		dev = dev_open(&q);
		CHECK(dev != NULL);
		if (dev != NULL) {
			unsigned char cdh[32] = {5}, uid[4] = {1, 2, 3, 4};
			fido_cred_t *c = fido_cred_new();
			CHECK(c != NULL && fido_cred_set_type(c, COSE_ES256) == FIDO_OK &&
			    fido_cred_set_clientdata_hash(c, cdh, sizeof(cdh)) == FIDO_OK &&
			    fido_cred_set_rp(c, rp_id, NULL) == FIDO_OK &&
			    fido_cred_set_user(c, uid, sizeof(uid), "carol", NULL, NULL) == FIDO_OK);
			CHECK_EQ(fido_dev_make_cred(dev, c, NULL), FIDO_ERR_OPERATION_DENIED);
			fido_cred_free(&c);
		}
		dev_close(&dev);
	} else {
		CHECK(0);
	}
	if (stack > 0) {
		printf("figure: cm4 token_stack_peak_bytes %lu (measured on target)\n", stack);
		printf("figure: cm4 token_crypto_arena_peak_bytes %lu of 4096\n", arena);
	}
	fido_cred_free(&c1);
	fido_cred_free(&c2);
	cm4_qemu_stop(&q);
	return check_done();
}
