/*
 * test_cm4_bio.c: match-on-device user verification on the Cortex-M4 image
 * under QEMU, driven by libfido2 (issue 7: "UV with an enrolled finger's
 * other impression succeeds and another finger fails", on the target).
 *
 * Usage: test_cm4_bio TOKEN_ELF|none
 * The sensor module's side: FVC2002 DB1_B ISO/IEC 19794-2 templates from
 * $AMANA_DATA, packed in the token's compact form, arrive on the image's
 * sensor UART right before the command that takes them.
 *  - clientPIN setPIN, then bioEnrollment enrolls finger 101 from
 *    impressions 1..6 (as many as the token asks for) with the PIN's token;
 *  - getAssertion with uv=true and impression 101_8 succeeds with the UV
 *    flag, and its signature verifies;
 *  - getAssertion with uv=true and finger 102 fails, and the UV retry
 *    counter drops by one; four more wrong fingers leave 0 retries and then
 *    even the enrolled finger is refused (UV blocked); a getAssertion with
 *    the PIN restores 5 retries and the finger works again.
 * Figures: instructions of the matching getAssertion on the target
 * (-icount shift=0) and its wall time under QEMU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fido.h>
#include <fido/bio.h>
#include <fido/es256.h>

#include "amana/fp.h"
#include "amana/fido.h"
#include "check.h"
#include "cm4_qemu.h"

static const char *rp_id = "amana.example";
static const char *pin = "4711-amana";

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Sends FVC2002 DB1_B template "name" (e.g. 101_1) as a finger probe. */
static int send_finger(cm4_qemu_t *q, const char *data, const char *name)
{
	char path[1024];
	uint8_t iso[8192], packed[AMANA_FP_TEMPLATE_MAX_BYTES];
	amana_fp_template_t t;
	size_t nviews = 0, len = 0;
	snprintf(path, sizeof(path), "%s/fvc2002/DB1_B/%s.iso", data, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	size_t n = fread(iso, 1, sizeof(iso), f);
	fclose(f);
	if (amana_fp_iso_read(iso, n, &t, 1, &nviews, NULL) != 0 || nviews != 1 ||
	    amana_fp_template_pack(&t, packed, sizeof(packed), &len) != 0)
		return -2;
	return cm4_qemu_sensor_send(q, 1, packed, len);
}

static fido_cred_t *make_cred(fido_dev_t *dev)
{
	unsigned char cdh[32], uid[8] = {'w', 'o', 'r', 'k', 'e', 'r', 0, 1};
	fido_cred_t *c = fido_cred_new();
	memset(cdh, 0x33, sizeof(cdh));
	if (c == NULL)
		return NULL;
	int rc = FIDO_ERR_INTERNAL;
	if (fido_cred_set_type(c, COSE_ES256) == FIDO_OK &&
	    fido_cred_set_clientdata_hash(c, cdh, sizeof(cdh)) == FIDO_OK &&
	    fido_cred_set_rp(c, rp_id, "amana test") == FIDO_OK &&
	    fido_cred_set_user(c, uid, sizeof(uid), "worker", NULL, NULL) == FIDO_OK)
		rc = fido_dev_make_cred(dev, c, pin);
	CHECK_EQ(rc, FIDO_OK);
	if (rc != FIDO_OK) {
		fprintf(stderr, "makeCredential: %s\n", fido_strerr(rc));
		fido_cred_free(&c);
	}
	return c;
}

/* getAssertion with uv=true and no PIN (the token must match a sample),
 * or with the PIN when pin_ is not NULL. */
static int assert_uv_pin(fido_dev_t *dev, const fido_cred_t *cred, int *uv_flag,
    const char *pin_)
{
	unsigned char cdh[32];
	fido_assert_t *a = fido_assert_new();
	es256_pk_t *pk = es256_pk_new();
	int rc = FIDO_ERR_INTERNAL;
	memset(cdh, 0x44, sizeof(cdh));
	*uv_flag = 0;
	if (a != NULL && pk != NULL &&
	    fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)) == FIDO_OK &&
	    fido_assert_set_rp(a, rp_id) == FIDO_OK &&
	    fido_assert_allow_cred(a, fido_cred_id_ptr(cred),
	    fido_cred_id_len(cred)) == FIDO_OK &&
	    fido_assert_set_uv(a, FIDO_OPT_TRUE) == FIDO_OK)
		rc = fido_dev_get_assert(dev, a, pin_);
	if (rc == FIDO_OK) {
		*uv_flag = (fido_assert_flags(a, 0) & 0x04) != 0;
		CHECK(es256_pk_from_ptr(pk, fido_cred_pubkey_ptr(cred),
		    fido_cred_pubkey_len(cred)) == FIDO_OK);
		CHECK_EQ(fido_assert_verify(a, 0, COSE_ES256, pk), FIDO_OK);
	}
	es256_pk_free(&pk);
	fido_assert_free(&a);
	return rc;
}

