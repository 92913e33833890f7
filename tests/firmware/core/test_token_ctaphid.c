/*
 * test_token_ctaphid.c: what libfido2 never sends, sent raw to amana-token:
 * malformed CTAPHID packets and malformed CBOR must get the right CTAPHID or
 * CTAP error codes (and the token must keep serving). Also checks that the
 * token's responses are canonical CBOR (CTAP2 canonical form: shortest
 * heads, definite lengths, map keys sorted length-first then bytewise).
 * argv[1]: the amana-token program.
 */
#include <string.h>
#include <time.h>

#include "amana/err.h"
#include "amana/fido.h"
#include "check.h"
#include "token_proc.h"

#define ERR 0xBFu
#define CBOR 0x90u

static token_proc_t tp;

static void put_cid(uint8_t *p, uint32_t cid)
{
	p[0] = (uint8_t)(cid >> 24);
	p[1] = (uint8_t)(cid >> 16);
	p[2] = (uint8_t)(cid >> 8);
	p[3] = (uint8_t)cid;
}

static void init_pkt(uint8_t r[64], uint32_t cid, uint8_t cmd, uint16_t bcnt)
{
	memset(r, 0, 64);
	put_cid(r, cid);
	r[4] = cmd;
	r[5] = (uint8_t)(bcnt >> 8);
	r[6] = (uint8_t)bcnt;
}

/* Next report must be CTAPHID_ERROR code on cid. */
static void expect_error(amana_ctaphid_t *h, uint32_t cid, uint8_t code)
{
	uint8_t r[64];
	CHECK_EQ(amana_ctaphid_recv_report(h, r), 0);
	uint32_t got = (uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 | (uint32_t)r[2] << 8 | r[3];
	CHECK_EQ(got, cid);
	CHECK_EQ(r[4], ERR);
	CHECK_EQ(r[6], 1);
	CHECK_EQ(r[7], code);
}

static void expect_silence(amana_ctaphid_t *h)
{
	uint8_t r[64];
	CHECK_EQ(amana_ctaphid_recv_report(h, r), AMANA_ERR_TIMEOUT);
}

/* ---- a canonical-CBOR checker over raw bytes */
static int canon_item(const uint8_t **p, const uint8_t *end, int depth);

static int canon_head(const uint8_t **p, const uint8_t *end, uint8_t *major,
    uint64_t *v)
{
	if (*p >= end)
		return -1;
	uint8_t b = *(*p)++, ai = b & 31;
	*major = b >> 5;
	if (ai < 24) {
		*v = ai;
		return 0;
	}
	if (ai > 27)
		return -1; /* indefinite or reserved */
	size_t n = (size_t)1 << (ai - 24);
	if ((size_t)(end - *p) < n)
		return -1;
	*v = 0;
	for (size_t i = 0; i < n; i++)
		*v = *v << 8 | *(*p)++;
	uint64_t min = ai == 24 ? 24 : ai == 25 ? 0x100 : ai == 26 ? 0x10000 : 0x100000000ull;
	if (*major != 7 && *v < min)
		return -1; /* not the shortest form */
	return 0;
}

static int key_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	if (an != bn)
		return an < bn ? -1 : 1;
	return memcmp(a, b, an);
}

static int canon_item(const uint8_t **p, const uint8_t *end, int depth)
{
	uint8_t major;
	uint64_t v;
	if (depth > 16 || canon_head(p, end, &major, &v) != 0)
		return -1;
	if (major == 2 || major == 3) {
		if ((uint64_t)(end - *p) < v)
			return -1;
		*p += v;
	} else if (major == 4) {
		for (uint64_t i = 0; i < v; i++)
			if (canon_item(p, end, depth + 1) != 0)
				return -1;
	} else if (major == 5) {
		const uint8_t *prev = NULL;
		size_t prev_n = 0;
		for (uint64_t i = 0; i < v; i++) {
			const uint8_t *k = *p;
			if (canon_item(p, end, depth + 1) != 0)
				return -1;
			size_t kn = (size_t)(*p - k);
			if (prev != NULL && key_cmp(prev, prev_n, k, kn) >= 0)
				return -1; /* unsorted or duplicate key */
			prev = k;
			prev_n = kn;
			if (canon_item(p, end, depth + 1) != 0)
				return -1;
		}
	} else if (major == 6) {
		return canon_item(p, end, depth + 1);
	}
	return 0;
}

static bool canonical(const uint8_t *b, size_t n)
{
	const uint8_t *p = b;
	return canon_item(&p, b + n, 0) == 0 && p == b + n;
}

