/*
 * test_bio_fido.c: fingerprint enrolment and user verification on the token,
 * end to end through real libfido2 against amana-token (started here), with
 * FVC2002 images going through the simulator's sensor (the matcher's
 * extraction) and the comparison running inside the token core.
 *
 * Covers: getInfo uv/bioEnroll before and after enrolment, sensor info,
 * enrolment from several impressions (statuses, remaining samples, a missing
 * finger), UV by another impression of the same finger (getAssertion uv=true
 * with hmac-secret: the same secret as with the PIN), a different finger
 * refused and the retry counter going down, 5 failures block UV until a
 * correct PIN, the counter survives a power cut right after a failure,
 * enumerate / rename / remove / cancel, and that no response carries
 * template bytes. argv[1]: the amana-token program.
 *
 * Which impressions to use is planned here with the token's own code
 * (bio_match.c, linked from the core library) over the same sensor
 * templates the simulator makes: the enrolment gets four impressions the
 * token will judge good, the genuine probes are impressions whose decision
 * the matcher predicts as a match, impostor probes ones it predicts as a
 * mismatch; the test then asserts the token decides exactly so. So the
 * token's behaviour is tested whatever the matcher's current accuracy
 * (measured separately by bench_bio); only when no finger of DB1_B has
 * four good impressions and a predicted genuine match does it skip.
 */
#include <fido/bio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "amana/err.h"
#include "bio_client.h"
#include "bio_match.h"
#include "bio_rec.h"
#include "check.h"
#include "fido_util.h"
#include "sensor.h"
#include "token_proc.h"

#define PIN "4711"
#define DB "fvc2002/DB1_B"

static const char *exe, *data;
static token_proc_t tp;
static fido_dev_t *dev;
static uint8_t salt[32];
static uint8_t seen[1 << 16]; /* every byte libfido2 handed back to us */
static size_t seen_len;

static void note(const void *p, size_t n)
{
	if (p != NULL && seen_len + n <= sizeof(seen)) {
		memcpy(seen + seen_len, p, n);
		seen_len += n;
	}
}

static int ctl_line(const char *line)
{
	char reply[256];
	int rc = token_proc_ctl(&tp, line, reply, sizeof(reply));
	if (rc != 0)
		fprintf(stderr, "control '%s': %s\n", line, reply);
	return rc;
}

static int finger(int f, int i)
{
	char line[1024];
	snprintf(line, sizeof(line), "sensor finger %s/" DB "/%d_%d.tif", data, f, i);
	return ctl_line(line);
}


/* ---- the plan: sensor templates and the token's decision rule, host-side */
#define IMPR 8

typedef struct plan {
	int f;                   /* finger 101..110 */
	int enrol[4];            /* impressions the enrolment gets */
	int accept[IMPR];        /* impressions predicted to match */
	int naccept;
	uint8_t ref[3][AMANA_SENSOR_SAMPLE_MAX];
	size_t ref_len[3];
	size_t nref;
} plan_t;

static amana_sensor_t *sensor;
static bio_work_t work;
static uint8_t tmpl[11][IMPR + 1][AMANA_SENSOR_SAMPLE_MAX];
static size_t tmpl_len[11][IMPR + 1]; /* 0: not extracted */

static const uint8_t *impression(int f, int i, size_t *len)
{
	size_t *l = &tmpl_len[f - 101][i];
	if (*l == 0) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/" DB "/%d_%d.tif", data, f, i);
		if (amana_sensor_capture(sensor, path, AMANA_SENSOR_FINGER,
		    tmpl[f - 101][i], AMANA_SENSOR_SAMPLE_MAX, l, NULL) != AMANA_OK)
			*l = (size_t)-1;
	}
	*len = *l == (size_t)-1 ? 0 : *l;
	return tmpl[f - 101][i];
}

/* The token's decision for probe (f, i) against plan p's references. */
static bool predict(const plan_t *p, int f, int i)
{
	size_t len;
	const uint8_t *t = impression(f, i, &len);
	if (len == 0 || bio_fp_probe_load(&work, t, len, false) != AMANA_OK)
		return false;
	for (size_t k = 0; k < p->nref; k++) {
		float sc;
		if (bio_fp_score_ref(&work, p->ref[k], p->ref_len[k], &sc) == AMANA_OK &&
		    bio_fp_accept(sc))
			return true;
	}
	return false;
}

