/*
 * test_token_crash.c: power loss at every flash write of the whole token,
 * not only the store. A workload of makeCredential (resident and not),
 * getAssertion and authenticatorReset runs on a token whose flash dies
 * after N writes (the Nth torn halfway), for every N the workload reaches.
 * After each cut the token powers up on the surviving flash and must:
 * start, answer getInfo, keep its device secrets (a credential made before
 * the cut still signs, unless a reset was under way), never repeat a
 * signature counter value, and run the whole workload again.
 */
#include <string.h>

#include "amana/err.h"
#include "check.h"
#include "token.h"

#define PAGE 256u
#define PAGES 32u

static struct {
	uint8_t mem[PAGE * PAGES];
	long budget, writes;
	bool dead;
} fl;
static uint32_t clock_ms;
static uint64_t rng_s;
static uint8_t resp[2048];
static size_t resp_len, resp_expect;

static bool spend(void)
{
	if (fl.dead)
		return false;
	fl.writes++;
	if (fl.budget < 0)
		return true;
	if (--fl.budget <= 0)
		fl.dead = true; /* this write is torn */
	return true;
}

static int f_read(void *c, uint32_t p, uint32_t o, uint8_t *b, size_t n)
{
	(void)c;
	memcpy(b, fl.mem + p * PAGE + o, n);
	return AMANA_OK;
}

static int f_erase(void *c, uint32_t p)
{
	(void)c;
	if (!spend())
		return AMANA_ERR_IO;
	memset(fl.mem + p * PAGE, 0xFF, fl.dead ? PAGE / 2 : PAGE);
	return fl.dead ? AMANA_ERR_IO : AMANA_OK;
}

static int f_prog(void *c, uint32_t p, uint32_t o, const uint8_t *b, size_t n)
{
	(void)c;
	if (!spend())
		return AMANA_ERR_IO;
	size_t k = fl.dead ? n / 2 : n;
	for (size_t i = 0; i < k; i++)
		fl.mem[p * PAGE + o + i] &= b[i];
	return fl.dead ? AMANA_ERR_IO : AMANA_OK;
}

static int t_rng(void *c, uint8_t *b, size_t n)
{
	(void)c;
	for (size_t i = 0; i < n; i++) {
		rng_s ^= rng_s << 13;
		rng_s ^= rng_s >> 7;
		rng_s ^= rng_s << 17;
		b[i] = (uint8_t)rng_s;
	}
	return 0;
}

static uint32_t t_ms(void *c)
{
	(void)c;
	return clock_ms;
}

static void t_send(void *c, const uint8_t r[64])
{
	(void)c;
	if (r[4] == 0xBB)
		return;
	if (r[4] & 0x80) {
		resp_expect = (size_t)r[5] << 8 | r[6];
		resp_len = resp_expect < 57 ? resp_expect : 57;
		memcpy(resp, r + 7, resp_len);
	} else {
		size_t k = resp_expect - resp_len < 59 ? resp_expect - resp_len : 59;
		memcpy(resp + resp_len, r + 5, k);
		resp_len += k;
	}
}

static token_t tok;

static int power_up(void)
{
	token_hal_t h;
	memset(&h, 0, sizeof(h));
	h.hid_send = t_send;
	h.flash_page_size = PAGE;
	h.flash_page_count = PAGES;
	h.flash_read = f_read;
	h.flash_erase = f_erase;
	h.flash_program = f_prog;
	h.rng = t_rng;
	h.millis = t_ms;
	clock_ms += 1000;
	int rc = token_init(&tok, &h);
	if (rc == AMANA_OK) {
		static const uint8_t init[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x86, 0, 8,
		    1, 2, 3, 4, 5, 6, 7, 8};
		uint8_t r[64] = {0};
		memcpy(r, init, sizeof(init));
		token_hid_report_in(&tok, r);
	}
	return rc;
}

