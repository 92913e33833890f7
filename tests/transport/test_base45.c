/* Base45 against the examples of RFC 9285 (sections 4.3 and 4.4), and
 * the invalid inputs the RFC says a decoder must reject. */
#include "amana/err.h"
#include "amana/qr.h"
#include "check.h"

static void enc(const char *in, const char *want)
{
	char out[64];
	CHECK_EQ(amana_base45_encode((const uint8_t *)in, strlen(in), out, sizeof(out)), AMANA_OK);
	CHECK(strcmp(out, want) == 0);
	CHECK_EQ(amana_base45_encoded_len(strlen(in)), strlen(want));
}

static void dec(const char *in, const char *want)
{
	uint8_t out[64];
	size_t n = 0;
	CHECK_EQ(amana_base45_decode(in, strlen(in), out, sizeof(out), &n), AMANA_OK);
	CHECK_EQ(n, strlen(want));
	CHECK(n == strlen(want) && memcmp(out, want, n) == 0);
}

static void bad(const char *in)
{
	uint8_t out[64];
	size_t n = 99;
	CHECK_EQ(amana_base45_decode(in, strlen(in), out, sizeof(out), &n), AMANA_ERR_QR_BASE45);
	CHECK_EQ(n, 0);
}

int main(void)
{
	/* RFC 9285 section 4.3: encoding examples. */
	enc("AB", "BB8");
	enc("Hello!!", "%69 VD92EX0");
	enc("base-45", "UJCLQE7W581");
	enc("", "");
	/* Section 4.4: decoding example, and the reverse of the above. */
	dec("QED8WEX0", "ietf!");
	dec("BB8", "AB");
	dec("%69 VD92EX0", "Hello!!");
	dec("UJCLQE7W581", "base-45");
	/* Section 6: "GGW" is 65536, one more than two bytes hold; a lone
	 * trailing character, lower case and characters outside the
	 * alphabet are invalid. */
	bad("GGW");
	bad("BB8A");
	bad("bb8");
	bad("BB#");
	bad(":::"); /* 44 + 44*45 + 44*2025 > 65535 */

	/* Every two-byte value survives a round trip. */
	int ok = 1;
	for (unsigned v = 0; v <= 0xffffu; v++) {
		uint8_t in[2] = {(uint8_t)(v >> 8), (uint8_t)v}, back[2];
		char txt[4];
		size_t n = 0;
		if (amana_base45_encode(in, 2, txt, sizeof(txt)) != AMANA_OK ||
		    amana_base45_decode(txt, 3, back, 2, &n) != AMANA_OK || n != 2 ||
		    memcmp(in, back, 2) != 0)
			ok = 0;
	}
	CHECK(ok);
	/* Output buffers are checked. */
	char small[3];
	CHECK_EQ(amana_base45_encode((const uint8_t *)"AB", 2, small, sizeof(small)), AMANA_ERR_BUFFER);
	uint8_t one[1];
	size_t n = 0;
	CHECK_EQ(amana_base45_decode("BB8", 3, one, 1, &n), AMANA_ERR_BUFFER);
	return check_done();
}
