/* Benchmark: the size of real DeviceResponses disclosing 1, 4 and all
 * elements of a worker identity credential, their compact frames, and
 * the QR codes they need at error correction M (binary and Base45 modes,
 * a single code up to version 40, and sets of codes of version <= 20,
 * which phone cameras read more easily; and one binary code when the
 * document-signer certificate is a shared dictionary). Prints a table. */
#include "amana/qr.h"
#include "cred_fixture.h"

static void row(const char *label, const uint8_t *resp, size_t len, const fx_t *f)
{
	amana_qr_opts_t o;
	amana_qr_opts_default(&o);
	int ver[2] = {0, 0};
	size_t frame = 0, parts20[2] = {0, 0};
	for (int m = 0; m < 2; m++) {
		amana_qr_set_t *s = NULL;
		o.mode = m == 0 ? AMANA_QR_BINARY : AMANA_QR_BASE45;
		o.max_version = 40;
		o.max_parts = 1;
		if (amana_qr_set_new(resp, len, &o, &s) == AMANA_OK) {
			ver[m] = amana_qr_code_version(amana_qr_set_code(s, 0));
			frame = amana_qr_set_frame_len(s);
		}
		amana_qr_set_free(&s);
		o.max_version = 20;
		o.max_parts = 16;
		if (amana_qr_set_new(resp, len, &o, &s) == AMANA_OK)
			parts20[m] = amana_qr_set_count(s);
		amana_qr_set_free(&s);
	}
	/* With the document-signer certificate as extra dictionary. */
	amana_qr_set_t *s = NULL;
	int vdict = 0;
	o.mode = AMANA_QR_BINARY;
	o.max_version = 40;
	o.max_parts = 1;
	o.dict.p = f->ds;
	o.dict.n = f->ds_len;
	if (amana_qr_set_new(resp, len, &o, &s) == AMANA_OK)
		vdict = amana_qr_code_version(amana_qr_set_code(s, 0));
	amana_qr_set_free(&s);
	printf("%-13s %8zu %8zu   %7d %7d   %9zu %9zu   %9d\n", label, len, frame, ver[0], ver[1],
	    parts20[0], parts20[1], vdict);
}

int main(int argc, char **argv)
{
	if (argc != 2 || sodium_init() < 0)
		return 2;
	fx_t f;
	if (fx_init(&f, argv[1], 1780000000) != AMANA_OK)
		return 1;
	uint8_t *cred = NULL;
	size_t cn = 0;
	if (fx_issue(&f, "https://issuer.amana.example/status/workers", 1234, &cred, &cn) != AMANA_OK)
		return 1;
	printf("credential: %zu bytes (document-signer certificate %zu bytes)\n", cn, f.ds_len);
	printf("%-13s %8s %8s   %7s %7s   %9s %9s   %9s\n", "disclosed", "response", "frame",
	    "QR v(M)", "b45 v(M)", "codes<=v20", "b45<=v20", "v(M)+cert");
	size_t ns[3] = {1, 4, FX_NCLAIMS};
	for (int i = 0; i < 3; i++) {
		amana_request_t *req = NULL;
		uint8_t *resp = NULL;
		size_t rn = 0;
		if (fx_present(&f, cred, cn, ns[i], &req, &resp, &rn) != AMANA_OK)
			return 1;
		char label[32];
		snprintf(label, sizeof(label), "%zu element%s", ns[i], ns[i] == 1 ? "" : "s");
		row(label, resp, rn, &f);
		amana_request_free(&req);
		free(resp);
	}
	free(cred);
	fx_free(&f);
	return 0;
}
