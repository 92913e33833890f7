/* Compact frames: round trips (compressible, incompressible, empty),
 * and the bounds of the decoder: bad header, corrupt or truncated zlib,
 * trailing bytes, and a small frame that inflates past the limit. */
#include <sodium.h>
#include <zlib.h>

#include "amana/err.h"
#include "amana/qr.h"
#include "check.h"

static void round_trip(const uint8_t *p, size_t len, int expect_kind)
{
	uint8_t *f = NULL, *back = NULL;
	size_t flen = 0, blen = 0;
	CHECK_EQ(amana_qr_compact_encode(p, len, &f, &flen), AMANA_OK);
	CHECK(f != NULL && f[0] == 0xA7);
	if (f != NULL)
		CHECK_EQ(f[1], expect_kind);
	CHECK_EQ(amana_qr_compact_decode(f, flen, &back, &blen), AMANA_OK);
	CHECK_EQ(blen, len);
	CHECK(blen == len && (len == 0 || memcmp(back, p, len) == 0));
	free(f);
	free(back);
}

static int decode_rc(const uint8_t *f, size_t len)
{
	uint8_t *p = NULL;
	size_t n = 0;
	int rc = amana_qr_compact_decode(f, len, &p, &n);
	free(p);
	return rc;
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	static uint8_t text[4000], rnd[1500];
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (uint8_t)"family_name given_name birth_date "[i % 34];
	randombytes_buf(rnd, sizeof(rnd));
	round_trip(text, sizeof(text), 2);  /* deflated against the vocabulary */
	round_trip(rnd, sizeof(rnd), 0);    /* stored: deflate would grow it */
	round_trip(text, 0, 0);

	/* A compressible payload really shrinks. */
	uint8_t *f = NULL;
	size_t flen = 0;
	CHECK_EQ(amana_qr_compact_encode(text, sizeof(text), &f, &flen), AMANA_OK);
	CHECK(flen < sizeof(text) / 10);

	/* Bad headers, a corrupted stream, truncation, trailing bytes. */
	CHECK_EQ(decode_rc(f, 1), AMANA_ERR_QR_FRAME);
	uint8_t *g = malloc(flen + 1);
	memcpy(g, f, flen);
	g[0] ^= 1;
	CHECK_EQ(decode_rc(g, flen), AMANA_ERR_QR_FRAME);
	g[0] ^= 1;
	g[1] = 7;
	CHECK_EQ(decode_rc(g, flen), AMANA_ERR_QR_FRAME);
	g[1] = 1; /* a dictionary stream labelled plain zlib */
	CHECK_EQ(decode_rc(g, flen), AMANA_ERR_QR_FRAME);
	g[1] = 2;
	CHECK_EQ(decode_rc(g, flen - 3), AMANA_ERR_QR_FRAME);
	g[flen] = 0;
	CHECK_EQ(decode_rc(g, flen + 1), AMANA_ERR_QR_FRAME);
	g[flen - 1] ^= 0x40; /* inside the Adler-32 */
	CHECK_EQ(decode_rc(g, flen), AMANA_ERR_QR_FRAME);
	free(g);
	free(f);

	/* A plain zlib stream labelled as a dictionary frame. */
	uLongf pl = compressBound(sizeof(text));
	uint8_t *plain = malloc(2 + pl);
	plain[0] = 0xA7;
	plain[1] = 1;
	CHECK_EQ(compress2(plain + 2, &pl, text, sizeof(text), 9), Z_OK);
	CHECK_EQ(decode_rc(plain, 2 + pl), AMANA_OK);
	plain[1] = 2;
	CHECK_EQ(decode_rc(plain, 2 + pl), AMANA_ERR_QR_FRAME);
	free(plain);

	/* An extra dictionary both ends hold (a certificate, say): the frame
	 * shrinks; without it, or with another one, it cannot be read. */
	uint8_t cert[400], other[400], payload[1200];
	randombytes_buf(cert, sizeof(cert));
	randombytes_buf(other, sizeof(other));
	randombytes_buf(payload, sizeof(payload));
	memcpy(payload + 500, cert, sizeof(cert)); /* the response carries it */
	uint8_t *fd = NULL, *fp = NULL, *back = NULL;
	size_t fdl = 0, fpl = 0, bl = 0;
	CHECK_EQ(amana_qr_compact_encode(payload, sizeof(payload), &fp, &fpl), AMANA_OK);
	CHECK_EQ(amana_qr_compact_encode_dict(payload, sizeof(payload), cert, sizeof(cert), &fd, &fdl), AMANA_OK);
	printf("1200-byte payload holding a 400-byte certificate: frame %zu bytes, %zu with the certificate as dictionary\n", fpl, fdl);
	CHECK(fdl + 300 < fpl);
	CHECK_EQ(decode_rc(fd, fdl), AMANA_ERR_QR_DICT);
	amana_qr_dict_t wrong = {other, sizeof(other)}, both[2] = {{other, sizeof(other)}, {cert, sizeof(cert)}};
	CHECK_EQ(amana_qr_compact_decode_dict(fd, fdl, &wrong, 1, &back, &bl), AMANA_ERR_QR_DICT);
	CHECK_EQ(amana_qr_compact_decode_dict(fd, fdl, both, 2, &back, &bl), AMANA_OK);
	CHECK(bl == sizeof(payload) && back != NULL && memcmp(back, payload, bl) == 0);
	free(back);
	free(fd);
	free(fp);

	/* A zlib bomb: 4 MiB of zeros is a few KiB of frame; it must stop at
	 * the limit rather than allocate. */
	size_t big = 4u * 1024u * 1024u;
	uint8_t *zeros = calloc(1, big);
	uLongf zl = compressBound((uLong)big);
	uint8_t *bomb = malloc(2 + zl);
	CHECK(zeros != NULL && bomb != NULL);
	bomb[0] = 0xA7;
	bomb[1] = 1;
	CHECK_EQ(compress2(bomb + 2, &zl, zeros, (uLong)big, 9), Z_OK);
	CHECK(zl < 8192);
	CHECK_EQ(decode_rc(bomb, 2 + zl), AMANA_ERR_LIMIT);
	/* The encoder refuses what the decoder would refuse. */
	CHECK_EQ(amana_qr_compact_encode(zeros, big, &f, &flen), AMANA_ERR_LIMIT);
	free(zeros);
	free(bomb);
	return check_done();
}
