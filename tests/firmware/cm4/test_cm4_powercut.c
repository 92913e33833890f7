/*
 * test_cm4_powercut.c: power loss at every flash write of a makeCredential
 * on the Cortex-M4 image under QEMU.
 *
 * The image's HAL can cut the N-th flash erase or program half done and
 * stop (exit 97, "cut=N"): the store's atomicity then meets the target's
 * own flash driver (NOR semantics, page-by-page semihosted file). From one
 * provisioned flash image holding the resident credential of "bob", for
 * N = 1, 2, ... until the operation completes uncut:
 *  - restore the provisioned flash, start with cut=N, run the operation;
 *  - the image must end with exit 97 (never a fault);
 *  - power up again without a cut and check the state.
 * Operations: makeCredential(rk) of "dave" (after: bob's credential found
 * without an allowList, its signature verifying with bob's public key, and
 * 1 or 2 resident credentials: dave's whole or not at all); and
 * authenticatorReset, a compaction that erases a whole bank (after: either
 * bob intact or nothing at all, and a new credential can be made).
 * Usage: test_cm4_powercut TOKEN_ELF|none
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fido.h>
#include <fido/es256.h>

#include "amana/fido.h"
#include "check.h"
#include "cm4_qemu.h"

#define RP "amana.example"
#define FLASH_BYTES 65536

static fido_dev_t *dev_open(const cm4_qemu_t *q)
{
	fido_dev_t *dev = fido_dev_new();
	if (dev != NULL && (amana_fido_dev_use_socket(dev) != 0 ||
	    fido_dev_open(dev, q->hid) != FIDO_OK))
		fido_dev_free(&dev);
	return dev;
}

static void dev_close(fido_dev_t **dev)
{
	if (*dev != NULL)
		fido_dev_close(*dev);
	fido_dev_free(dev);
}

static int make_rk(fido_dev_t *dev, const char *user, fido_cred_t **out)
{
	unsigned char cdh[32] = {9}, uid[8] = {0};
	memcpy(uid, user, strlen(user) < sizeof(uid) ? strlen(user) : sizeof(uid));
	fido_cred_t *c = fido_cred_new();
	int rc = FIDO_ERR_INTERNAL;
	if (c != NULL && fido_cred_set_type(c, COSE_ES256) == FIDO_OK &&
	    fido_cred_set_clientdata_hash(c, cdh, sizeof(cdh)) == FIDO_OK &&
	    fido_cred_set_rp(c, RP, NULL) == FIDO_OK &&
	    fido_cred_set_user(c, uid, sizeof(uid), user, NULL, NULL) == FIDO_OK &&
	    fido_cred_set_rk(c, FIDO_OPT_TRUE) == FIDO_OK)
		rc = fido_dev_make_cred(dev, c, NULL);
	if (rc == FIDO_OK && out != NULL)
		*out = c;
	else
		fido_cred_free(&c);
	return rc;
}

/* Discoverable getAssertion: *count resident credentials; bob's verified. */
static int check_state(fido_dev_t *dev, const fido_cred_t *bob, size_t *count)
{
	unsigned char cdh[32] = {3};
	fido_assert_t *a = fido_assert_new();
	es256_pk_t *pk = es256_pk_new();
	int rc = FIDO_ERR_INTERNAL, bob_ok = 0;
	*count = 0;
	if (a != NULL && pk != NULL &&
	    fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)) == FIDO_OK &&
	    fido_assert_set_rp(a, RP) == FIDO_OK &&
	    es256_pk_from_ptr(pk, fido_cred_pubkey_ptr(bob),
	    fido_cred_pubkey_len(bob)) == FIDO_OK)
		rc = fido_dev_get_assert(dev, a, NULL);
	if (rc == FIDO_OK) {
		*count = fido_assert_count(a);
		for (size_t i = 0; i < *count; i++)
			if (fido_assert_id_len(a, i) == fido_cred_id_len(bob) &&
			    memcmp(fido_assert_id_ptr(a, i), fido_cred_id_ptr(bob),
			    fido_cred_id_len(bob)) == 0 &&
			    fido_assert_verify(a, i, COSE_ES256, pk) == FIDO_OK)
				bob_ok = 1;
	}
	es256_pk_free(&pk);
	fido_assert_free(&a);
	return rc == FIDO_OK && bob_ok ? 0 : -1;
}

static int file_io(const char *path, uint8_t *buf, int write)
{
	FILE *f = fopen(path, write ? "wb" : "rb");
	if (f == NULL)
		return -1;
	size_t n = write ? fwrite(buf, 1, FLASH_BYTES, f) : fread(buf, 1, FLASH_BYTES, f);
	return (fclose(f) == 0 && n == FLASH_BYTES) ? 0 : -1;
}