/* Sends a CTAP2 command on channel 1; returns the status byte. */
static int ctap(const uint8_t *msg, size_t n)
{
	uint8_t r[64];
	memset(r, 0, sizeof(r));
	r[3] = 1;
	r[4] = 0x90;
	r[5] = (uint8_t)(n >> 8);
	r[6] = (uint8_t)n;
	size_t k = n < 57 ? n : 57;
	memcpy(r + 7, msg, k);
	resp_len = 0;
	token_hid_report_in(&tok, r);
	for (uint8_t seq = 0; k < n; seq++) {
		size_t c = n - k < 59 ? n - k : 59;
		memset(r + 4, 0, 60);
		r[4] = seq;
		memcpy(r + 5, msg + k, c);
		token_hid_report_in(&tok, r);
		k += c;
	}
	return resp_len > 0 ? resp[0] : -1;
}

/* makeCredential for rp "c", user id uid; rk or not. */
static int make_cred(uint8_t uid, bool rk, uint8_t id_out[66])
{
	uint8_t m[128];
	size_t n = 0;
	static const uint8_t head[] = {0x01, 0xA5, 0x01, 0x58, 0x20};
	memcpy(m, head, sizeof(head));
	n = sizeof(head);
	for (int i = 0; i < 32; i++)
		m[n++] = (uint8_t)i;
	static const uint8_t rest[] = {0x02, 0xA1, 0x62, 'i', 'd', 0x61, 'c',
	    0x03, 0xA1, 0x62, 'i', 'd', 0x41};
	memcpy(m + n, rest, sizeof(rest));
	n += sizeof(rest);
	m[n++] = uid;
	static const uint8_t params[] = {0x04, 0x81, 0xA2, 0x63, 'a', 'l', 'g', 0x26,
	    0x64, 't', 'y', 'p', 'e', 0x6A, 'p', 'u', 'b', 'l', 'i', 'c', '-', 'k',
	    'e', 'y', 0x07, 0xA1, 0x62, 'r', 'k'};
	memcpy(m + n, params, sizeof(params));
	n += sizeof(params);
	m[n++] = rk ? 0xF5 : 0xF4;
	int st = ctap(m, n);
	if (st == 0 && id_out != NULL) {
		const uint8_t *ad = memchr(resp + 1, 0x58, 16);
		if (ad == NULL)
			return -1;
		memcpy(id_out, ad + 2 + 55, 66);
	}
	return st;
}

