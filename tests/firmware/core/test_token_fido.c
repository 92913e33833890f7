/*
 * test_token_fido.c: the token core end to end through real libfido2 and
 * amana's socket transport, against amana-token started here: getInfo,
 * makeCredential/getAssertion with host-side signature verification,
 * counters, discoverable credentials, hmac-secret, credProtect, and reset.
 * (PIN rules: test_token_pin.c.)  argv[1]: the amana-token program.
 */
#include <string.h>
#include <time.h>

#include "check.h"
#include "fido_util.h"
#include "token_proc.h"

#define FAIL_MSG(m)                                                              \
	do {                                                                     \
		fprintf(stderr, "%s\n", m);                                      \
		CHECK(false);                                                    \
	} while (0)

static bool has_str(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static int option(const fido_cbor_info_t *ci, const char *name)
{
	char **names = fido_cbor_info_options_name_ptr(ci);
	const bool *vals = fido_cbor_info_options_value_ptr(ci);
	for (size_t i = 0; i < fido_cbor_info_options_len(ci); i++)
		if (strcmp(names[i], name) == 0)
			return vals[i] ? 1 : 0;
	return -1;
}

static void test_info(fido_dev_t *dev)
{
	fido_cbor_info_t *ci = fido_cbor_info_new();
	CHECK_EQ(fido_dev_get_cbor_info(dev, ci), FIDO_OK);
	CHECK(has_str(fido_cbor_info_versions_ptr(ci), fido_cbor_info_versions_len(ci), "FIDO_2_1"));
	CHECK(has_str(fido_cbor_info_versions_ptr(ci), fido_cbor_info_versions_len(ci), "FIDO_2_0"));
	CHECK(has_str(fido_cbor_info_extensions_ptr(ci), fido_cbor_info_extensions_len(ci), "hmac-secret"));
	CHECK(has_str(fido_cbor_info_extensions_ptr(ci), fido_cbor_info_extensions_len(ci), "credProtect"));
	CHECK_EQ(fido_cbor_info_aaguid_len(ci), 16);
	CHECK(memcmp(fido_cbor_info_aaguid_ptr(ci), "AMANA-TOKEN-v001", 16) == 0);
	CHECK_EQ(option(ci, "rk"), 1);
	CHECK_EQ(option(ci, "up"), 1);
	CHECK_EQ(option(ci, "plat"), 0);
	CHECK_EQ(option(ci, "clientPin"), 0); /* no PIN yet */
	CHECK_EQ(option(ci, "pinUvAuthToken"), 1);
	/* uv and bioEnroll appear together: present iff the token has a
	 * sensor, false until something is enrolled. */
	CHECK_EQ(option(ci, "uv"), option(ci, "bioEnroll"));
	CHECK(option(ci, "uv") != 1);
	CHECK_EQ(fido_cbor_info_protocols_len(ci), 1);
	CHECK_EQ(fido_cbor_info_protocols_ptr(ci)[0], 2);
	CHECK_EQ(fido_cbor_info_maxmsgsiz(ci), 2048);
	CHECK_EQ(fido_cbor_info_algorithm_count(ci), 1);
	CHECK_EQ(fido_cbor_info_algorithm_cose(ci, 0), COSE_ES256);
	CHECK_EQ(fido_cbor_info_minpinlen(ci), 4);
	fido_cbor_info_free(&ci);
	CHECK(fido_dev_is_fido2(dev));
	CHECK(fido_dev_supports_cred_prot(dev));
}

static void test_make_and_assert(fido_dev_t *dev)
{
	fido_cred_t *c = NULL;
	fido_assert_t *a = NULL, *b = NULL;
	CHECK_EQ(tf_make_cred(dev, "worker-1", false, false, 0, NULL, &c), FIDO_OK);
	if (c == NULL)
		return;
	CHECK_EQ(fido_cred_flags(c) & 0x41, 0x41); /* UP, attested data */
	CHECK_EQ(fido_cred_flags(c) & 0x04, 0);    /* no UV without PIN */
	CHECK_EQ(fido_cred_id_len(c), 66);
	CHECK_EQ(tf_get_assert(dev, c, NULL, 0, NULL, &a), FIDO_OK);
	CHECK_EQ(tf_get_assert(dev, c, NULL, 0, NULL, &b), FIDO_OK);
	if (a != NULL && b != NULL) {
		CHECK_EQ(fido_assert_flags(a, 0) & 0x01, 0x01);
		CHECK(fido_assert_sigcount(b, 0) > fido_assert_sigcount(a, 0));
		CHECK(fido_assert_sigcount(a, 0) > fido_cred_sigcount(c));
		/* The verification is real: another client data hash fails. */
		uint8_t other[32];
		memset(other, 7, sizeof(other));
		CHECK_EQ(fido_assert_set_clientdata_hash(a, other, sizeof(other)), FIDO_OK);
		CHECK(tf_verify(a, 0, c) != FIDO_OK);
	}
	fido_assert_free(&a);
	fido_assert_free(&b);

	/* A silent assertion (up=false): signed, without the UP flag. */
	fido_assert_t *q = fido_assert_new();
	uint8_t qh[32];
	memset(qh, 9, sizeof(qh));
	fido_assert_set_clientdata_hash(q, qh, sizeof(qh));
	fido_assert_set_rp(q, TEST_RP);
	fido_assert_allow_cred(q, fido_cred_id_ptr(c), fido_cred_id_len(c));
	fido_assert_set_up(q, FIDO_OPT_FALSE);
	CHECK_EQ(fido_dev_get_assert(dev, q, NULL), FIDO_OK);
	CHECK_EQ(fido_assert_flags(q, 0) & 0x01, 0);
	CHECK_EQ(tf_verify(q, 0, c), FIDO_OK);
	fido_assert_free(&q);

	/* A credential id from another RP, or altered, is not ours. */
	fido_assert_t *x = fido_assert_new();
	uint8_t cdh[32] = {1};
	uint8_t id[66];
	memcpy(id, fido_cred_id_ptr(c), sizeof(id));
	id[30] ^= 1;
	fido_assert_set_clientdata_hash(x, cdh, 32);
	fido_assert_set_rp(x, TEST_RP);
	fido_assert_allow_cred(x, id, sizeof(id));
	CHECK_EQ(fido_dev_get_assert(dev, x, NULL), FIDO_ERR_NO_CREDENTIALS);
	fido_assert_free(&x);
	x = fido_assert_new();
	fido_assert_set_clientdata_hash(x, cdh, 32);
	fido_assert_set_rp(x, "evil.example");
	fido_assert_allow_cred(x, fido_cred_id_ptr(c), fido_cred_id_len(c));
	CHECK_EQ(fido_dev_get_assert(dev, x, NULL), FIDO_ERR_NO_CREDENTIALS);
	fido_assert_free(&x);

	/* excludeList: the same credential again is refused. */
	fido_cred_t *e = fido_cred_new();
	fido_cred_set_type(e, COSE_ES256);
	fido_cred_set_clientdata_hash(e, cdh, 32);
	fido_cred_set_rp(e, TEST_RP, NULL);
	fido_cred_set_user(e, (const unsigned char *)"u", 1, "u", NULL, NULL);
	fido_cred_exclude(e, fido_cred_id_ptr(c), fido_cred_id_len(c));
	CHECK_EQ(fido_dev_make_cred(dev, e, NULL), FIDO_ERR_CREDENTIAL_EXCLUDED);
	fido_cred_free(&e);
	fido_cred_free(&c);
}

static void test_resident(fido_dev_t *dev)
{
	fido_cred_t *c1 = NULL, *c2 = NULL;
	fido_assert_t *a = NULL;
	CHECK_EQ(tf_make_cred(dev, "alice", true, false, 0, NULL, &c1), FIDO_OK);
	CHECK_EQ(tf_make_cred(dev, "bob", true, false, 0, NULL, &c2), FIDO_OK);
	CHECK_EQ(tf_get_assert(dev, NULL, NULL, 0, NULL, &a), FIDO_OK);
	if (a != NULL && c1 != NULL && c2 != NULL) {
		CHECK_EQ(fido_assert_count(a), 2); /* getNextAssertion used */
		bool saw_alice = false, saw_bob = false;
		for (size_t i = 0; i < fido_assert_count(a); i++) {
			const fido_cred_t *c = NULL;
			if (fido_assert_user_id_len(a, i) == 5 &&
			    memcmp(fido_assert_user_id_ptr(a, i), "alice", 5) == 0) {
				saw_alice = true;
				c = c1;
			} else if (fido_assert_user_id_len(a, i) == 3 &&
			    memcmp(fido_assert_user_id_ptr(a, i), "bob", 3) == 0) {
				saw_bob = true;
				c = c2;
			}
			CHECK(c != NULL && tf_verify(a, i, c) == FIDO_OK);
		}
		CHECK(saw_alice && saw_bob);
	}
	fido_assert_free(&a);
	/* Same RP and user id again replaces the old credential. */
	fido_cred_t *c3 = NULL;
	CHECK_EQ(tf_make_cred(dev, "alice", true, false, 0, NULL, &c3), FIDO_OK);
	CHECK_EQ(tf_get_assert(dev, NULL, NULL, 0, NULL, &a), FIDO_OK);
	if (a != NULL)
		CHECK_EQ(fido_assert_count(a), 2);
	fido_assert_free(&a);
	fido_cred_free(&c1);
	fido_cred_free(&c2);
	fido_cred_free(&c3);
}

static void test_hmac_secret(fido_dev_t *dev)
{
	fido_cred_t *c = NULL, *d = NULL;
	fido_assert_t *a = NULL;
	uint8_t s1[32], s2[32], both[64], o1[32], o1b[32], o2[32], od[32], o12[64];
	memset(s1, 0x11, 32);
	memset(s2, 0x22, 32);
	memcpy(both, s1, 32);
	memcpy(both + 32, s2, 32);
	CHECK_EQ(tf_make_cred(dev, "hs-1", false, true, 0, NULL, &c), FIDO_OK);
	CHECK_EQ(tf_make_cred(dev, "hs-2", false, true, 0, NULL, &d), FIDO_OK);
	if (c == NULL || d == NULL)
		goto out;
	CHECK(fido_cred_authdata_len(c) > 0);
	uint8_t *outs[] = {o1, o1b, o2, od};
	const fido_cred_t *creds[] = {c, c, c, d};
	const uint8_t *salts[] = {s1, s1, s2, s1};
	for (int i = 0; i < 4; i++) {
		memset(outs[i], 0, 32);
		CHECK_EQ(tf_get_assert(dev, creds[i], salts[i], 32, NULL, &a), FIDO_OK);
		if (a != NULL && fido_assert_hmac_secret_len(a, 0) == 32)
			memcpy(outs[i], fido_assert_hmac_secret_ptr(a, 0), 32);
		else
			FAIL_MSG("hmac-secret output missing");
		fido_assert_free(&a);
	}
	CHECK(memcmp(o1, o1b, 32) == 0);  /* stable for the same salt */
	CHECK(memcmp(o1, o2, 32) != 0);   /* differs across salts */
	CHECK(memcmp(o1, od, 32) != 0);   /* differs across credentials */
	/* Two salts: the pair of outputs for the pair of salts. */
	CHECK_EQ(tf_get_assert(dev, c, both, 64, NULL, &a), FIDO_OK);
	if (a != NULL && fido_assert_hmac_secret_len(a, 0) == 64) {
		memcpy(o12, fido_assert_hmac_secret_ptr(a, 0), 64);
		CHECK(memcmp(o12, o1, 32) == 0);
		CHECK(memcmp(o12 + 32, o2, 32) == 0);
	} else {
		FAIL_MSG("two-salt output missing");
	}
	fido_assert_free(&a);
out:
	fido_cred_free(&c);
	fido_cred_free(&d);
}

static void test_cred_protect(fido_dev_t *dev)
{
	fido_cred_t *c = NULL, *r = NULL;
	fido_assert_t *a = NULL;
	/* Level 3: never without user verification, even with its id. */
	CHECK_EQ(tf_make_cred(dev, "prot3", false, false, FIDO_CRED_PROT_UV_REQUIRED,
	    NULL, &c), FIDO_OK);
	if (c != NULL) {
		CHECK_EQ(fido_cred_prot(c), FIDO_CRED_PROT_UV_REQUIRED);
		CHECK_EQ(tf_get_assert(dev, c, NULL, 0, NULL, &a), FIDO_ERR_NO_CREDENTIALS);
		fido_assert_free(&a);
	}
	/* Level 2 resident: usable with its id, not discoverable without UV. */
	CHECK_EQ(tf_make_cred(dev, "prot2", true, false,
	    FIDO_CRED_PROT_UV_OPTIONAL_WITH_ID, NULL, &r), FIDO_OK);
	if (r != NULL) {
		CHECK_EQ(tf_get_assert(dev, r, NULL, 0, NULL, &a), FIDO_OK);
		fido_assert_free(&a);
		CHECK_EQ(tf_get_assert(dev, NULL, NULL, 0, NULL, &a), FIDO_OK);
		for (size_t i = 0; a != NULL && i < fido_assert_count(a); i++)
			CHECK(!(fido_assert_user_id_len(a, i) == 5 &&
			    memcmp(fido_assert_user_id_ptr(a, i), "prot2", 5) == 0));
		fido_assert_free(&a);
	}
	fido_cred_free(&c);
	fido_cred_free(&r);
}

static void test_reset(token_proc_t *tp, fido_dev_t **dev, const char *exe)
{
	fido_cred_t *c = NULL;
	fido_assert_t *a = NULL;
	(void)exe;
	CHECK_EQ(tf_make_cred(*dev, "before-reset", true, false, 0, NULL, &c), FIDO_OK);
	CHECK_EQ(fido_dev_set_pin(*dev, "2468", NULL), FIDO_OK);
	/* Reset within 10 s of power-up, with a touch. */
	tf_close(dev);
	CHECK_EQ(token_proc_ctl(tp, "power-cycle", NULL, 0), 0);
	*dev = tf_open(tp->sock);
	if (*dev == NULL) {
		FAIL_MSG("reopen");
		return;
	}
	CHECK_EQ(token_proc_ctl(tp, "presence off", NULL, 0), 0);
	CHECK(fido_dev_reset(*dev) != FIDO_OK); /* no touch, no reset */
	CHECK_EQ(token_proc_ctl(tp, "presence on", NULL, 0), 0);
	CHECK_EQ(fido_dev_reset(*dev), FIDO_OK);
	/* Everything is gone: PIN, resident and non-resident credentials. */
	int retries = -1;
	fido_cbor_info_t *ci = fido_cbor_info_new();
	CHECK_EQ(fido_dev_get_cbor_info(*dev, ci), FIDO_OK);
	CHECK_EQ(option(ci, "clientPin"), 0);
	fido_cbor_info_free(&ci);
	CHECK_EQ(fido_dev_get_retry_count(*dev, &retries), FIDO_OK);
	CHECK_EQ(retries, 8);
	if (c != NULL)
		CHECK_EQ(tf_get_assert(*dev, c, NULL, 0, NULL, &a), FIDO_ERR_NO_CREDENTIALS);
	fido_assert_free(&a);
	CHECK_EQ(tf_get_assert(*dev, NULL, NULL, 0, NULL, &a), FIDO_ERR_NO_CREDENTIALS);
	fido_assert_free(&a);
	fido_cred_free(&c);
}

int main(int argc, char **argv)
{
	token_proc_t tp;
	if (argc < 2)
		SKIP("usage: test_token_fido AMANA-TOKEN");
	fido_init(0);
	if (token_proc_start(&tp, argv[1], NULL) != 0) {
		fprintf(stderr, "cannot start %s\n", argv[1]);
		return 1;
	}
	fido_dev_t *dev = tf_open(tp.sock);
	CHECK(dev != NULL);
	if (dev != NULL) {
		test_info(dev);
		test_make_and_assert(dev);
		test_resident(dev);
		test_hmac_secret(dev);
		test_cred_protect(dev);
		test_reset(&tp, &dev, argv[1]);
	}
	tf_close(&dev);
	CHECK_EQ(token_proc_stop(&tp, false), 0);
	return check_done();
}