/* True when impression (f, i) would be a good enrolment sample that
 * matches none of the plans given (so the token counts it). */
static bool good_sample(int f, int i, const plan_t *const *others, size_t n)
{
	size_t len;
	const uint8_t *t = impression(f, i, &len);
	if (len == 0 || bio_fp_probe_load(&work, t, len, true) != AMANA_OK)
		return false;
	for (size_t k = 0; k < n; k++)
		if (predict(others[k], f, i))
			return false;
	return true;
}

/* Plans finger f: four good impressions, the references the token will
 * keep of them, and the other impressions predicted to match. */
static bool make_plan(int f, plan_t *p)
{
	memset(p, 0, sizeof(*p));
	p->f = f;
	const uint8_t *samples[4];
	uint16_t lens[4];
	int n = 0;
	for (int i = 1; i <= IMPR && n < 4; i++) {
		size_t len;
		const uint8_t *t = impression(f, i, &len);
		if (len == 0 || bio_fp_probe_load(&work, t, len, true) != AMANA_OK)
			continue;
		p->enrol[n] = i;
		samples[n] = t;
		lens[n++] = (uint16_t)len;
	}
	uint8_t order[4];
	size_t kept = 0;
	if (n < 4 || bio_fp_select(&work, samples, lens, 4, BIO_REC_TEMPLATE_BUDGET,
	    BIO_REC_MAX_TEMPLATES, order, &kept) != AMANA_OK)
		return false;
	for (size_t k = 0; k < kept; k++) {
		memcpy(p->ref[k], samples[order[k]], lens[order[k]]);
		p->ref_len[k] = lens[order[k]];
	}
	p->nref = kept;
	for (int i = 1; i <= IMPR; i++) {
		bool used = false;
		for (int k = 0; k < 4; k++)
			used |= p->enrol[k] == i;
		if (!used && predict(p, f, i))
			p->accept[p->naccept++] = i;
	}
	return p->naccept > 0;
}

/* Impostor probes: impressions of fingers in no plan, predicted to be
 * refused by every plan given; each call returns the next one. */
static bool next_impostor(const plan_t *a, const plan_t *b, int *f, int *i)
{
	static int cf = 101, ci = 1;
	for (; cf <= 110; cf++, ci = 1)
		for (; ci <= IMPR; ci++) {
			if (cf == a->f || (b != NULL && cf == b->f))
				continue;
			size_t len;
			impression(cf, ci, &len);
			if (len == 0 || predict(a, cf, ci) || (b != NULL && predict(b, cf, ci)))
				continue;
			*f = cf;
			*i = ci++;
			return true;
		}
	return false;
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
	if (fido_dev_get_uv_retry_count(dev, &r) != FIDO_OK)
		return -1;
	return r;
}

/* getAssertion with uv=true and no PIN, hmac-secret salt; on success the
 * signature is verified and *secret gets the hmac-secret output. */
static int uv_assert(const fido_cred_t *c, uint8_t secret[32], double *ms)
{
	uint8_t cdh[32] = {1, 2, 3};
	fido_assert_t *a = fido_assert_new();
	struct timespec t0, t1;
	fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh));
	fido_assert_set_rp(a, TEST_RP);
	fido_assert_allow_cred(a, fido_cred_id_ptr(c), fido_cred_id_len(c));
	fido_assert_set_extensions(a, FIDO_EXT_HMAC_SECRET);
	fido_assert_set_hmac_salt(a, salt, sizeof(salt));
	fido_assert_set_uv(a, FIDO_OPT_TRUE);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = fido_dev_get_assert(dev, a, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ms != NULL)
		*ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	if (rc == FIDO_OK) {
		CHECK_EQ(tf_verify(a, 0, c), FIDO_OK);
		CHECK((fido_assert_flags(a, 0) & 0x04) != 0); /* UV */
		CHECK_EQ(fido_assert_hmac_secret_len(a, 0), 32);
		if (secret != NULL && fido_assert_hmac_secret_len(a, 0) == 32)
			memcpy(secret, fido_assert_hmac_secret_ptr(a, 0), 32);
		note(fido_assert_authdata_ptr(a, 0), fido_assert_authdata_len(a, 0));
		note(fido_assert_sig_ptr(a, 0), fido_assert_sig_len(a, 0));
		note(fido_assert_hmac_secret_ptr(a, 0), fido_assert_hmac_secret_len(a, 0));
	}
	fido_assert_free(&a);
	return rc;
}

