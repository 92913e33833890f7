/* fuzz_face_compare.c: the template comparison the token runs on stored
 * and probe templates. The input is cut into two 513-byte templates (short
 * input zero-filled). Properties checked on every input: the result is an
 * amana error or a cosine in [-1, 1]; the comparison is symmetric; a valid
 * template compared with itself gives exactly 1. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/face_template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t a[AMANA_FACE_TEMPLATE_BYTES] = {0}, b[AMANA_FACE_TEMPLATE_BYTES] = {0};
	size_t na = size < sizeof(a) ? size : sizeof(a);
	memcpy(a, data, na);
	if (size > na)
		memcpy(b, data + na, size - na < sizeof(b) ? size - na : sizeof(b));
	float ab = 5.0f, ba = 5.0f, aa = 5.0f;
	int r1 = amana_face_template_compare(a, b, &ab);
	int r2 = amana_face_template_compare(b, a, &ba);
	if (r1 != r2 || r1 > 0)
		abort();
	if (r1 == AMANA_OK && (!(ab >= -1.0f && ab <= 1.0f) || ab != ba))
		abort();
	if (r1 != AMANA_OK && (ab != 0.0f || ba != 0.0f))
		abort();
	if (amana_face_template_compare(a, a, &aa) == AMANA_OK && aa != 1.0f)
		abort();
	return 0;
}
