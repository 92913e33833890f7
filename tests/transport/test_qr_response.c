/* A real DeviceResponse (amana issuer and holder) disclosing four
 * elements fits one QR code at error correction M, in binary and in
 * Base45 mode; written as PNG and read back by zbar it gives the same
 * bytes, which our verifier then accepts. The same response split over
 * codes of version <= 15 reassembles in any order and verifies too. */
#include <unistd.h>

#include "amana/qr.h"
#include "cred_fixture.h"
#include "check.h"

static int verify(const fx_t *f, const amana_request_t *req, const uint8_t *resp, size_t len)
{
	static amana_verify_result_t res;
	amana_verifier_t *v = NULL;
	if (amana_verifier_new(&v) != AMANA_OK)
		return AMANA_ERR_NOMEM;
	amana_verifier_set_trust(v, f->trust);
	amana_verifier_set_time(v, f->now);
	int rc = amana_verifier_check(v, req, resp, len, &res);
	amana_verifier_free(&v);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 2 || sodium_init() < 0)
		return 2;
	char tmp[] = "/tmp/amana-qr-resp-XXXXXX", png[160];
	if (mkdtemp(tmp) == NULL)
		return 1;
	fx_t f;
	CHECK_EQ(fx_init(&f, argv[1], 1780000000), AMANA_OK);
	uint8_t *cred = NULL, *resp = NULL;
	size_t cn = 0, rn = 0;
	amana_request_t *req = NULL;
	CHECK_EQ(fx_issue(&f, "https://issuer.amana.example/status/workers", 77, &cred, &cn), AMANA_OK);
	CHECK_EQ(fx_present(&f, cred, cn, 4, &req, &resp, &rn), AMANA_OK);
	CHECK_EQ(verify(&f, req, resp, rn), AMANA_OK);

	for (int m = 0; m < 2; m++) {
		amana_qr_opts_t o;
		amana_qr_opts_default(&o);
		o.mode = m == 0 ? AMANA_QR_BINARY : AMANA_QR_BASE45;
		o.ecc = AMANA_QR_ECC_M;
		o.max_parts = 1; /* one code, or fail */
		amana_qr_set_t *s = NULL;
		CHECK_EQ(amana_qr_set_new(resp, rn, &o, &s), AMANA_OK);
		if (s == NULL)
			continue;
		CHECK_EQ(amana_qr_set_count(s), 1);
		printf("4-element response, %s: %zu bytes, frame %zu bytes, one QR code, version %d at M\n",
		    m == 0 ? "binary" : "Base45", rn, amana_qr_set_frame_len(s),
		    amana_qr_code_version(amana_qr_set_code(s, 0)));
		snprintf(png, sizeof(png), "%s/resp-%d.png", tmp, m);
		CHECK_EQ(amana_qr_code_write_png(amana_qr_set_code(s, 0), png, 4), AMANA_OK);
		amana_qr_asm_t *a = NULL;
		size_t found = 0, bn = 0;
		uint8_t *back = NULL;
		CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
		CHECK_EQ(amana_qr_scan_file(png, a, &found), AMANA_OK);
		CHECK_EQ(found, 1);
		CHECK_EQ(amana_qr_asm_finish(a, &back, &bn), AMANA_OK);
		CHECK(bn == rn && back != NULL && memcmp(back, resp, rn) == 0);
		if (back != NULL)
			CHECK_EQ(verify(&f, req, back, bn), AMANA_OK);
		free(back);
		amana_qr_asm_free(&a);
		amana_qr_set_free(&s);
		unlink(png);
	}

	/* With the document-signer certificate as extra dictionary (the
	 * verifier holds it from an earlier check or from the issuer): a
	 * smaller code; a scanner without the certificate cannot read it. */
	{
		amana_qr_opts_t o;
		amana_qr_opts_default(&o);
		o.max_parts = 1;
		o.dict.p = f.ds;
		o.dict.n = f.ds_len;
		amana_qr_set_t *s = NULL;
		CHECK_EQ(amana_qr_set_new(resp, rn, &o, &s), AMANA_OK);
		if (s != NULL) {
			printf("4-element response, binary, certificate as dictionary: frame %zu bytes, version %d at M\n",
			    amana_qr_set_frame_len(s), amana_qr_code_version(amana_qr_set_code(s, 0)));
			snprintf(png, sizeof(png), "%s/resp-dict.png", tmp);
			CHECK_EQ(amana_qr_code_write_png(amana_qr_set_code(s, 0), png, 4), AMANA_OK);
			for (int with = 0; with < 2; with++) {
				amana_qr_asm_t *a = NULL;
				size_t found = 0, bn = 0;
				uint8_t *back = NULL;
				CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
				if (with)
					CHECK_EQ(amana_qr_asm_add_dict(a, f.ds, f.ds_len), AMANA_OK);
				CHECK_EQ(amana_qr_scan_file(png, a, &found), AMANA_OK);
				int rc = amana_qr_asm_finish(a, &back, &bn);
				CHECK_EQ(rc, with ? AMANA_OK : AMANA_ERR_QR_DICT);
				if (with)
					CHECK(bn == rn && back != NULL && memcmp(back, resp, rn) == 0);
				free(back);
				amana_qr_asm_free(&a);
			}
			unlink(png);
		}
		amana_qr_set_free(&s);
	}

	/* Split over small codes, scanned back from PNGs in reverse order. */
	amana_qr_opts_t o;
	amana_qr_opts_default(&o);
	o.max_version = 15;
	amana_qr_set_t *s = NULL;
	CHECK_EQ(amana_qr_set_new(resp, rn, &o, &s), AMANA_OK);
	size_t n = s != NULL ? amana_qr_set_count(s) : 0;
	CHECK(n >= 2);
	printf("split at version <= 15: %zu codes\n", n);
	amana_qr_asm_t *a = NULL;
	CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
	for (size_t i = n; i-- > 0;) {
		size_t found = 0;
		snprintf(png, sizeof(png), "%s/part-%zu.png", tmp, i);
		CHECK_EQ(amana_qr_code_write_png(amana_qr_set_code(s, i), png, 3), AMANA_OK);
		CHECK_EQ(amana_qr_scan_file(png, a, &found), AMANA_OK);
		unlink(png);
	}
	uint8_t *back = NULL;
	size_t bn = 0;
	CHECK_EQ(amana_qr_asm_finish(a, &back, &bn), AMANA_OK);
	CHECK(bn == rn && back != NULL && memcmp(back, resp, rn) == 0);
	if (back != NULL)
		CHECK_EQ(verify(&f, req, back, bn), AMANA_OK);
	free(back);
	amana_qr_asm_free(&a);
	amana_qr_set_free(&s);

	amana_request_free(&req);
	free(cred);
	free(resp);
	fx_free(&f);
	rmdir(tmp);
	return check_done();
}