/* Enrols plan p's four impressions; every one must be judged good and
 * count down the remaining samples. */
static void enrol(const plan_t *p, fido_bio_template_t *t)
{
	fido_bio_enroll_t *e = fido_bio_enroll_new();
	CHECK_EQ(finger(p->f, p->enrol[0]), 0);
	int rc = fido_bio_dev_enroll_begin(dev, t, e, 10000, PIN);
	CHECK_EQ(rc, FIDO_OK);
	CHECK_EQ(fido_bio_enroll_last_status(e), 0);
	CHECK_EQ(fido_bio_enroll_remaining_samples(e), 3);
	CHECK_EQ(fido_bio_template_id_len(t), 2);
	note(fido_bio_template_id_ptr(t), fido_bio_template_id_len(t));
	for (int k = 1; k < 4 && rc == FIDO_OK; k++) {
		if (k == 2) {
			/* no finger on the sensor: a timeout, the enrolment goes on */
			CHECK_EQ(fido_bio_dev_enroll_continue(dev, t, e, 100),
			    FIDO_ERR_USER_ACTION_TIMEOUT);
		}
		CHECK_EQ(finger(p->f, p->enrol[k]), 0);
		rc = fido_bio_dev_enroll_continue(dev, t, e, 10000);
		CHECK_EQ(rc, FIDO_OK);
		CHECK_EQ(fido_bio_enroll_last_status(e), 0);
		CHECK_EQ(fido_bio_enroll_remaining_samples(e), 3 - k);
	}
	fido_bio_enroll_free(&e);
}

static size_t enumerate(fido_bio_template_array_t *ta)
{
	int rc = fido_bio_dev_get_template_array(dev, ta, PIN);
	if (rc == FIDO_ERR_INVALID_OPTION) /* CTAP 2.1: nothing enrolled */
		return 0;
	CHECK_EQ(rc, FIDO_OK);
	for (size_t i = 0; i < fido_bio_template_array_count(ta); i++) {
		const fido_bio_template_t *x = fido_bio_template(ta, i);
		note(fido_bio_template_id_ptr(x), fido_bio_template_id_len(x));
		if (fido_bio_template_name(x) != NULL)
			note(fido_bio_template_name(x), strlen(fido_bio_template_name(x)));
	}
	return fido_bio_template_array_count(ta);
}

/* Enrols the first of fingers from.. with four good samples matching none
 * of the plans given; returns the finger or 0. */
static int enrol_any(int from, const plan_t *const *others, size_t n)
{
	for (int f = from; f <= 110; f++) {
		plan_t q;
		memset(&q, 0, sizeof(q));
		q.f = f;
		int k = 0;
		for (int i = 1; i <= IMPR && k < 4; i++)
			if (good_sample(f, i, others, n))
				q.enrol[k++] = i;
		bool taken = false;
		for (size_t j = 0; j < n; j++)
			taken |= others[j]->f == f;
		if (k < 4 || taken)
			continue;
		fido_bio_template_t *t = fido_bio_template_new();
		enrol(&q, t);
		fido_bio_template_free(&t);
		return f;
	}
	return 0;
}

/* UV with plan p's first predicted genuine impression: must be accepted. */
static void genuine_uv(const plan_t *p, const fido_cred_t *c, uint8_t secret[32],
    double *ms)
{
	CHECK_EQ(finger(p->f, p->accept[0]), 0);
	CHECK_EQ(uv_assert(c, secret, ms), FIDO_OK);
}

/* UV with the next impostor impression: must be refused with want. */
static void impostor_uv(const plan_t *a, const plan_t *b, const fido_cred_t *c,
    int want)
{
	int f = 0, i = 0;
	CHECK(next_impostor(a, b, &f, &i));
	CHECK_EQ(finger(f, i), 0);
	CHECK_EQ(uv_assert(c, NULL, NULL), want);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* --latency N: N genuine UVs; prints the sensor's extraction time (control
 * round trip) and the end-to-end getAssertion-with-UV time apart. */
