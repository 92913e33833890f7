/*
 * journey-token: the NGO desk's side of the worker's token in the journeys
 * (docs/0700-journeys.md). No program of the product enrols biometrics yet,
 * so the journeys drive the token with this small client of the real
 * interfaces: libfido2 (clientPIN, authenticatorBioEnrollment) over amana's
 * socket transport, and the face vendor command 0x50 authenticated with a
 * PIN/UV auth protocol 2 token (firmware B's test client, bio_client.c).
 * Images go to the token through its sensor side channel (the simulator's
 * control socket): they are read by the token process, never by us, and the
 * templates never come back (responses carry template IDs only).
 *
 *   journey-token ctl CTL LINE             one control line ("sensor finger IMG")
 *   journey-token set-pin SOCK PIN         first PIN of a fresh token
 *   journey-token enrol-finger SOCK CTL PIN NAME IMG...
 *   journey-token enrol-face SOCK CTL PIN NAME IMG
 *   journey-token list SOCK PIN            enrolled fingers and faces (IDs, names)
 *   journey-token retries SOCK             UV and PIN retries left
 *
 * Exit: 0 done, 1 refused by the token, 2 usage, 3 transport.
 */
#include <fido.h>
#include <fido/bio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "amana/err.h"
#include "amana/fido.h"
#include "bio_client.h"
#include "token_proc.h"


static int ctl(const char *path, const char *line, char *reply, size_t cap)
{
	token_proc_t p;
	memset(&p, 0, sizeof(p));
	if (strlen(path) >= sizeof(p.ctl))
		return -1;
	strcpy(p.ctl, path);
	return token_proc_ctl(&p, line, reply, cap);
}

static int put_sample(const char *ctlp, const char *modality, const char *img)
{
	char line[1200], reply[256];
	snprintf(line, sizeof(line), "sensor %s %s", modality, img);
	if (ctl(ctlp, line, reply, sizeof(reply)) != 0) {
		printf("    sensor refused %s: %s\n", img, reply);
		return -1;
	}
	return 0;
}

static fido_dev_t *open_dev(const char *sock)
{
	fido_dev_t *dev = NULL;
	if (amana_fido_token_open(sock, &dev) != AMANA_OK) {
		fprintf(stderr, "journey-token: cannot open the token at %s\n", sock);
		return NULL;
	}
	return dev;
}

static void close_dev(fido_dev_t **dev)
{
	if (*dev != NULL) {
		fido_dev_close(*dev);
		fido_dev_free(dev);
	}
}

static void print_id(const unsigned char *id, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", id[i]);
}

static int cmd_set_pin(char **a)
{
	fido_dev_t *dev = open_dev(a[0]);
	if (dev == NULL)
		return 3;
	int rc = fido_dev_set_pin(dev, a[1], NULL);
	close_dev(&dev);
	printf("    token PIN set (%s)\n", fido_strerr(rc));
	return rc == FIDO_OK ? 0 : 1;
}

/* bioEnrollment: enrollBegin then enrollCaptureNextSample until the token
 * says no sample remains; each image is put on the sensor first. Samples
 * the token judges poor (or already enrolled) do not count: the next image
 * is tried. */
static int cmd_enrol_finger(int n, char **a)
{
	const char *sock = a[0], *ctlp = a[1], *pin = a[2], *name = a[3];
	fido_dev_t *dev = open_dev(sock);
	if (dev == NULL)
		return 3;
	fido_bio_template_t *t = fido_bio_template_new();
	fido_bio_enroll_t *e = fido_bio_enroll_new();
	int rc = FIDO_ERR_INTERNAL;
	bool begun = false;
	uint8_t remaining = 1;
	for (int i = 4; i < n && remaining > 0; i++) {
		if (put_sample(ctlp, "finger", a[i]) != 0)
			continue;
		rc = begun ? fido_bio_dev_enroll_continue(dev, t, e, 10000)
		           : fido_bio_dev_enroll_begin(dev, t, e, 10000, pin);
		if (rc != FIDO_OK) {
			printf("    sample %s: %s\n", strrchr(a[i], '/') ? strrchr(a[i], '/') + 1 : a[i],
			    fido_strerr(rc));
			if (!begun)
				break;
			continue;
		}
		begun = true;
		uint8_t st = fido_bio_enroll_last_status(e);
		remaining = fido_bio_enroll_remaining_samples(e);
		printf("    sample %-10s -> token: %s, %u more needed\n",
		    strrchr(a[i], '/') ? strrchr(a[i], '/') + 1 : a[i],
		    st == 0 ? "good" : st == 0x0b ? "already enrolled" : "poor quality", remaining);
	}
	if (begun && remaining == 0) {
		(void)fido_bio_template_set_name(t, name);
		rc = fido_bio_dev_set_template_name(dev, t, pin);
		printf("    finger '%s' enrolled: template ID ", name);
		print_id(fido_bio_template_id_ptr(t), fido_bio_template_id_len(t));
		printf(" (the template stays on the token)\n");
	} else {
		if (begun)
			(void)fido_bio_dev_enroll_cancel(dev);
		printf("    finger '%s' NOT enrolled (%s)\n", name,
		    begun ? "too few good samples" : fido_strerr(rc));
		rc = rc == FIDO_OK ? FIDO_ERR_INTERNAL : rc;
	}
	fido_bio_enroll_free(&e);
	fido_bio_template_free(&t);
	close_dev(&dev);
	return rc == FIDO_OK ? 0 : 1;
}

