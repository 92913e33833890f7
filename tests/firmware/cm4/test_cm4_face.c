/*
 * test_cm4_face.c: the face path on the Cortex-M4 image under QEMU: face
 * enrolment through the token's vendor command (0x50, docs/0653, with a
 * PIN/UV auth protocol 2 token from firmware B's test client) and face user
 * verification through libfido2's getAssertion, the comparison running on
 * the target.
 *
 * Usage: test_cm4_face TOKEN_ELF|none
 * The sensor module's side runs here: ORL images through the face engine
 * (port-host's sensor, the simulator's own) into 513-byte templates, sent on
 * the image's sensor UART. s1/1 is enrolled; s1/2 must be accepted and s2/1
 * refused (first checked with the matcher's comparison on the host, so the
 * test asserts what the FMR 1:10,000 threshold decides). SKIP without the
 * image, QEMU, the ORL data or the face models.
 *
 * QEMU's socket takes one client at a time, so libfido2 and the raw CTAPHID
 * client take turns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fido.h>

#include "amana/err.h"
#include "amana/face_template.h"
#include "bio_client.h"
#include "check.h"
#include "cm4_qemu.h"
#include "fido_util.h"
#include "sensor.h"

#define PIN "4711"

static const char *data;

static int face_template(amana_sensor_t *s, const char *rel,
    uint8_t t[AMANA_FACE_TEMPLATE_BYTES])
{
	char path[1024];
	uint8_t buf[AMANA_SENSOR_SAMPLE_MAX];
	size_t len = 0;
	snprintf(path, sizeof(path), "%s/faces/orl/%s", data, rel);
	if (amana_sensor_capture(s, path, AMANA_SENSOR_FACE, buf, sizeof(buf),
	    &len, NULL) != AMANA_OK || len != AMANA_FACE_TEMPLATE_BYTES)
		return -1;
	memcpy(t, buf, len);
	return 0;
}

static int uv_assert(fido_dev_t *dev, const fido_cred_t *c, int *uv)
{
	uint8_t cdh[32] = {7};
	fido_assert_t *a = fido_assert_new();
	int rc = FIDO_ERR_INTERNAL;
	*uv = 0;
	if (a != NULL && fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)) == FIDO_OK &&
	    fido_assert_set_rp(a, TEST_RP) == FIDO_OK &&
	    fido_assert_allow_cred(a, fido_cred_id_ptr(c), fido_cred_id_len(c)) == FIDO_OK &&
	    fido_assert_set_uv(a, FIDO_OPT_TRUE) == FIDO_OK)
		rc = fido_dev_get_assert(dev, a, NULL);
	if (rc == FIDO_OK) {
		CHECK_EQ(tf_verify(a, 0, c), FIDO_OK);
		*uv = (fido_assert_flags(a, 0) & 0x04) != 0;
	}
	fido_assert_free(&a);
	return rc;
}

static int uv_retries(fido_dev_t *dev)
{
	int r = -1;
	return fido_dev_get_uv_retry_count(dev, &r) == FIDO_OK ? r : -1;
}

int main(int argc, char **argv)
{
	static uint8_t t11[AMANA_FACE_TEMPLATE_BYTES], t12[AMANA_FACE_TEMPLATE_BYTES],
	    t21[AMANA_FACE_TEMPLATE_BYTES];
	char probe[1024];
	cm4_qemu_t q;
	fido_dev_t *dev = NULL;
	fido_cred_t *c = NULL;
	bio_client_t *bc = NULL;
	unsigned long ticks = 0, max_ticks = 0, stack = 0, arena = 0;
	int uv = 0;

	if (argc < 2 || strcmp(argv[1], "none") == 0)
		SKIP("Cortex-M4 token image not built: %s",
		    getenv("CM4_SKIP_REASON") && getenv("CM4_SKIP_REASON")[0]
		    ? getenv("CM4_SKIP_REASON") : "firmware core not in the build");
	if (system("command -v qemu-system-arm >/dev/null 2>&1") != 0)
		SKIP("qemu-system-arm not found");
	if ((data = check_data_dir()) == NULL)
		SKIP("AMANA_DATA not set");
	snprintf(probe, sizeof(probe), "%s/faces/orl/s1/1.pgm", data);
	if (access(probe, R_OK) != 0)
		SKIP("no ORL faces at %s", probe);
	amana_sensor_t *s = NULL;
	if (amana_sensor_new(&s, NULL) != AMANA_OK)
		return 1;
	int got = face_template(s, "s1/1.pgm", t11) == 0 &&
	    face_template(s, "s1/2.pgm", t12) == 0 && face_template(s, "s2/1.pgm", t21) == 0;
	amana_sensor_free(&s);
	if (!got)
		SKIP("the face engine cannot make templates here (models missing "
		    "from AMANA_MODEL_DIR?)");
	float same = 0, other = 0;
	CHECK_EQ(amana_face_template_compare(t11, t12, &same), AMANA_OK);
	CHECK_EQ(amana_face_template_compare(t11, t21, &other), AMANA_OK);
	CHECK(same >= AMANA_FACE_THRESHOLD_FMR1E4);
	CHECK(other < AMANA_FACE_THRESHOLD_FMR1E4);

	fido_init(0);
	if (cm4_qemu_start(&q, argv[1], "trace", 1) != 0) {
		CHECK(0);
		cm4_qemu_stop(&q);
		return check_done();
	}
	dev = tf_open(q.hid);
	CHECK(dev != NULL);
	if (dev == NULL)
		goto out;
	CHECK_EQ(fido_dev_set_pin(dev, PIN, NULL), FIDO_OK);
	tf_close(&dev);

	/* Enrol s1/1 with the vendor command (permission be). */
	bc = calloc(1, sizeof(*bc));
	CHECK(bc != NULL);
	if (bc == NULL || bc_open(bc, q.hid) != AMANA_OK) {
		CHECK(0);
		goto out;
	}
	uint8_t resp[1024], st = 0xFF;
	size_t n = 0;
	CHECK_EQ(bc_get_token(bc, PIN, 0x08), 0);
	CHECK_EQ(cm4_qemu_sensor_send(&q, 2, t11, sizeof(t11)), 0);
	CHECK_EQ(bc_bio(bc, BC_CMD_FACE, 2, 0x01, NULL, true, &st, resp, sizeof(resp),
	    &n), AMANA_OK);
	CHECK_EQ(st, 0);
	/* {4: templateId, 5: 0 good, 6: 0 remaining} */
	CHECK(n == 9 && resp[0] == 0xA3 && resp[6] == 0x00 && resp[8] == 0x00);
	bc_close(bc);

	/* libfido2 again (it reads uv: true when it opens the device). */
	dev = tf_open(q.hid);
	CHECK(dev != NULL);
	if (dev == NULL)
		goto out;
	CHECK_EQ(tf_make_cred(dev, "worker-face", false, false, 0, PIN, &c), FIDO_OK);
	if (c == NULL)
		goto out;
	CHECK_EQ(cm4_qemu_sensor_send(&q, 2, t12, sizeof(t12)), 0);
	(void)cm4_qemu_trace(&q, &ticks, &max_ticks, &stack, &arena);
	CHECK_EQ(uv_assert(dev, c, &uv), FIDO_OK);
	CHECK(uv);
	int ncmd = cm4_qemu_trace(&q, &ticks, &max_ticks, &stack, &arena);
	if (ncmd > 0)
		printf("figure: cm4 getAssertion_uv_face_instructions %lu (%d CTAP "
		    "command(s); the costliest %lu)\n", ticks * 40ul, ncmd,
		    max_ticks * 40ul);
	CHECK_EQ(uv_retries(dev), 5);

	/* Another person: refused, one retry gone. */
	CHECK_EQ(cm4_qemu_sensor_send(&q, 2, t21, sizeof(t21)), 0);
	CHECK_EQ(uv_assert(dev, c, &uv), FIDO_ERR_UV_INVALID);
	CHECK_EQ(uv_retries(dev), 4);
out:
	fido_cred_free(&c);
	tf_close(&dev);
	free(bc);
	cm4_qemu_stop(&q);
	return check_done();
}
