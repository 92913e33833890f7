/*
 * bench_ga_inproc.c: one token in this process (host port, flash in RAM),
 * one makeCredential, then N getAssertions with an allowList, no network.
 * Prints the mean time per getAssertion; run under callgrind by
 * bench_callgrind.sh with --toggle-collect=ctap_get_assertion it gives the
 * instruction count of a getAssertion (a proxy for the Cortex-M4 cost).
 *   bench_ga_inproc [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host_port.h"
#include "token.h"

static token_t token;
static uint8_t last[2048];
static size_t last_len, expect, got;

static void on_report(void *arg, const uint8_t r[TOKEN_HID_REPORT_LEN])
{
	(void)arg;
	if (r[4] & 0x80) {
		if (r[4] == 0xBB)
			return; /* keepalive */
		expect = (size_t)r[5] << 8 | r[6];
		got = expect < 57 ? expect : 57;
		memcpy(last, r + 7, got);
	} else {
		size_t k = expect - got < 59 ? expect - got : 59;
		memcpy(last + got, r + 5, k);
		got += k;
	}
	last_len = got;
}

static void send_msg(uint32_t cid, uint8_t cmd, const uint8_t *p, size_t n)
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
	token_hid_report_in(&token, r);
	for (uint8_t seq = 0; k < n; seq++) {
		size_t c = n - k < 59 ? n - k : 59;
		memset(r + 4, 0, 60);
		r[4] = seq;
		memcpy(r + 5, p + k, c);
		token_hid_report_in(&token, r);
		k += c;
	}
}

static const uint8_t mc[] = {0x01, 0xA4, 0x01, 0x58, 0x20,
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
    0x02, 0xA1, 0x62, 'i', 'd', 0x61, 'b',
    0x03, 0xA1, 0x62, 'i', 'd', 0x41, 0x07,
    0x04, 0x81, 0xA2, 0x63, 'a', 'l', 'g', 0x26, 0x64, 't', 'y', 'p', 'e',
    0x6A, 'p', 'u', 'b', 'l', 'i', 'c', '-', 'k', 'e', 'y'};

int main(int argc, char **argv)
{
	static host_port_t port;
	token_hal_t hal;
	long n = argc > 1 ? atol(argv[1]) : 200;
	if (n < 1)
		n = 1;
	if (host_port_open(&port, NULL) != 0)
		return 3;
	port.send = on_report;
	host_port_hal(&port, &hal);
	if (token_init(&token, &hal) != 0)
		return 3;
	static const uint8_t nonce[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	send_msg(0xFFFFFFFFu, 0x86, nonce, 8);
	send_msg(1, 0x90, mc, sizeof(mc));
	/* status, map(3), 1:"packed", 2:bytes(authData): id at 55 in authData */
	if (last_len < 200 || last[0] != 0) {
		fprintf(stderr, "makeCredential failed (status %u)\n", last[0]);
		return 1;
	}
	const uint8_t *ad = memchr(last, 0x58, 16); /* bytes header of authData */
	if (ad == NULL)
		return 1;
	const uint8_t *id = ad + 2 + 55;
	uint8_t ga[160];
	size_t g = 0;
	static const uint8_t head[] = {0x02, 0xA3, 0x01, 0x61, 'b', 0x02, 0x58, 0x20};
	memcpy(ga, head, sizeof(head));
	g = sizeof(head);
	for (int i = 0; i < 32; i++)
		ga[g++] = (uint8_t)(i + 1);
	static const uint8_t allow[] = {0x03, 0x81, 0xA2, 0x62, 'i', 'd', 0x58, 66};
	memcpy(ga + g, allow, sizeof(allow));
	g += sizeof(allow);
	memcpy(ga + g, id, 66);
	g += 66;
	static const uint8_t type[] = {0x64, 't', 'y', 'p', 'e', 0x6A, 'p', 'u', 'b',
	    'l', 'i', 'c', '-', 'k', 'e', 'y'};
	memcpy(ga + g, type, sizeof(type));
	g += sizeof(type);

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++) {
		send_msg(1, 0x90, ga, g);
		if (last_len < 100 || last[0] != 0) {
			fprintf(stderr, "getAssertion failed (status %u)\n", last[0]);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double us = ((double)(t1.tv_sec - t0.tv_sec) * 1e6 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / (double)n;
	printf("in-process getAssertion (ES256, allowList, host port): %.1f us mean over %ld\n",
	    us, n);
	token_wipe(&token);
	host_port_close(&port);
	return 0;
}