/* Face: one sample (enrollBegin of the vendor command), then a name. */
static int cmd_enrol_face(char **a)
{
	const char *sock = a[0], *ctlp = a[1], *pin = a[2], *name = a[3], *img = a[4];
	bio_client_t *c = calloc(1, sizeof(*c));
	if (c == NULL || bc_open(c, sock) != AMANA_OK) {
		free(c);
		fprintf(stderr, "journey-token: cannot open the token at %s\n", sock);
		return 3;
	}
	int ret = 1;
	uint8_t resp[1024], st = 0xff;
	size_t n = 0;
	if (bc_get_token(c, pin, 0x08) != 0) {
		printf("    PIN refused: no bio-enrolment permission\n");
		goto out;
	}
	if (put_sample(ctlp, "face", img) != 0)
		goto out;
	if (bc_bio(c, BC_CMD_FACE, 2, 0x01, NULL, true, &st, resp, sizeof(resp), &n) != AMANA_OK ||
	    st != 0) {
		printf("    face enrolment refused (CTAP status 0x%02x)\n", st);
		goto out;
	}
	struct cbor_load_result lr;
	cbor_item_t *m = cbor_load(resp, n, &lr);
	cbor_item_t *id = bc_map_find(m, 0x04), *ss = bc_map_find(m, 0x05);
	if (id == NULL || !cbor_isa_bytestring(id) || ss == NULL || cbor_get_int(ss) != 0) {
		printf("    face sample %s judged poor quality by the token\n",
		    strrchr(img, '/') != NULL ? strrchr(img, '/') + 1 : img);
		if (m != NULL)
			cbor_decref(&m);
		goto out;
	}
	bc_buf_t prm = {.n = 0};
	bc_head(&prm, 5, 2);
	bc_uint(&prm, 1);
	bc_bytes(&prm, cbor_bytestring_handle(id), cbor_bytestring_length(id));
	bc_uint(&prm, 2);
	bc_text(&prm, name);
	printf("    face '%s' enrolled: template ID ", name);
	print_id(cbor_bytestring_handle(id), cbor_bytestring_length(id));
	printf(" (the template stays on the token)\n");
	cbor_decref(&m);
	if (bc_bio(c, BC_CMD_FACE, 2, 0x05, &prm, true, &st, resp, sizeof(resp), &n) == AMANA_OK &&
	    st == 0)
		ret = 0;
out:
	bc_close(c);
	free(c);
	return ret;
}

static int cmd_list(char **a)
{
	fido_dev_t *dev = open_dev(a[0]);
	if (dev == NULL)
		return 3;
	fido_bio_template_array_t *ta = fido_bio_template_array_new();
	int rc = fido_bio_dev_get_template_array(dev, ta, a[1]);
	size_t nf = rc == FIDO_OK ? fido_bio_template_array_count(ta) : 0;
	printf("    fingers on the token: %zu", nf);
	for (size_t i = 0; i < nf; i++) {
		const fido_bio_template_t *x = fido_bio_template(ta, i);
		printf("%s", i == 0 ? " (" : ", ");
		print_id(fido_bio_template_id_ptr(x), fido_bio_template_id_len(x));
		printf(" '%s'", fido_bio_template_name(x) ? fido_bio_template_name(x) : "");
	}
	printf("%s\n", nf > 0 ? ")" : "");
	fido_bio_template_array_free(&ta);
	close_dev(&dev);

	bio_client_t *c = calloc(1, sizeof(*c));
	if (c == NULL || bc_open(c, a[0]) != AMANA_OK) {
		free(c);
		return 3;
	}
	uint8_t resp[1024], st = 0xff;
	size_t n = 0, nfaces = 0;
	if (bc_get_token(c, a[1], 0x08) == 0 &&
	    bc_bio(c, BC_CMD_FACE, 2, 0x04, NULL, true, &st, resp, sizeof(resp), &n) == AMANA_OK &&
	    st == 0) {
		struct cbor_load_result lr;
		cbor_item_t *m = cbor_load(resp, n, &lr);
		cbor_item_t *arr = bc_map_find(m, 0x07);
		if (arr != NULL && cbor_isa_array(arr))
			nfaces = cbor_array_size(arr);
		if (m != NULL)
			cbor_decref(&m);
	}
	printf("    faces on the token: %zu\n", nfaces);
	bc_close(c);
	free(c);
	return 0;
}

static int cmd_retries(char **a)
{
	fido_dev_t *dev = open_dev(a[0]);
	if (dev == NULL)
		return 3;
	int uv = -1, pin = -1;
	(void)fido_dev_get_uv_retry_count(dev, &uv);
	(void)fido_dev_get_retry_count(dev, &pin);
	close_dev(&dev);
	printf("uv %d pin %d\n", uv, pin);
	return 0;
}

int main(int argc, char **argv)
{
	fido_init(0);
	const char *c = argc > 1 ? argv[1] : "";
	char **a = argv + 2;
	int n = argc - 2;
	if (strcmp(c, "ctl") == 0 && n == 2) {
		char reply[256];
		int rc = ctl(a[0], a[1], reply, sizeof(reply));
		printf("%s\n", reply);
		return rc == 0 ? 0 : 1;
	}
	if (strcmp(c, "set-pin") == 0 && n == 2)
		return cmd_set_pin(a);
	if (strcmp(c, "enrol-finger") == 0 && n >= 5)
		return cmd_enrol_finger(n, a);
	if (strcmp(c, "enrol-face") == 0 && n == 5)
		return cmd_enrol_face(a);
	if (strcmp(c, "list") == 0 && n == 2)
		return cmd_list(a);
	if (strcmp(c, "retries") == 0 && n == 1)
		return cmd_retries(a);
	fprintf(stderr, "usage: journey-token ctl|set-pin|enrol-finger|enrol-face|list|retries ...\n");
	return 2;
}