static int assert_uv(fido_dev_t *dev, const fido_cred_t *cred, int *uv_flag)
{
	return assert_uv_pin(dev, cred, uv_flag, NULL);
}

static int enroll(cm4_qemu_t *q, fido_dev_t *dev, const char *data)
{
	fido_bio_template_t *t = fido_bio_template_new();
	fido_bio_enroll_t *e = fido_bio_enroll_new();
	int rc = FIDO_ERR_INTERNAL, next = 1;
	char name[16];
	if (t == NULL || e == NULL)
		goto out;
	snprintf(name, sizeof(name), "101_%d", next++);
	if (send_finger(q, data, name) != 0)
		goto out;
	rc = fido_bio_dev_enroll_begin(dev, t, e, 10000, pin);
	while (rc == FIDO_OK && fido_bio_enroll_remaining_samples(e) > 0 && next <= 6) {
		snprintf(name, sizeof(name), "101_%d", next++);
		if (send_finger(q, data, name) != 0) {
			rc = FIDO_ERR_INTERNAL;
			break;
		}
		rc = fido_bio_dev_enroll_continue(dev, t, e, 10000);
	}
	if (rc != FIDO_OK)
		fprintf(stderr, "enrolment: %s\n", fido_strerr(rc));
	else if (fido_bio_enroll_remaining_samples(e) != 0)
		rc = FIDO_ERR_INTERNAL; /* six impressions did not complete it */
out:
	fido_bio_enroll_free(&e);
	fido_bio_template_free(&t);
	return rc;
}

