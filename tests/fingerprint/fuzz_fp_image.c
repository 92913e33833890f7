/* fuzz_fp_image.c: libFuzzer target for the image entry point. The first
 * five bytes choose width, height (100..355) and resolution (250..1000
 * dpi); the rest are the pixels, repeated to fill the image. Whatever
 * comes out must be a valid template that packs and compares. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/fp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t px[355 * 355];
static _Alignas(8) uint8_t work[AMANA_FP_COMPARE_WORK_BYTES];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 6)
		return 0;
	uint32_t w = 100u + data[0], h = 100u + data[1];
	uint32_t dpi = 250u + ((uint32_t)data[2] << 8 | data[3]) % 751u;
	const uint8_t *p = data + 5;
	size_t n = size - 5;
	for (size_t i = 0; i < (size_t)w * h; i++)
		px[i] = p[i % n];
	/* half the runs: an out-of-range size or resolution */
	if (data[4] & 1) {
		w = data[4] & 2 ? 99 : 2001;
		dpi = data[4] & 4 ? 249 : dpi;
	}
	amana_fp_template_t t, u;
	int q = -1;
	int err = amana_fp_extract(px, w, h, dpi, &t, &q);
	if (err != AMANA_OK)
		return 0;
	uint8_t buf[AMANA_FP_TEMPLATE_MAX_BYTES];
	size_t len;
	float s;
	if (q < 0 || q > 100 || amana_fp_template_check(&t) != AMANA_OK ||
	    amana_fp_template_pack(&t, buf, sizeof(buf), &len) != AMANA_OK ||
	    amana_fp_template_unpack(buf, len, &u) != AMANA_OK ||
	    amana_fp_compare(&t, &u, work, sizeof(work), &s) != AMANA_OK)
		abort();
	return 0;
}
