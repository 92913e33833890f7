/*
 * test_face_fido.c: face enrolment through the token's vendor command
 * (0x50, docs/0653-face-vendor-command.md, authenticated with a real
 * PIN/UV auth protocol 2 token) and face user verification through
 * libfido2's getAssertion, against amana-token with ORL images going through
 * the simulator's sensor (the face engine) and the comparison in the core.
 *
 * ORL s1/1.pgm is enrolled; s1/2.pgm must be accepted and s2/1.pgm refused
 * (the test first checks with the matcher's own comparison that these are
 * the decisions the FMR 1:10,000 threshold gives, and skips with the reason
 * when the face models are missing). argv[1]: the amana-token program.
 */
#include <fido/bio.h>
#include <string.h>
#include <unistd.h>

#include "amana/err.h"
#include "amana/face_template.h"
#include "bio_client.h"
#include "check.h"
#include "fido_util.h"
#include "sensor.h"
#include "token_proc.h"

#define PIN "4711"

static token_proc_t tp;
static fido_dev_t *dev;
static const char *data;
static uint8_t salt[32];
static uint8_t seen[1 << 15];
static size_t seen_len;

static void note(const void *p, size_t n)
{
	if (p != NULL && seen_len + n <= sizeof(seen)) {
		memcpy(seen + seen_len, p, n);
		seen_len += n;
	}
}

static int face(const char *rel, char *reply, size_t cap)
{
	char line[1024];
	snprintf(line, sizeof(line), "sensor face %s/faces/orl/%s", data, rel);
	return token_proc_ctl(&tp, line, reply, cap);
}

static int option(const char *name)
{
	fido_cbor_info_t *ci = fido_cbor_info_new();
	int v = -2;
	if (fido_dev_get_cbor_info(dev, ci) == FIDO_OK) {
		char **names = fido_cbor_info_options_name_ptr(ci);
		const bool *vals = fido_cbor_info_options_value_ptr(ci);
		v = -1;
		for (size_t i = 0; i < fido_cbor_info_options_len(ci); i++)
			if (strcmp(names[i], name) == 0)
				v = vals[i] ? 1 : 0;
	}
	fido_cbor_info_free(&ci);
	return v;
}

static int uv_retries(void)
{
	int r = -1;
	return fido_dev_get_uv_retry_count(dev, &r) == FIDO_OK ? r : -1;
}

static int uv_assert(const fido_cred_t *c, uint8_t secret[32])
{
	uint8_t cdh[32] = {7};
	fido_assert_t *a = fido_assert_new();
	fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh));
	fido_assert_set_rp(a, TEST_RP);
	fido_assert_allow_cred(a, fido_cred_id_ptr(c), fido_cred_id_len(c));
	fido_assert_set_extensions(a, FIDO_EXT_HMAC_SECRET);
	fido_assert_set_hmac_salt(a, salt, sizeof(salt));
	fido_assert_set_uv(a, FIDO_OPT_TRUE);
	int rc = fido_dev_get_assert(dev, a, NULL);
	if (rc == FIDO_OK) {
		CHECK_EQ(tf_verify(a, 0, c), FIDO_OK);
		CHECK((fido_assert_flags(a, 0) & 0x04) != 0);
		if (secret != NULL && fido_assert_hmac_secret_len(a, 0) == 32)
			memcpy(secret, fido_assert_hmac_secret_ptr(a, 0), 32);
		note(fido_assert_authdata_ptr(a, 0), fido_assert_authdata_len(a, 0));
		note(fido_assert_sig_ptr(a, 0), fido_assert_sig_len(a, 0));
		note(fido_assert_hmac_secret_ptr(a, 0), fido_assert_hmac_secret_len(a, 0));
	}
	fido_assert_free(&a);
	return rc;
}

/* The cosine of two ORL images as the token would compute it. */
static bool host_template(amana_sensor_t *s, const char *rel, uint8_t t[AMANA_FACE_TEMPLATE_BYTES])
{
	char path[1024];
	uint8_t buf[AMANA_SENSOR_SAMPLE_MAX];
	size_t len = 0;
	snprintf(path, sizeof(path), "%s/faces/orl/%s", data, rel);
	if (amana_sensor_capture(s, path, AMANA_SENSOR_FACE, buf, sizeof(buf), &len, NULL) != AMANA_OK ||
	    len != AMANA_FACE_TEMPLATE_BYTES)
		return false;
	memcpy(t, buf, len);
	return true;
}