/* ---- tests */

static void test_framing(amana_ctaphid_t *h)
{
	uint8_t r[64], big[200], resp[512], cmd = 0;
	size_t n = 0;
	uint32_t cid = amana_ctaphid_cid(h);

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	CHECK_EQ(amana_ctaphid_xfer(h, 0x81, big, sizeof(big), &cmd, resp, sizeof(resp), &n), 0);
	CHECK_EQ(cmd, 0x81);
	CHECK_EQ(n, sizeof(big));
	CHECK(memcmp(resp, big, sizeof(big)) == 0);

	CHECK_EQ(amana_ctaphid_xfer(h, 0x88, NULL, 0, &cmd, resp, sizeof(resp), &n), 0);
	CHECK_EQ(cmd, 0x88); /* WINK */

	init_pkt(r, cid, 0x95, 0); /* unknown command */
	amana_ctaphid_send_report(h, r);
	expect_error(h, cid, 0x01);
	init_pkt(r, cid, 0x83, 4); /* CTAPHID_MSG: no U2F here */
	amana_ctaphid_send_report(h, r);
	expect_error(h, cid, 0x01);
	init_pkt(r, 0, 0x81, 1); /* channel 0 */
	amana_ctaphid_send_report(h, r);
	expect_error(h, 0, 0x0B);
	init_pkt(r, 0x12345678, 0x81, 1); /* never allocated */
	amana_ctaphid_send_report(h, r);
	expect_error(h, 0x12345678, 0x0B);
	init_pkt(r, 0xFFFFFFFF, 0x81, 1); /* broadcast is for INIT only */
	amana_ctaphid_send_report(h, r);
	expect_error(h, 0xFFFFFFFF, 0x0B);
	init_pkt(r, 0xFFFFFFFF, 0x86, 7); /* INIT needs an 8-byte nonce */
	amana_ctaphid_send_report(h, r);
	expect_error(h, 0xFFFFFFFF, 0x03);
	init_pkt(r, cid, CBOR, 0); /* CBOR without a command byte */
	amana_ctaphid_send_report(h, r);
	expect_error(h, cid, 0x03);
	init_pkt(r, cid, 0x81, 3000); /* longer than the token's maximum */
	amana_ctaphid_send_report(h, r);
	expect_error(h, cid, 0x03);

	/* Wrong sequence number. */
	init_pkt(r, cid, 0x81, 100);
	amana_ctaphid_send_report(h, r);
	memset(r + 4, 0, 60);
	r[4] = 1;
	amana_ctaphid_send_report(h, r);
	expect_error(h, cid, 0x04);

	/* Spurious continuation and CANCEL while idle: no answer at all. */
	memset(r, 0, 64);
	put_cid(r, cid);
	r[4] = 0;
	amana_ctaphid_send_report(h, r);
	init_pkt(r, cid, 0x91, 0);
	amana_ctaphid_send_report(h, r);
	expect_silence(h);
}

static void test_busy_and_timeout(const char *sock, amana_ctaphid_t *h)
{
	amana_ctaphid_t *other = NULL;
	uint8_t r[64], resp[256], cmd = 0;
	size_t n = 0;
	uint32_t cid = amana_ctaphid_cid(h);
	CHECK_EQ(amana_ctaphid_open(&other, sock, 300), 0);
	if (other == NULL)
		return;
	uint32_t ocid = amana_ctaphid_cid(other);
	CHECK(ocid != cid);

	/* A half-sent message holds the token: the other channel is busy. */
	init_pkt(r, cid, 0x81, 70);
	memset(r + 7, 0xAB, 57);
	amana_ctaphid_send_report(h, r);
	/* Let the token take it before the other channel speaks (two
	 * sockets: no ordering between them otherwise). */
	struct timespec pause = {0, 100 * 1000000L};
	nanosleep(&pause, NULL);
	init_pkt(r, ocid, 0x81, 1);
	amana_ctaphid_send_report(other, r);
	expect_error(other, ocid, 0x06);
	/* Finishing the message gets the echo. */
	memset(r, 0, 64);
	put_cid(r, cid);
	r[4] = 0;
	memset(r + 5, 0xAB, 13);
	amana_ctaphid_send_report(h, r);
	CHECK_EQ(amana_ctaphid_recv_report(h, r), 0);
	CHECK_EQ(r[4], 0x81);
	CHECK_EQ(r[6], 70);
	CHECK_EQ(amana_ctaphid_recv_report(h, r), 0); /* its continuation */

	/* A message whose continuation never comes times out (500 ms). */
	init_pkt(r, cid, 0x81, 70);
	amana_ctaphid_send_report(h, r);
	struct timespec ts = {0, 800 * 1000000L};
	nanosleep(&ts, NULL);
	expect_error(h, cid, 0x05);
	/* and the token serves the other channel again. */
	CHECK_EQ(amana_ctaphid_xfer(other, 0x81, (const uint8_t *)"x", 1, &cmd, resp,
	    sizeof(resp), &n), 0);
	CHECK_EQ(cmd, 0x81);
	amana_ctaphid_free(&other);
}