/* One iteration: operation op (0 makeCredential, 1 reset) cut at the n-th
 * write, then the checks after an uncut power-up. *done when the operation
 * finished before the n-th write. Returns -1 when the loop cannot go on. */
static int cut_once(cm4_qemu_t *q, const char *elf, uint8_t *provisioned,
    int op, int n, const fido_cred_t *bob, int *done)
{
	char extra[32];
	fido_dev_t *dev;
	snprintf(extra, sizeof(extra), "cut=%d", n);
	if (file_io(q->flash, provisioned, 1) != 0 ||
	    cm4_qemu_restart(q, elf, extra, 0) != 0) {
		CHECK(0);
		return -1;
	}
	dev = dev_open(q); /* NULL when the cut came during power-up */
	int rc = FIDO_ERR_RX;
	if (dev != NULL)
		rc = op == 0 ? make_rk(dev, "dave", NULL) : fido_dev_reset(dev);
	dev_close(&dev);
	if (rc == FIDO_OK && cm4_qemu_alive(q)) {
		*done = 1; /* fewer than n writes: the operation completed */
	} else {
		int st = cm4_qemu_wait_exit(q, 10000);
		if (st != 97)
			fprintf(stderr, "op %d cut=%d: %s, QEMU exit %d\n", op, n,
			    fido_strerr(rc), st);
		CHECK_EQ(st, 97);
	}
	/* Power up again, uncut. */
	if (cm4_qemu_restart(q, elf, "", 0) != 0 || (dev = dev_open(q)) == NULL) {
		fprintf(stderr, "op %d cut=%d: the token does not power up\n", op, n);
		CHECK(0);
		return -1;
	}
	size_t count = 0;
	int ok = check_state(dev, bob, &count);
	if (op == 0) {
		if (ok != 0 || count < 1 || count > 2)
			fprintf(stderr, "cut=%d: bob %s, %zu resident credentials\n",
			    n, ok == 0 ? "ok" : "lost", count);
		CHECK_EQ(ok, 0);
		CHECK(count >= 1 && count <= 2);
		if (*done)
			CHECK_EQ(count, 2);
	} else {
		/* Old state whole, or wiped: never half. */
		int old = ok == 0 && count == 1, wiped = count == 0;
		if (!old && !wiped)
			fprintf(stderr, "reset cut=%d: bob %s, %zu credentials\n", n,
			    ok == 0 ? "ok" : "lost", count);
		CHECK(old || wiped);
		if (*done)
			CHECK(wiped);
		CHECK_EQ(make_rk(dev, "erin", NULL), FIDO_OK);
	}
	dev_close(&dev);
	CHECK(cm4_qemu_alive(q));
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t provisioned[FLASH_BYTES];
	cm4_qemu_t q;
	fido_dev_t *dev = NULL;
	fido_cred_t *bob = NULL;

	if (argc < 2 || strcmp(argv[1], "none") == 0)
		SKIP("Cortex-M4 token image not built: %s",
		    getenv("CM4_SKIP_REASON") && getenv("CM4_SKIP_REASON")[0]
		    ? getenv("CM4_SKIP_REASON") : "firmware core not in the build");
	if (system("command -v qemu-system-arm >/dev/null 2>&1") != 0)
		SKIP("qemu-system-arm not found");
	fido_init(0);
	if (cm4_qemu_start(&q, argv[1], "", 0) != 0 || (dev = dev_open(&q)) == NULL) {
		CHECK(0);
		cm4_qemu_stop(&q);
		return check_done();
	}
	CHECK_EQ(make_rk(dev, "bob", &bob), FIDO_OK);
	dev_close(&dev);
	cm4_qemu_poweroff(&q);
	CHECK(file_io(q.flash, provisioned, 0) == 0);

	for (int op = 0; op < 2 && bob != NULL; op++) {
		int cuts = 0, done = 0;
		for (int n = 1; !done && n <= 300; n++) {
			if (cut_once(&q, argv[1], provisioned, op, n, bob, &done) != 0)
				break;
			cuts += !done;
		}
		CHECK(done);
		CHECK(cuts > 0);
		printf("power cut at each of the %d flash writes of %s: the token "
		    "always powered up consistent\n", cuts,
		    op == 0 ? "makeCredential(rk)" : "authenticatorReset");
	}
	fido_cred_free(&bob);
	cm4_qemu_stop(&q);
	return check_done();
}
