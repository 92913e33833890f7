/* template.c: face template comparison, shared by host and firmware.
 *
 * Why integers: the dot product of two int8 vectors of 512 values is at most
 * 512 * 127 * 127 = 8,258,048 < 2^24, so it is exact in int32 and even in a
 * float; the order of summation cannot change the result, which keeps host
 * and token decisions identical bit for bit.
 *
 * Why divide by the quantised norms rather than by 127^2: rounding moves the
 * norm of each vector by up to a few per cent of a unit; dividing by the
 * actual norms makes a template compared with itself score exactly 1.
 *
 * No libm: the firmware links no sqrtf, so the square root is an integer
 * one, taken with 8 extra bits of precision (na * nb < 2^46, shifted by 16
 * stays below 2^62). */
#include "amana/face_template.h"

#include <stddef.h>

#include "amana/err.h"

static uint32_t isqrt64(uint64_t v)
{
	uint64_t r = 0, bit = (uint64_t)1 << 62;
	while (bit > v)
		bit >>= 2;
	while (bit != 0) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return (uint32_t)r;
}

int amana_face_template_compare(const uint8_t a[AMANA_FACE_TEMPLATE_BYTES],
    const uint8_t b[AMANA_FACE_TEMPLATE_BYTES], float *cosine)
{
	if (cosine == NULL)
		return AMANA_ERR_ARG;
	*cosine = 0.0f;
	if (a == NULL || b == NULL)
		return AMANA_ERR_ARG;
	if (a[0] != AMANA_FACE_TEMPLATE_VERSION || b[0] != AMANA_FACE_TEMPLATE_VERSION)
		return AMANA_ERR_FACE_VERSION;

	const int8_t *x = (const int8_t *)(const void *)(a + 1);
	const int8_t *y = (const int8_t *)(const void *)(b + 1);
	int32_t dot = 0, nx = 0, ny = 0;
	int bad = 0;
	for (size_t i = 0; i < AMANA_FACE_TEMPLATE_DIM; i++) {
		int32_t u = x[i], v = y[i];
		dot += u * v;
		nx += u * u;
		ny += v * v;
		bad |= (u == -128) | (v == -128);
	}
	if (bad || nx == 0 || ny == 0)
		return AMANA_ERR_FORMAT;

	uint32_t s = isqrt64(((uint64_t)nx * (uint64_t)ny) << 16); /* 256 sqrt */
	float c = (float)dot * 256.0f / (float)s;
	if (c > 1.0f)
		c = 1.0f;
	if (c < -1.0f)
		c = -1.0f;
	*cosine = c;
	return AMANA_OK;
}