static uint8_t cbor_status(amana_ctaphid_t *h, uint8_t ctap_cmd,
    const uint8_t *req, size_t len)
{
	uint8_t status = 0xEE, resp[2048];
	size_t n = 0;
	CHECK_EQ(amana_ctaphid_cbor(h, ctap_cmd, req, len, &status, resp, sizeof(resp), &n), 0);
	return status;
}

static void test_bad_cbor(amana_ctaphid_t *h)
{
	static const uint8_t truncated_map[] = {0xA1};
	static const uint8_t array[] = {0x80};
	static const uint8_t empty_map[] = {0xA0};
	static const uint8_t indefinite[] = {0xBF, 0x01, 0x02, 0xFF};
	static const uint8_t pin_bad_sub[] = {0xA2, 0x01, 0x02, 0x02, 0x18, 0x99};
	static const uint8_t trailing[] = {0xA1, 0x02, 0x01, 0x00};
	static const uint8_t dup_key[] = {0xA3, 0x01, 0x02, 0x02, 0x01, 0x02, 0x01};
	static const uint8_t unsorted[] = {0xA2, 0x02, 0x01, 0x01, 0x02};
	static const uint8_t float_val[] = {0xA1, 0x01, 0xFA, 0, 0, 0, 0};
	static const uint8_t huge_len[] = {0xA1, 0x04, 0x5B, 0xFF, 0xFF, 0xFF, 0xFF,
	    0xFF, 0xFF, 0xFF, 0xFF};
	/* makeCredential offering only EdDSA. */
	static const uint8_t mc_eddsa[] = {0xA4, 0x01, 0x58, 0x20,
	    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
	    0x02, 0xA1, 0x62, 'i', 'd', 0x61, 'x',
	    0x03, 0xA1, 0x62, 'i', 'd', 0x41, 0x01,
	    0x04, 0x81, 0xA2, 0x63, 'a', 'l', 'g', 0x27, 0x64, 't', 'y', 'p', 'e',
	    0x6A, 'p', 'u', 'b', 'l', 'i', 'c', '-', 'k', 'e', 'y'};
	CHECK_EQ(cbor_status(h, 0x01, truncated_map, sizeof(truncated_map)), 0x12);
	CHECK_EQ(cbor_status(h, 0x01, array, sizeof(array)), 0x11);
	CHECK_EQ(cbor_status(h, 0x01, empty_map, sizeof(empty_map)), 0x14);
	CHECK_EQ(cbor_status(h, 0x02, empty_map, sizeof(empty_map)), 0x14);
	CHECK_EQ(cbor_status(h, 0x06, indefinite, sizeof(indefinite)), 0x12);
	CHECK_EQ(cbor_status(h, 0x06, pin_bad_sub, sizeof(pin_bad_sub)), 0x3E);
	CHECK_EQ(cbor_status(h, 0x06, trailing, sizeof(trailing)), 0x12);
	CHECK_EQ(cbor_status(h, 0x06, float_val, sizeof(float_val)), 0x12);
	CHECK_EQ(cbor_status(h, 0x06, dup_key, sizeof(dup_key)), 0x12);
	CHECK_EQ(cbor_status(h, 0x06, unsorted, sizeof(unsorted)), 0x12);
	CHECK_EQ(cbor_status(h, 0x06, huge_len, sizeof(huge_len)), 0x12);
	CHECK_EQ(cbor_status(h, 0x01, mc_eddsa, sizeof(mc_eddsa)), 0x26);
	/* makeCredential whose user map names "id" twice (which one would be
	 * stored?), and one whose options repeat "up" under a longer head:
	 * duplicate keys are invalid CBOR at every level, not just the top. */
	static const uint8_t mc_dup_user[] = {0xA4, 0x01, 0x58, 0x20,
	    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
	    0x02, 0xA1, 0x62, 'i', 'd', 0x61, 'x',
	    0x03, 0xA2, 0x62, 'i', 'd', 0x41, 0x01, 0x62, 'i', 'd', 0x41, 0x02,
	    0x04, 0x81, 0xA2, 0x63, 'a', 'l', 'g', 0x26, 0x64, 't', 'y', 'p', 'e',
	    0x6A, 'p', 'u', 'b', 'l', 'i', 'c', '-', 'k', 'e', 'y'};
	static const uint8_t mc_dup_option[] = {0xA5, 0x01, 0x58, 0x20,
	    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
	    0x02, 0xA1, 0x62, 'i', 'd', 0x61, 'x',
	    0x03, 0xA1, 0x62, 'i', 'd', 0x41, 0x01,
	    0x04, 0x81, 0xA2, 0x63, 'a', 'l', 'g', 0x26, 0x64, 't', 'y', 'p', 'e',
	    0x6A, 'p', 'u', 'b', 'l', 'i', 'c', '-', 'k', 'e', 'y',
	    0x07, 0xA2, 0x62, 'u', 'p', 0xF5, 0x78, 0x02, 'u', 'p', 0xF4};
	CHECK_EQ(cbor_status(h, 0x01, mc_dup_user, sizeof(mc_dup_user)), 0x12);
	CHECK_EQ(cbor_status(h, 0x01, mc_dup_option, sizeof(mc_dup_option)), 0x12);
	CHECK_EQ(cbor_status(h, 0x04, empty_map, sizeof(empty_map)), 0x03);
	CHECK_EQ(cbor_status(h, 0x55, NULL, 0), 0x01);
	CHECK_EQ(cbor_status(h, 0x08, NULL, 0), 0x30); /* no assertion pending */
}