static int latency_runs;
static void measure_latency(const plan_t *p, const fido_cred_t *c)
{
	double *tok = calloc((size_t)latency_runs, sizeof(double));
	double *sen = calloc((size_t)latency_runs, sizeof(double));
	if (tok == NULL || sen == NULL) {
		free(tok);
		free(sen);
		return;
	}
	for (int k = 0; k < latency_runs; k++) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		CHECK_EQ(finger(p->f, p->accept[0]), 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		sen[k] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		CHECK_EQ(uv_assert(c, NULL, &tok[k]), FIDO_OK);
	}
	qsort(tok, (size_t)latency_runs, sizeof(double), cmp_double);
	qsort(sen, (size_t)latency_runs, sizeof(double), cmp_double);
	size_t m = (size_t)latency_runs / 2, q = (size_t)latency_runs * 9 / 10;
	printf("UV latency over %d runs: getAssertion with fingerprint UV + hmac-secret "
	    "(libfido2 -> socket -> token: clientPIN UV token, %zu references compared, "
	    "ECDSA) median %.2f ms, p90 %.2f ms; sensor extraction (image -> template) "
	    "median %.1f ms\n", latency_runs, p->nref, tok[m], tok[q], sen[m]);
	free(tok);
	free(sen);
}

static void reopen(void)
{
	tf_close(&dev);
	dev = tf_open(tp.sock);
	CHECK(dev != NULL);
}

/* No response may carry a template: no 12-byte window of the minutiae of
 * any impression of finger f (as the sensor packs it) appears in anything
 * libfido2 or the raw channel received. */
static void scan_responses(const bio_client_t *bc, int f)
{
	for (int i = 1; i <= IMPR; i++) {
		size_t len;
		const uint8_t *t = impression(f, i, &len);
		if (len <= 8 + 12)
			continue;
		CHECK(!bc_contains_window(seen, seen_len, t + 8, len - 8, 12));
		CHECK(!bc_contains_window(bc->log, bc->log_len, t + 8, len - 8, 12));
	}
}

