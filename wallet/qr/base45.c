/* base45.c: RFC 9285 Base45, the alphabet of QR alphanumeric mode, so a
 * binary frame fits a text-only scanner at 5.5 bits per character. */
#include "amana/err.h"
#include "amana/qr.h"

static const char b45_alphabet[45] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* The value of c, or -1 when c is not in the alphabet. */
static int b45_value(char c)
{
	for (int i = 0; i < 45; i++)
		if (b45_alphabet[i] == c)
			return i;
	return -1;
}

size_t amana_base45_encoded_len(size_t len)
{
	return (len / 2) * 3 + (len % 2) * 2;
}

int amana_base45_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	if ((in == NULL && len > 0) || out == NULL)
		return AMANA_ERR_ARG;
	if (len > (SIZE_MAX - 1) / 2 || cap < amana_base45_encoded_len(len) + 1)
		return AMANA_ERR_BUFFER;
	size_t o = 0;
	for (size_t i = 0; i + 1 < len; i += 2) {
		unsigned n = (unsigned)in[i] * 256u + in[i + 1];
		out[o++] = b45_alphabet[n % 45];
		out[o++] = b45_alphabet[(n / 45) % 45];
		out[o++] = b45_alphabet[n / 2025];
	}
	if (len % 2 == 1) {
		unsigned n = in[len - 1];
		out[o++] = b45_alphabet[n % 45];
		out[o++] = b45_alphabet[n / 45];
	}
	out[o] = '\0';
	return AMANA_OK;
}

int amana_base45_decode(const char *text, size_t len, uint8_t *out, size_t cap,
    size_t *out_len)
{
	if ((text == NULL && len > 0) || out_len == NULL || (out == NULL && cap > 0))
		return AMANA_ERR_ARG;
	*out_len = 0;
	if (len % 3 == 1)
		return AMANA_ERR_QR_BASE45;
	size_t need = (len / 3) * 2 + (len % 3 == 2 ? 1 : 0);
	if (cap < need)
		return AMANA_ERR_BUFFER;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		size_t take = len - i >= 3 ? 3 : 2;
		unsigned n = 0, mul = 1;
		for (size_t k = 0; k < take; k++) {
			int v = b45_value(text[i + k]);
			if (v < 0)
				return AMANA_ERR_QR_BASE45;
			n += (unsigned)v * mul;
			mul *= 45;
		}
		if (take == 3) {
			if (n > 0xffffu)
				return AMANA_ERR_QR_BASE45;
			out[o++] = (uint8_t)(n >> 8);
			out[o++] = (uint8_t)(n & 0xffu);
		} else {
			if (n > 0xffu)
				return AMANA_ERR_QR_BASE45;
			out[o++] = (uint8_t)n;
		}
	}
	*out_len = o;
	return AMANA_OK;
}