int main(int argc, char **argv)
{
	cm4_qemu_t q;
	fido_dev_t *dev = NULL;
	fido_cred_t *cred = NULL;
	const char *data = check_data_dir();
	char probe[1024];
	unsigned long ticks = 0, max_ticks = 0, stack = 0, arena = 0;
	int uv = 0, before = -1, after = -1;

	if (argc < 2 || strcmp(argv[1], "none") == 0)
		SKIP("Cortex-M4 token image not built: %s",
		    getenv("CM4_SKIP_REASON") && getenv("CM4_SKIP_REASON")[0]
		    ? getenv("CM4_SKIP_REASON") : "firmware core not in the build");
	if (system("command -v qemu-system-arm >/dev/null 2>&1") != 0)
		SKIP("qemu-system-arm not found");
	snprintf(probe, sizeof(probe), "%s/fvc2002/DB1_B/101_1.iso", data ? data : "");
	FILE *pf = data != NULL ? fopen(probe, "rb") : NULL;
	if (pf == NULL)
		SKIP("FVC2002 ISO templates not found under AMANA_DATA");
	fclose(pf);
	fido_init(0);

	if (cm4_qemu_start(&q, argv[1], "trace", 1) != 0) {
		CHECK(0);
		cm4_qemu_stop(&q);
		return check_done();
	}
	dev = fido_dev_new();
	CHECK(dev != NULL);
	if (dev == NULL || amana_fido_dev_use_socket(dev) != 0 ||
	    fido_dev_open(dev, q.hid) != FIDO_OK) {
		CHECK(0);
		goto done;
	}
	CHECK_EQ(fido_dev_set_pin(dev, pin, NULL), FIDO_OK);
	CHECK_EQ(enroll(&q, dev, data), FIDO_OK);
	cred = make_cred(dev);
	if (cred == NULL)
		goto done;
	/* libfido2 reads getInfo (uv: now true) when it opens the device. */
	fido_dev_close(dev);
	if (fido_dev_open(dev, q.hid) != FIDO_OK) {
		CHECK(0);
		goto done;
	}

	/* The enrolled finger's held-out impression. */
	CHECK(send_finger(&q, data, "101_8") == 0);
	(void)cm4_qemu_trace(&q, &ticks, &max_ticks, &stack, &arena);
	double t0 = now_ms();
	CHECK_EQ(assert_uv(dev, cred, &uv), FIDO_OK);
	double ms = now_ms() - t0;
	CHECK(uv);
	int ncmd = cm4_qemu_trace(&q, &ticks, &max_ticks, &stack, &arena);
	if (ncmd > 0)
		printf("figure: cm4 getAssertion_uv_fingerprint_instructions %lu "
		    "(%d CTAP command(s) of one fido_dev_get_assert; the costliest %lu)\n",
		    ticks * 40ul, ncmd, max_ticks * 40ul);
	printf("figure: cm4 getAssertion_uv_fingerprint_ms %.0f (wall time under "
	    "QEMU -icount shift=0)\n", ms);

	/* Another finger: refused, one UV retry spent. */
	CHECK_EQ(fido_dev_get_uv_retry_count(dev, &before), FIDO_OK);
	CHECK(send_finger(&q, data, "102_1") == 0);
	CHECK(assert_uv(dev, cred, &uv) != FIDO_OK);
	CHECK_EQ(fido_dev_get_uv_retry_count(dev, &after), FIDO_OK);
	CHECK_EQ(after, before - 1);

	/* Lockout: the remaining retries spent, then UV is blocked. */
	for (int i = 0; i < 4; i++) {
		char name[16];
		snprintf(name, sizeof(name), "10%d_1", 3 + i);
		CHECK(send_finger(&q, data, name) == 0);
		CHECK(assert_uv(dev, cred, &uv) != FIDO_OK);
	}
	CHECK_EQ(fido_dev_get_uv_retry_count(dev, &after), FIDO_OK);
	CHECK_EQ(after, 0);
	/* A sample may or may not be taken once blocked; send one either way
	 * (the impression that matched above, so that whichever is taken
	 * later is a known match). */
	CHECK(send_finger(&q, data, "101_8") == 0);
	CHECK(assert_uv(dev, cred, &uv) != FIDO_OK);
	/* The PIN unblocks UV. */
	CHECK_EQ(assert_uv_pin(dev, cred, &uv, pin), FIDO_OK);
	CHECK(uv);
	CHECK_EQ(fido_dev_get_uv_retry_count(dev, &after), FIDO_OK);
	CHECK_EQ(after, 5);
	/* The enrolled finger works again (the token takes the sample left
	 * queued if the blocked attempt did not, else this one). */
	CHECK(send_finger(&q, data, "101_8") == 0);
	CHECK_EQ(assert_uv(dev, cred, &uv), FIDO_OK);
	CHECK(uv);
	(void)cm4_qemu_trace(&q, &ticks, &max_ticks, &stack, &arena);
	if (stack > 0)
		printf("figure: cm4 token_stack_peak_bytes_with_uv %lu (measured on "
		    "target)\n", stack);
done:
	if (dev != NULL)
		fido_dev_close(dev);
	fido_dev_free(&dev);
	fido_cred_free(&cred);
	cm4_qemu_stop(&q);
	return check_done();
}
