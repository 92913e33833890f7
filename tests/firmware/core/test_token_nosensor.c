/*
 * test_token_nosensor.c: the core built with uv_absent.c, a token without a
 * sensor: getInfo must not offer uv or bioEnroll, UV requests are refused
 * with the CTAP codes, and bio/face commands are unknown. Keeps the
 * sensorless variant of the uv.h seam honest and compiling.
 */
#include <string.h>

#include "amana/err.h"
#include "check.h"
#include "host_port.h"
#include "token.h"

static token_t tok;
static uint8_t resp[2048];
static size_t resp_len, resp_expect;

static void on_report(void *arg, const uint8_t r[64])
{
	(void)arg;
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

static int ctap(const uint8_t *msg, size_t n)
{
	uint8_t r[64];
	memset(r, 0, sizeof(r));
	r[3] = 1;
	r[4] = 0x90;
	r[6] = (uint8_t)n;
	memcpy(r + 7, msg, n); /* all requests here fit one packet */
	resp_len = 0;
	token_hid_report_in(&tok, r);
	return resp_len > 0 ? resp[0] : -1;
}

static bool contains(const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= resp_len; i++)
		if (memcmp(resp + i, needle, n) == 0)
			return true;
	return false;
}

int main(void)
{
	static host_port_t port;
	token_hal_t hal;
	CHECK_EQ(host_port_open(&port, NULL), AMANA_OK);
	port.send = on_report;
	host_port_hal(&port, &hal);
	CHECK_EQ(token_init(&tok, &hal), AMANA_OK);
	uint8_t init[64] = {0xFF, 0xFF, 0xFF, 0xFF, 0x86, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8};
	token_hid_report_in(&tok, init);

	CHECK_EQ(ctap((const uint8_t *)"\x0B", 1), 0); /* authenticatorSelection */
	port.presence = false;
	CHECK_EQ(ctap((const uint8_t *)"\x0B", 1), 0x2F); /* no touch */
	port.presence = true;
	CHECK_EQ(ctap((const uint8_t *)"\x04", 1), 0);
	CHECK(contains("clientPin"));
	CHECK(!contains("bioEnroll"));
	CHECK(!contains("userVerificationMgmtPreview"));
	CHECK(!contains("\x62uv")); /* the text key "uv" */

	static const uint8_t uv_retries[] = {0x06, 0xA2, 0x01, 0x02, 0x02, 0x07};
	CHECK_EQ(ctap(uv_retries, sizeof(uv_retries)), 0x3E); /* INVALID_SUBCOMMAND */
	static const uint8_t uv_token[] = {0x06, 0xA3, 0x01, 0x02, 0x02, 0x06, 0x09, 0x01};
	CHECK_EQ(ctap(uv_token, sizeof(uv_token)), 0x3E);
	static const uint8_t bio[] = {0x09, 0xA2, 0x01, 0x01, 0x02, 0x07};
	CHECK_EQ(ctap(bio, sizeof(bio)), 0x01);
	CHECK_EQ(ctap((const uint8_t *)"\x40\xA0", 2), 0x01);
	CHECK_EQ(ctap((const uint8_t *)"\x41\xA0", 2), 0x01);
	/* makeCredential asking for built-in UV: an invalid option here. */
	static const uint8_t mc_uv[] = {0x01, 0xA5, 0x01, 0x58, 0x20,
	    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
	    0x02, 0xA1, 0x62, 'i', 'd', 0x61, 'c',
	    0x03, 0xA1, 0x62, 'i', 'd', 0x41, 0x07,
	    0x04, 0x81, 0xA2, 0x63, 'a', 'l', 'g', 0x26, 0x64, 't', 'y', 'p', 'e',
	    0x6A, 'p', 'u', 'b', 'l', 'i', 'c', '-', 'k', 'e', 'y',
	    0x07, 0xA1, 0x62, 'u', 'v', 0xF5};
	uint8_t r[64];
	memset(r, 0, sizeof(r));
	r[3] = 1;
	r[4] = 0x90;
	r[6] = sizeof(mc_uv);
	memcpy(r + 7, mc_uv, 57);
	resp_len = 0;
	token_hid_report_in(&tok, r);
	memset(r + 4, 0, 60);
	memcpy(r + 5, mc_uv + 57, sizeof(mc_uv) - 57);
	token_hid_report_in(&tok, r);
	CHECK(resp_len > 0 && resp[0] == 0x2C); /* INVALID_OPTION */
	token_wipe(&tok);
	host_port_close(&port);
	return check_done();
}