int main(int argc, char **argv)
{
	char reply[256], probe[1024];
	static uint8_t t11[AMANA_FACE_TEMPLATE_BYTES], t12[AMANA_FACE_TEMPLATE_BYTES],
	    t21[AMANA_FACE_TEMPLATE_BYTES];
	if (argc < 2)
		SKIP("usage: test_face_fido AMANA-TOKEN");
	if ((data = check_data_dir()) == NULL)
		SKIP("AMANA_DATA not set");
	snprintf(probe, sizeof(probe), "%s/faces/orl/s1/1.pgm", data);
	if (access(probe, R_OK) != 0)
		SKIP("no ORL faces at %s", probe);

	/* What the matcher decides on these images (host side, same code). */
	amana_sensor_t *s = NULL;
	if (amana_sensor_new(&s, NULL) != AMANA_OK)
		return 1;
	bool got = host_template(s, "s1/1.pgm", t11) && host_template(s, "s1/2.pgm", t12) &&
	    host_template(s, "s2/1.pgm", t21);
	amana_sensor_free(&s);
	if (!got)
		SKIP("the face engine cannot make templates here (models missing from "
		    "AMANA_MODEL_DIR?)");
	float same = 0, other = 0;
	CHECK_EQ(amana_face_template_compare(t11, t12, &same), AMANA_OK);
	CHECK_EQ(amana_face_template_compare(t11, t21, &other), AMANA_OK);
	printf("cosine s1/1~s1/2 %.3f, s1/1~s2/1 %.3f, threshold %.3f\n", (double)same,
	    (double)other, (double)AMANA_FACE_THRESHOLD_FMR1E4);
	CHECK(same >= AMANA_FACE_THRESHOLD_FMR1E4);
	CHECK(other < AMANA_FACE_THRESHOLD_FMR1E4);

	fido_init(0);
	memset(salt, 0x3c, sizeof(salt));
	if (token_proc_start(&tp, argv[1], NULL) != 0)
		return 1;
	dev = tf_open(tp.sock);
	bio_client_t *bc = calloc(1, sizeof(*bc));
	CHECK(dev != NULL && bc != NULL);
	if (dev == NULL || bc == NULL)
		goto out;
	if (option("bioEnroll") == -1) {
		tf_close(&dev);
		token_proc_stop(&tp, false);
		SKIP("this amana-token was built without a sensor");
	}
	CHECK_EQ(fido_dev_set_pin(dev, PIN, NULL), FIDO_OK);
	tf_close(&dev);
	dev = tf_open(tp.sock);
	CHECK_EQ(bc_open(bc, tp.sock), AMANA_OK);
	CHECK_EQ(bc_get_token(bc, PIN, 0x08), 0);

	uint8_t resp[2048], st;
	size_t n;

	/* Sensor info needs no token; enumerate with nothing enrolled. */
	CHECK_EQ(bc_bio(bc, BC_CMD_FACE, 2, 0x07, NULL, false, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK_EQ(st, 0);
	static const uint8_t info[] = {0xA2, 0x03, 0x01, 0x08, 0x18, 0x20};
	CHECK(n == sizeof(info) && memcmp(resp, info, n) == 0);
	CHECK_EQ(bc_bio(bc, BC_CMD_FACE, 2, 0x04, NULL, true, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK_EQ(st, 0x2C); /* INVALID_OPTION: none enrolled */
	CHECK_EQ(option("uv"), 0);

	/* Without a face on the sensor: a timeout. Without a MAC: refused. */
	CHECK_EQ(bc_bio(bc, BC_CMD_FACE, 2, 0x01, NULL, true, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK_EQ(st, 0x2F);
	CHECK_EQ(face("s1/1.pgm", reply, sizeof(reply)), 0);
	CHECK_EQ(bc_bio(bc, BC_CMD_FACE, 2, 0x01, NULL, false, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK_EQ(st, 0x36);
	/* a MAC made for the fingerprint modality does not pass for a face */
	CHECK_EQ(bc_bio(bc, 0x40, 2, 0x01, NULL, true, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK(st != 0);

	/* Enrol s1/1 (the sample is still pending) with a name. */
	bc_buf_t prm = {.n = 0};
	bc_head(&prm, 5, 1);
	bc_uint(&prm, 2);
	bc_text(&prm, "my face");
	CHECK_EQ(bc_bio(bc, BC_CMD_FACE, 2, 0x01, &prm, true, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK_EQ(st, 0);
	/* {4: id(2), 5: 0 good, 6: 0 remaining} */
	CHECK(n == 9 && resp[0] == 0xA3 && resp[1] == 0x04 && resp[2] == 0x42 &&
	    resp[5] == 0x05 && resp[6] == 0x00 && resp[7] == 0x06 && resp[8] == 0x00);
	uint8_t id[2] = {resp[3], resp[4]};
	CHECK_EQ(option("uv"), 1);
	/* bioEnroll speaks of fingers: a face alone does not make it true */
	CHECK_EQ(option("bioEnroll"), 0);
	/* libfido2 sends credential management to a token without credMgmt as
	 * the 2.1 prototype 0x41 (getCredsMetadata {1: 1, ...}), once the face
	 * command's byte: it must be an unknown command, not a face request */
	bc_buf_t cm = {0};
	bc_head(&cm, 5, 1);
	bc_uint(&cm, 1);
	bc_uint(&cm, 1);
	CHECK_EQ(bc_cmd(bc, 0x41, &cm, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK_EQ(st, 0x01); /* CTAP1_ERR_INVALID_COMMAND */
	/* libfido2 reads the uv option when it opens the device */
	tf_close(&dev);
	dev = tf_open(tp.sock);

	CHECK_EQ(bc_bio(bc, BC_CMD_FACE, 2, 0x04, NULL, true, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK_EQ(st, 0);
	/* {7: [{1: id, 2: "my face"}]} */
	static const uint8_t hdr[] = {0xA1, 0x07, 0x81, 0xA2, 0x01, 0x42};
	CHECK(n == 6 + 2 + 2 + 7 && memcmp(resp, hdr, sizeof(hdr)) == 0 &&
	    memcmp(resp + 6, id, 2) == 0 && memcmp(resp + 8, "\x02\x67my face", 9) == 0);

	/* UV by another image of the same person releases the PIN's secret. */
	fido_cred_t *c = NULL;
	fido_assert_t *pa = NULL;
	uint8_t by_pin[32] = {0}, by_face[32] = {1};
	CHECK_EQ(tf_make_cred(dev, "worker-face", false, true, 0, PIN, &c), FIDO_OK);
	if (c == NULL)
		goto out;
	CHECK_EQ(tf_get_assert(dev, c, salt, sizeof(salt), PIN, &pa), FIDO_OK);
	if (pa != NULL && fido_assert_hmac_secret_len(pa, 0) == 32)
		memcpy(by_pin, fido_assert_hmac_secret_ptr(pa, 0), 32);
	fido_assert_free(&pa);
	CHECK_EQ(face("s1/2.pgm", reply, sizeof(reply)), 0);
	CHECK_EQ(uv_assert(c, by_face), FIDO_OK);
	CHECK(memcmp(by_pin, by_face, 32) == 0);
	CHECK_EQ(uv_retries(), 5);

	/* Another person: refused, one retry gone; the right one restores. */
	CHECK_EQ(face("s2/1.pgm", reply, sizeof(reply)), 0);
	CHECK_EQ(uv_assert(c, NULL), FIDO_ERR_UV_INVALID);
	CHECK_EQ(uv_retries(), 4);
	CHECK_EQ(face("s1/2.pgm", reply, sizeof(reply)), 0);
	CHECK_EQ(uv_assert(c, NULL), FIDO_OK);
	CHECK_EQ(uv_retries(), 5);

	/* libfido2's PIN operations replaced our pinUvAuthToken: a new one. */
	CHECK_EQ(bc_get_token(bc, PIN, 0x08), 0);

	/* A face shown during a fingerprint enrolment is a poor sample. */
	CHECK_EQ(face("s1/3.pgm", reply, sizeof(reply)), 0);
	CHECK_EQ(bc_bio(bc, 0x40, 1, 0x01, NULL, true, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK_EQ(st, 0);
	/* {4: id, 5: 7 poor quality, 6: 4 remaining} */
	CHECK(n == 9 && resp[6] == 0x07 && resp[8] == 0x04);
	CHECK_EQ(bc_bio(bc, 0x40, 1, 0x03, NULL, false, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK_EQ(st, 0);

	/* Rename, then remove: nothing left, UV no longer offered. */
	prm.n = 0;
	bc_head(&prm, 5, 2);
	bc_uint(&prm, 1);
	bc_bytes(&prm, id, 2);
	bc_uint(&prm, 2);
	bc_text(&prm, "face 2");
	CHECK_EQ(bc_bio(bc, BC_CMD_FACE, 2, 0x05, &prm, true, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK_EQ(st, 0);
	CHECK_EQ(bc_bio(bc, BC_CMD_FACE, 2, 0x04, NULL, true, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK(st == 0 && n > 9 && memcmp(resp + n - 6, "face 2", 6) == 0);
	prm.n = 0;
	bc_head(&prm, 5, 1);
	bc_uint(&prm, 1);
	bc_bytes(&prm, id, 2);
	CHECK_EQ(bc_bio(bc, BC_CMD_FACE, 2, 0x06, &prm, true, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK_EQ(st, 0);
	CHECK_EQ(bc_bio(bc, BC_CMD_FACE, 2, 0x06, &prm, true, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK_EQ(st, 0x2C); /* already gone */
	CHECK_EQ(bc_bio(bc, BC_CMD_FACE, 2, 0x04, NULL, true, &st, resp, sizeof(resp), &n), AMANA_OK);
	CHECK_EQ(st, 0x2C);
	CHECK_EQ(option("uv"), 0);

	/* No response carried a face template (any 12 bytes of the vectors). */
	CHECK(!bc_contains_window(bc->log, bc->log_len, t11 + 1, 512, 12));
	CHECK(!bc_contains_window(bc->log, bc->log_len, t12 + 1, 512, 12));
	CHECK(!bc_contains_window(seen, seen_len, t11 + 1, 512, 12));
	CHECK(!bc_contains_window(seen, seen_len, t12 + 1, 512, 12));
	fido_cred_free(&c);
out:
	if (bc != NULL)
		bc_close(bc);
	free(bc);
	tf_close(&dev);
	token_proc_stop(&tp, false);
	return check_done();
}
