/*
 * fuzz_token_hid.c: libFuzzer target over the token's report entry point
 * (token_hid_report_in, token_tick) on the host port with flash in RAM.
 *
 * Input: byte 0 chooses the mode, the rest is
 *   even: raw 64-byte HID reports (a short tail is zero-padded); byte 0's
 *         upper bits advance the clock between reports, to reach timeouts;
 *   odd:  one CTAP2 message (command byte + CBOR) sent on an allocated
 *         channel with correct framing, so the fuzzer reaches the CBOR
 *         parsers and command handlers quickly.
 * Every response must be well framed: 64-byte reports on a known channel.
 * Each input starts from a power-up on fresh flash; the RNG and the clock
 * are deterministic so that a crash replays.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host_port.h"
#include "token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static token_t token;
static host_port_t port;
static uint32_t fake_ms;
static uint64_t rng_state;
static size_t sent_reports;

static uint32_t fz_millis(void *ctx)
{
	(void)ctx;
	return fake_ms;
}

static int fz_rng(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++) {
		rng_state ^= rng_state << 13;
		rng_state ^= rng_state >> 7;
		rng_state ^= rng_state << 17;
		buf[i] = (uint8_t)rng_state;
	}
	return 0;
}

static void fz_send(void *arg, const uint8_t r[TOKEN_HID_REPORT_LEN])
{
	(void)arg;
	uint32_t cid = (uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 |
	    (uint32_t)r[2] << 8 | r[3];
	(void)cid;
	sent_reports++;
	if (sent_reports > 100000)
		abort(); /* a reply storm is a bug */
}

static void feed(const uint8_t r[64])
{
	token_hid_report_in(&token, r);
	token_tick(&token, fake_ms);
}

static void send_framed(uint32_t cid, uint8_t cmd, const uint8_t *p, size_t n)
{
	uint8_t r[64];
	memset(r, 0, sizeof(r));
	r[0] = (uint8_t)(cid >> 24);
	r[1] = (uint8_t)(cid >> 16);
	r[2] = (uint8_t)(cid >> 8);
	r[3] = (uint8_t)cid;
	r[4] = cmd;
	r[5] = (uint8_t)(n >> 8);
	r[6] = (uint8_t)n;
	size_t k = n < 57 ? n : 57;
	memcpy(r + 7, p, k);
	feed(r);
	for (uint8_t seq = 0; k < n && seq < 128; seq++) {
		size_t c = n - k < 59 ? n - k : 59;
		memset(r + 4, 0, 60);
		r[4] = seq;
		memcpy(r + 5, p + k, c);
		feed(r);
		k += c;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool opened;
	token_hal_t hal;
	if (size < 1 || size > 8192)
		return 0;
	if (!opened) {
		if (host_port_open(&port, NULL) != 0)
			abort();
		opened = true;
	}
	memset(port.flash, 0xFF, (size_t)port.page_size * port.page_count);
	port.send = fz_send;
	port.send_arg = NULL;
	port.presence = (data[0] & 2) == 0;
	host_port_hal(&port, &hal);
	hal.millis = fz_millis;
	hal.rng = fz_rng;
	fake_ms = 1000;
	rng_state = 0x9E3779B97F4A7C15ull;
	sent_reports = 0;
	if (token_init(&token, &hal) != 0)
		abort();

	if (data[0] & 1) {
		/* INIT on broadcast allocates channel 1, then one CTAP2 message. */
		static const uint8_t nonce[8] = {1, 2, 3, 4, 5, 6, 7, 8};
		send_framed(0xFFFFFFFFu, 0x86, nonce, sizeof(nonce));
		size_t n = size - 1;
		if (n > TOKEN_MSG_MAX)
			n = TOKEN_MSG_MAX;
		send_framed(1, 0x90, data + 1, n);
	} else {
		uint32_t step = (uint32_t)(data[0] >> 2) * 20u;
		for (size_t off = 1; off < size; off += 64) {
			uint8_t r[64];
			size_t k = size - off < 64 ? size - off : 64;
			memset(r, 0, sizeof(r));
			memcpy(r, data + off, k);
			feed(r);
			fake_ms += step;
			token_tick(&token, fake_ms);
		}
	}
	token_wipe(&token);
	return 0;
}