int main(int argc, char **argv)
{
	char probe[1024];
	static plan_t pa, pb;
	if (argc < 2)
		SKIP("usage: test_bio_fido AMANA-TOKEN");
	exe = argv[1];
	if (argc > 3 && strcmp(argv[2], "--latency") == 0)
		latency_runs = atoi(argv[3]);
	if ((data = check_data_dir()) == NULL)
		SKIP("AMANA_DATA not set");
	snprintf(probe, sizeof(probe), "%s/" DB "/101_1.tif", data);
	if (access(probe, R_OK) != 0)
		SKIP("no FVC2002 data at %s", probe);
	if (amana_sensor_new(&sensor, NULL) != AMANA_OK)
		return 1;
	int f = 101;
	while (f <= 110 && !make_plan(f, &pa))
		f++;
	while (++f <= 110 && !make_plan(f, &pb))
		;
	if (pa.naccept == 0 || pb.naccept == 0) {
		amana_sensor_free(&sensor);
		SKIP("the matcher accepts no genuine impression of two DB1_B fingers "
		    "(see bench_bio); the token's acceptance cannot be shown");
	}
	printf("plan: finger %d enrolled from impressions %d,%d,%d,%d (%zu references), "
	    "%d of its other impressions predicted to match; second finger %d\n",
	    pa.f, pa.enrol[0], pa.enrol[1], pa.enrol[2], pa.enrol[3], pa.nref,
	    pa.naccept, pb.f);

	fido_init(0);
	memset(salt, 0x5a, sizeof(salt));
	if (token_proc_start(&tp, exe, NULL) != 0) {
		fprintf(stderr, "cannot start %s\n", exe);
		return 1;
	}
	dev = tf_open(tp.sock);
	CHECK(dev != NULL);
	if (dev == NULL)
		goto out;
	if (option("bioEnroll") == -1) {
		tf_close(&dev);
		token_proc_stop(&tp, false);
		SKIP("this amana-token was built without a sensor (libtiff or the face library missing)");
	}

	/* Before enrolment: a sensor, nothing enrolled, UV not offered. */
	CHECK_EQ(option("bioEnroll"), 0);
	CHECK_EQ(option("uv"), 0);
	CHECK_EQ(fido_dev_set_pin(dev, PIN, NULL), FIDO_OK);
	reopen();
	fido_bio_info_t *bi = fido_bio_info_new();
	CHECK_EQ(fido_bio_dev_get_info(dev, bi), FIDO_OK);
	CHECK_EQ(fido_bio_info_type(bi), 1);        /* touch sensor */
	CHECK_EQ(fido_bio_info_max_samples(bi), 4);
	fido_bio_info_free(&bi);
	CHECK_EQ(uv_retries(), 5);

	/* Enrolment from four impressions. */
	fido_bio_template_t *ta_t = fido_bio_template_new();
	enrol(&pa, ta_t);
	CHECK_EQ(option("bioEnroll"), 1);
	CHECK_EQ(option("uv"), 1);
	reopen();

	fido_bio_template_array_t *ta = fido_bio_template_array_new();
	CHECK_EQ(enumerate(ta), 1);
	if (fido_bio_template_array_count(ta) == 1) {
		const fido_bio_template_t *x = fido_bio_template(ta, 0);
		CHECK_EQ(fido_bio_template_id_len(x), 2);
		CHECK(memcmp(fido_bio_template_id_ptr(x), fido_bio_template_id_ptr(ta_t), 2) == 0);
		CHECK(fido_bio_template_name(x) == NULL);
	}
	CHECK_EQ(fido_bio_template_set_name(ta_t, "right index"), FIDO_OK);
	CHECK_EQ(fido_bio_dev_set_template_name(dev, ta_t, PIN), FIDO_OK);
	CHECK_EQ(enumerate(ta), 1);
	if (fido_bio_template_array_count(ta) == 1) {
		const char *nm = fido_bio_template_name(fido_bio_template(ta, 0));
		CHECK(nm != NULL && strcmp(nm, "right index") == 0);
	}

	/* A credential with hmac-secret; the secret released after PIN UV. */
	fido_cred_t *c = NULL;
	fido_assert_t *as = NULL;
	uint8_t by_pin[32] = {0}, by_finger[32] = {0};
	CHECK_EQ(tf_make_cred(dev, "worker-bio", false, true, 0, PIN, &c), FIDO_OK);
	if (c == NULL)
		goto out;
	CHECK_EQ(tf_get_assert(dev, c, salt, sizeof(salt), PIN, &as), FIDO_OK);
	if (as != NULL && fido_assert_hmac_secret_len(as, 0) == 32)
		memcpy(by_pin, fido_assert_hmac_secret_ptr(as, 0), 32);
	fido_assert_free(&as);

	/* UV by another impression of the same finger releases the same
	 * secret as the PIN (CredRandom with UV). */
	double ms = 0;
	genuine_uv(&pa, c, by_finger, &ms);
	CHECK(memcmp(by_pin, by_finger, 32) == 0);
	CHECK_EQ(uv_retries(), 5);
	printf("getAssertion with fingerprint UV and hmac-secret: %.1f ms end to end\n", ms);
	if (latency_runs > 0)
		measure_latency(&pa, c);
	/* every impression predicted to match does */
	for (int k = 1; k < pa.naccept; k++) {
		CHECK_EQ(finger(pa.f, pa.accept[k]), 0);
		CHECK_EQ(uv_assert(c, NULL, NULL), FIDO_OK);
	}

	/* No sample on the sensor: a timeout, and no attempt is counted. */
	CHECK_EQ(uv_assert(c, NULL, NULL), FIDO_ERR_USER_ACTION_TIMEOUT);
	CHECK_EQ(uv_retries(), 5);

	/* A different finger fails and costs one retry; a match restores. */
	impostor_uv(&pa, NULL, c, FIDO_ERR_UV_INVALID);
	CHECK_EQ(uv_retries(), 4);
	genuine_uv(&pa, c, NULL, NULL);
	CHECK_EQ(uv_retries(), 5);

	/* The counter is stored before the answer: a power cut right after
	 * two failures keeps them. */
	impostor_uv(&pa, NULL, c, FIDO_ERR_UV_INVALID);
	impostor_uv(&pa, NULL, c, FIDO_ERR_UV_INVALID);
	tf_close(&dev);
	token_proc_kill(&tp);
	CHECK_EQ(token_proc_restart(&tp, exe, NULL), 0);
	dev = tf_open(tp.sock);
	CHECK(dev != NULL);
	if (dev == NULL)
		goto out;
	CHECK_EQ(uv_retries(), 3);

	/* Lockout: the remaining failures, then UV is blocked, even for the
	 * right finger, until the PIN is entered. */
	impostor_uv(&pa, NULL, c, FIDO_ERR_UV_INVALID);
	impostor_uv(&pa, NULL, c, FIDO_ERR_UV_INVALID);
	CHECK_EQ(uv_retries(), 1);
	impostor_uv(&pa, NULL, c, FIDO_ERR_UV_BLOCKED);
	CHECK_EQ(uv_retries(), 0);
	CHECK_EQ(finger(pa.f, pa.accept[0]), 0);
	CHECK_EQ(uv_assert(c, NULL, NULL), FIDO_ERR_UV_BLOCKED);
	CHECK_EQ(uv_retries(), 0);
	CHECK_EQ(tf_get_assert(dev, c, salt, sizeof(salt), PIN, &as), FIDO_OK);
	fido_assert_free(&as);
	CHECK_EQ(uv_retries(), 5);
	genuine_uv(&pa, c, NULL, NULL);

	/* A second finger; remove the first: its impression no longer
	 * passes, the second's does. */
	fido_bio_template_t *tb_t = fido_bio_template_new();
	enrol(&pb, tb_t);
	CHECK_EQ(enumerate(ta), 2);
	CHECK(memcmp(fido_bio_template_id_ptr(ta_t), fido_bio_template_id_ptr(tb_t), 2) != 0);
	genuine_uv(&pb, c, NULL, NULL);
	genuine_uv(&pa, c, NULL, NULL);

	/* Enrolling a finger that is already there: "exists", not counted. */
	{
		fido_bio_template_t *tx = fido_bio_template_new();
		fido_bio_enroll_t *e = fido_bio_enroll_new();
		size_t len;
		const uint8_t *t = impression(pa.f, pa.accept[0], &len);
		bool good = bio_fp_probe_load(&work, t, len, true) == AMANA_OK;
		CHECK_EQ(finger(pa.f, pa.accept[0]), 0);
		CHECK_EQ(fido_bio_dev_enroll_begin(dev, tx, e, 10000, PIN), FIDO_OK);
		CHECK_EQ(fido_bio_enroll_last_status(e), good ? FIDO_BIO_ENROLL_FP_EXISTS : 0x07);
		CHECK_EQ(fido_bio_enroll_remaining_samples(e), 4);
		CHECK_EQ(fido_bio_dev_enroll_cancel(dev), FIDO_OK);
		CHECK_EQ(enumerate(ta), 2);
		fido_bio_enroll_free(&e);
		fido_bio_template_free(&tx);
	}
	CHECK_EQ(fido_bio_dev_enroll_remove(dev, ta_t, PIN), FIDO_OK);
	CHECK_EQ(enumerate(ta), 1);
	CHECK_EQ(fido_bio_dev_enroll_remove(dev, ta_t, PIN), FIDO_ERR_INVALID_OPTION);
	if (!predict(&pb, pa.f, pa.accept[0])) {
		CHECK_EQ(finger(pa.f, pa.accept[0]), 0);
		CHECK_EQ(uv_assert(c, NULL, NULL), FIDO_ERR_UV_INVALID);
	}
	genuine_uv(&pb, c, NULL, NULL);

	/* An enrolment that is cancelled leaves nothing behind. */
	fido_bio_template_t *tx = fido_bio_template_new();
	fido_bio_enroll_t *e = fido_bio_enroll_new();
	CHECK_EQ(finger(pa.f, pa.enrol[0]), 0);
	CHECK_EQ(fido_bio_dev_enroll_begin(dev, tx, e, 10000, PIN), FIDO_OK);
	CHECK_EQ(fido_bio_dev_enroll_cancel(dev), FIDO_OK);
	CHECK_EQ(finger(pa.f, pa.enrol[1]), 0);
	CHECK(fido_bio_dev_enroll_continue(dev, tx, e, 10000) != FIDO_OK);
	CHECK_EQ(enumerate(ta), 1);
	fido_bio_enroll_free(&e);
	fido_bio_template_free(&tx);

	/* Five fingers fill the token: a sixth enrolment is refused. */
	{
		const plan_t *others[6] = {&pb};
		size_t n = 1;
		static plan_t extra[4];
		int from = 101;
		for (int k = 0; k < 4; k++) {
			int fx = enrol_any(from, others, n);
			CHECK(fx != 0);
			if (fx == 0)
				break;
			/* later fingers must not match this one either */
			make_plan(fx, &extra[k]);
			extra[k].f = fx;
			others[n++] = &extra[k];
			from = fx + 1;
		}
		CHECK_EQ(enumerate(ta), 5);
		fido_bio_template_t *t6 = fido_bio_template_new();
		fido_bio_enroll_t *e6 = fido_bio_enroll_new();
		CHECK_EQ(finger(pa.f, pa.enrol[0]), 0);
		CHECK_EQ(fido_bio_dev_enroll_begin(dev, t6, e6, 10000, PIN), FIDO_ERR_FP_DATABASE_FULL);
		fido_bio_enroll_free(&e6);
		fido_bio_template_free(&t6);
		/* the five still verify: the second finger's impression passes */
		genuine_uv(&pb, c, NULL, NULL);
	}

	/* Raw requests: what libfido2 does not show us, and the MAC rules. */
	bio_client_t *bc = calloc(1, sizeof(*bc));
	if (bc != NULL && bc_open(bc, tp.sock) == AMANA_OK) {
		uint8_t resp[2048], st;
		size_t n;
		CHECK_EQ(bc_get_token(bc, PIN, 0x08), 0);
		CHECK_EQ(bc_bio(bc, 0x40, 1, 0x04, NULL, true, &st, resp, sizeof(resp), &n), AMANA_OK);
		CHECK_EQ(st, 0);
		CHECK_EQ(bc_bio(bc, 0x09, 1, 0x04, NULL, true, &st, resp, sizeof(resp), &n), AMANA_OK);
		CHECK_EQ(st, 0);
		CHECK_EQ(bc_bio(bc, 0x09, 1, 0x07, NULL, false, &st, resp, sizeof(resp), &n), AMANA_OK);
		CHECK_EQ(st, 0);
		bc->token[0] ^= 1; /* a wrong MAC */
		CHECK_EQ(bc_bio(bc, 0x09, 1, 0x04, NULL, true, &st, resp, sizeof(resp), &n), AMANA_OK);
		CHECK_EQ(st, 0x33); /* PIN_AUTH_INVALID */
		bc->token[0] ^= 1;
		CHECK_EQ(bc_bio(bc, 0x09, 1, 0x04, NULL, false, &st, resp, sizeof(resp), &n), AMANA_OK);
		CHECK_EQ(st, 0x36); /* PUAT_REQUIRED */
		CHECK_EQ(bc_bio(bc, 0x09, 2, 0x04, NULL, true, &st, resp, sizeof(resp), &n), AMANA_OK);
		CHECK(st != 0);     /* face is not a bioEnrollment modality */
		/* a token without the be permission cannot enumerate */
		CHECK_EQ(bc_get_token(bc, PIN, 0x02), 0);
		CHECK_EQ(bc_bio(bc, 0x09, 1, 0x04, NULL, true, &st, resp, sizeof(resp), &n), AMANA_OK);
		CHECK_EQ(st, 0x33);
		scan_responses(bc, pa.f);
		scan_responses(bc, pb.f);
		bc_close(bc);
	} else {
		CHECK(false);
	}
	free(bc);

	/* Reset wipes the enrolments and the counter. */
	fido_cred_free(&c);
	fido_bio_template_free(&ta_t);
	fido_bio_template_free(&tb_t);
	fido_bio_template_array_free(&ta);
	tf_close(&dev);
	CHECK_EQ(ctl_line("power-cycle"), 0);
	dev = tf_open(tp.sock);
	if (dev != NULL) {
		CHECK_EQ(fido_dev_reset(dev), FIDO_OK);
		reopen();
		CHECK_EQ(option("uv"), 0);
		CHECK_EQ(option("bioEnroll"), 0);
	}
out:
	tf_close(&dev);
	token_proc_stop(&tp, false);
	amana_sensor_free(&sensor);
	return check_done();
}