static void test_canonical(amana_ctaphid_t *h)
{
	uint8_t status = 0xEE, resp[2048];
	size_t n = 0;
	CHECK_EQ(amana_ctaphid_cbor(h, 0x04, NULL, 0, &status, resp, sizeof(resp), &n), 0);
	CHECK_EQ(status, 0);
	CHECK(n > 0 && canonical(resp, n));
	static const uint8_t ka[] = {0xA2, 0x01, 0x02, 0x02, 0x02};
	CHECK_EQ(amana_ctaphid_cbor(h, 0x06, ka, sizeof(ka), &status, resp, sizeof(resp), &n), 0);
	CHECK_EQ(status, 0);
	CHECK(n > 0 && canonical(resp, n));
	/* makeCredential (resident, credProtect + hmac-secret extensions) and
	 * the discoverable getAssertion that finds it. */
	static const uint8_t mc[] = {0xA6, 0x01, 0x58, 0x20,
	    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
	    0x02, 0xA1, 0x62, 'i', 'd', 0x61, 'c',
	    0x03, 0xA3, 0x62, 'i', 'd', 0x41, 0x07, 0x64, 'n', 'a', 'm', 'e', 0x61, 'w',
	    0x6B, 'd', 'i', 's', 'p', 'l', 'a', 'y', 'N', 'a', 'm', 'e', 0x61, 'W',
	    0x04, 0x81, 0xA2, 0x63, 'a', 'l', 'g', 0x26, 0x64, 't', 'y', 'p', 'e',
	    0x6A, 'p', 'u', 'b', 'l', 'i', 'c', '-', 'k', 'e', 'y',
	    0x06, 0xA2, 0x6B, 'c', 'r', 'e', 'd', 'P', 'r', 'o', 't', 'e', 'c', 't', 0x01,
	    0x6B, 'h', 'm', 'a', 'c', '-', 's', 'e', 'c', 'r', 'e', 't', 0xF5,
	    0x07, 0xA1, 0x62, 'r', 'k', 0xF5};
	CHECK_EQ(amana_ctaphid_cbor(h, 0x01, mc, sizeof(mc), &status, resp, sizeof(resp), &n), 0);
	CHECK_EQ(status, 0);
	CHECK(n > 0 && canonical(resp, n));
	static const uint8_t ga[] = {0xA2, 0x01, 0x61, 'c', 0x02, 0x58, 0x20,
	    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
	CHECK_EQ(amana_ctaphid_cbor(h, 0x02, ga, sizeof(ga), &status, resp, sizeof(resp), &n), 0);
	CHECK_EQ(status, 0);
	CHECK(n > 0 && canonical(resp, n));
	CHECK_EQ(resp[0], 0xA4); /* credential, authData, signature, user */
}

static void send_framed(amana_ctaphid_t *h, uint32_t cid, uint8_t cmd,
    const uint8_t *p, size_t n)
{
	uint8_t r[64];
	init_pkt(r, cid, cmd, (uint16_t)n);
	size_t k = n < 57 ? n : 57;
	memcpy(r + 7, p, k);
	amana_ctaphid_send_report(h, r);
	for (uint8_t seq = 0; k < n; seq++) {
		size_t c = n - k < 59 ? n - k : 59;
		memset(r + 4, 0, 60);
		r[4] = seq;
		memcpy(r + 5, p + k, c);
		amana_ctaphid_send_report(h, r);
		k += c;
	}
}

/* Reads reports on cid until the CBOR reply; counts KEEPALIVE(2)s. */
static int cbor_reply_status(amana_ctaphid_t *h, uint32_t cid, int *keepalives)
{
	uint8_t r[64];
	for (int i = 0; i < 1000; i++) {
		if (amana_ctaphid_recv_report(h, r) != 0)
			return -1;
		uint32_t got = (uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 |
		    (uint32_t)r[2] << 8 | r[3];
		if (got != cid)
			continue;
		if (r[4] == 0xBB) {
			CHECK_EQ(r[7], 2); /* UP needed */
			(*keepalives)++;
			continue;
		}
		if (r[4] == CBOR)
			return r[7];
		return -1;
	}
	return -1;
}

/* "presence wait": keepalives while the token waits for a touch, other
 * channels busy, CTAPHID_CANCEL ends the command with KEEPALIVE_CANCEL,
 * a touch lets it finish. */
static void test_wait_cancel(amana_ctaphid_t *h)
{
	static const uint8_t ga[] = {0x02, 0xA2, 0x01, 0x61, 'c', 0x02, 0x58, 0x20,
	    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
	uint32_t cid = amana_ctaphid_cid(h);
	uint8_t r[64];
	int ka = 0;
	amana_ctaphid_t *other = NULL;
	CHECK_EQ(token_proc_ctl(&tp, "presence wait", NULL, 0), 0);
	CHECK_EQ(amana_ctaphid_open(&other, tp.sock, 1000), 0);

	send_framed(h, cid, CBOR, ga, sizeof(ga));
	CHECK_EQ(amana_ctaphid_recv_report(h, r), 0); /* the token waits */
	CHECK_EQ(r[4], 0xBB);
	if (other != NULL) {
		uint32_t ocid = amana_ctaphid_cid(other);
		init_pkt(r, ocid, 0x81, 1);
		amana_ctaphid_send_report(other, r);
		expect_error(other, ocid, 0x06);
	}
	init_pkt(r, cid, 0x91, 0); /* CTAPHID_CANCEL */
	amana_ctaphid_send_report(h, r);
	CHECK_EQ(cbor_reply_status(h, cid, &ka), 0x2D); /* KEEPALIVE_CANCEL */

	ka = 0;
	send_framed(h, cid, CBOR, ga, sizeof(ga));
	CHECK_EQ(amana_ctaphid_recv_report(h, r), 0);
	CHECK_EQ(r[4], 0xBB);
	struct timespec pause = {0, 250 * 1000000L};
	nanosleep(&pause, NULL);
	char reply[64];
	CHECK_EQ(token_proc_ctl(&tp, "touch", reply, sizeof(reply)), 0);
	CHECK_EQ(cbor_reply_status(h, cid, &ka), 0);
	CHECK(ka >= 1); /* keepalives kept coming while it waited */

	CHECK_EQ(token_proc_ctl(&tp, "presence on", NULL, 0), 0);
	CHECK(token_proc_ctl(&tp, "touch", NULL, 0) != 0); /* nothing waits */
	amana_ctaphid_free(&other);
}

int main(int argc, char **argv)
{
	amana_ctaphid_t *h = NULL;
	if (argc < 2)
		SKIP("usage: test_token_ctaphid AMANA-TOKEN");
	if (token_proc_start(&tp, argv[1], NULL) != 0) {
		fprintf(stderr, "cannot start %s\n", argv[1]);
		return 1;
	}
	CHECK_EQ(amana_ctaphid_open(&h, tp.sock, 300), 0);
	if (h != NULL) {
		test_framing(h);
		test_busy_and_timeout(tp.sock, h);
		test_bad_cbor(h);
		test_canonical(h);
		test_wait_cancel(h);
		/* After all that the token still answers normally. */
		uint8_t cmd = 0, resp[8];
		size_t n = 0;
		CHECK_EQ(amana_ctaphid_xfer(h, 0x81, (const uint8_t *)"ok", 2, &cmd,
		    resp, sizeof(resp), &n), 0);
		CHECK_EQ(n, 2);
	}
	amana_ctaphid_free(&h);
	CHECK_EQ(token_proc_stop(&tp, false), 0);
	return check_done();
}