/* getAssertion for rp "c", with allow id or discoverable; *counter. */
static int get_assert(const uint8_t *id, uint32_t *counter)
{
	uint8_t m[160];
	size_t n = 0;
	static const uint8_t head[] = {0x02, 0xA2, 0x01, 0x61, 'c', 0x02, 0x58, 0x20};
	memcpy(m, head, sizeof(head));
	n = sizeof(head);
	if (id != NULL)
		m[1] = 0xA3;
	for (int i = 0; i < 32; i++)
		m[n++] = (uint8_t)(i * 3);
	if (id != NULL) {
		static const uint8_t allow[] = {0x03, 0x81, 0xA2, 0x62, 'i', 'd', 0x58, 66};
		memcpy(m + n, allow, sizeof(allow));
		n += sizeof(allow);
		memcpy(m + n, id, 66);
		n += 66;
		static const uint8_t type[] = {0x64, 't', 'y', 'p', 'e', 0x6A, 'p', 'u',
		    'b', 'l', 'i', 'c', '-', 'k', 'e', 'y'};
		memcpy(m + n, type, sizeof(type));
		n += sizeof(type);
	}
	int st = ctap(m, n);
	if (st == 0 && counter != NULL) {
		/* authData follows key 2: 02 58 25 rpIdHash(32) flags counter(4) */
		for (size_t i = 1; i + 40 < resp_len; i++)
			if (resp[i] == 0x02 && resp[i + 1] == 0x58 && resp[i + 2] == 0x25) {
				const uint8_t *c = resp + i + 3 + 33;
				*counter = (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 |
				    (uint32_t)c[2] << 8 | c[3];
				break;
			}
	}
	return st;
}

/* The workload; returns the number of steps completed. Tracks the highest
 * counter, the id of the first non-resident credential and whether the
 * reset step started. */
#define STEPS 10
static uint8_t id0[66];
static bool have_id0, reset_started;
static uint32_t max_counter;

static int workload(void)
{
	uint32_t c = 0;
	for (int s = 0; s < STEPS; s++) {
		int st;
		switch (s) {
		case 0:
			st = make_cred(1, false, id0);
			if (st == 0)
				have_id0 = true;
			break;
		case 1: case 3: case 5:
			st = get_assert(s == 1 ? id0 : NULL, &c);
			break;
		case 2:
			st = make_cred(2, true, NULL);
			break;
		case 4:
			st = make_cred(3, true, NULL);
			break;
		case 6:
			st = make_cred(2, true, NULL); /* replaces user 2 */
			break;
		case 7:
			reset_started = true;
			st = ctap((const uint8_t *)"\x07", 1);
			if (st == 0)
				max_counter = 0; /* a reset may restart the counter */
			break;
		case 8:
			st = make_cred(4, true, NULL);
			break;
		default:
			st = get_assert(NULL, &c);
			break;
		}
		if (st != 0)
			return s;
		if (c > max_counter)
			max_counter = c;
		c = 0;
	}
	return STEPS;
}

int main(void)
{
	/* How many writes a clean run makes. */
	memset(fl.mem, 0xFF, sizeof(fl.mem));
	fl.budget = -1;
	rng_s = 0x1234567;
	CHECK_EQ(power_up(), AMANA_OK);
	long base = fl.writes;
	CHECK_EQ(workload(), STEPS);
	long total = fl.writes - base;
	printf("token workload: %d steps, %ld flash writes\n", STEPS, total);

	int cuts = 0;
	for (long cut = 1; cut <= total; cut++) {
		memset(fl.mem, 0xFF, sizeof(fl.mem));
		fl.budget = -1;
		fl.dead = false;
		rng_s = 0x1234567 + (uint64_t)cut;
		have_id0 = reset_started = false;
		max_counter = 0;
		if (power_up() != AMANA_OK) {
			CHECK(false);
			continue;
		}
		fl.budget = cut;
		int done = workload();
		if (done == STEPS)
			continue;
		cuts++;
		/* Power comes back. */
		fl.budget = -1;
		fl.dead = false;
		token_wipe(&tok);
		int rc = power_up();
		CHECK_EQ(rc, AMANA_OK);
		if (rc != AMANA_OK) {
			fprintf(stderr, "cut %ld (step %d): no power-up: %d\n", cut, done, rc);
			continue;
		}
		CHECK_EQ(ctap((const uint8_t *)"\x04", 1), 0);
		uint32_t c = 0;
		if (have_id0 && !reset_started) {
			int st = get_assert(id0, &c);
			CHECK_EQ(st, 0); /* device secrets survived */
			if (st == 0 && c <= max_counter)
				fprintf(stderr, "cut %ld: counter %u after %u\n", cut, c, max_counter);
			CHECK(st != 0 || c > max_counter);
		}
		int st = get_assert(NULL, &c);
		CHECK(st == 0 || st == 0x2E);
		/* and the whole workload runs again */
		have_id0 = reset_started = false;
		max_counter = 0;
		CHECK_EQ(power_up(), AMANA_OK); /* reset needs a fresh power-up */
		CHECK_EQ(workload(), STEPS);
	}
	/* Cuts during the very first power-up (formatting, device secrets). */
	memset(fl.mem, 0xFF, sizeof(fl.mem));
	fl.budget = -1;
	fl.dead = false;
	long w0 = fl.writes;
	CHECK_EQ(power_up(), AMANA_OK);
	long first = fl.writes - w0;
	for (long cut = 1; cut <= first; cut++) {
		memset(fl.mem, 0xFF, sizeof(fl.mem));
		fl.dead = false;
		fl.budget = cut;
		(void)power_up();
		fl.budget = -1;
		fl.dead = false;
		CHECK_EQ(power_up(), AMANA_OK);
		have_id0 = reset_started = false;
		max_counter = 0;
		CHECK_EQ(workload(), STEPS);
		cuts++;
	}
	printf("power cut at each of %d writes (workload and first power-up): "
	    "the token always came back\n", cuts);
	CHECK(cuts > 20);
	token_wipe(&tok);
	return check_done();
}
