/* fuzz_fp_iso.c: libFuzzer target for the ISO/IEC 19794-2 reader; what it
 * accepts must write back and read again to the same templates, and each
 * view must pass the template check and the comparison, whose prepared
 * entry points must give its very bits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/fp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static amana_fp_template_t v[4], u[4];
static _Alignas(8) uint8_t work[AMANA_FP_COMPARE_WORK_BYTES];
static uint8_t out[65536];
static amana_fp_prepared_t p0, pi;

/* amana_fp_compare(probe, ref) gave s: the prepared paths must agree. */
static int prepared_agree(const amana_fp_template_t *probe,
    const amana_fp_template_t *ref, float s)
{
	float sp = -1.0f, sq = -1.0f;
	return amana_fp_reference_prepare(ref, work, sizeof(work), &p0) ==
	    AMANA_OK && amana_fp_reference_prepare(probe, work, sizeof(work),
	    &pi) == AMANA_OK && amana_fp_compare_prepared(probe, &p0, work,
	    sizeof(work), &sp) == AMANA_OK &&
	    amana_fp_compare_prepared_pair(&pi, &p0, work, sizeof(work), &sq) ==
	    AMANA_OK && memcmp(&s, &sp, sizeof(s)) == 0 &&
	    memcmp(&s, &sq, sizeof(s)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t nv = 0, len = 0, nu = 0;
	if (amana_fp_iso_read(data, size, v, 4, &nv, NULL) != AMANA_OK)
		return 0;
	for (size_t i = 0; i < nv; i++) {
		float s;
		if (amana_fp_template_check(&v[i]) != AMANA_OK ||
		    amana_fp_compare(&v[i], &v[0], work, sizeof(work), &s) != AMANA_OK ||
		    !(s >= 0.0f && s <= 1.0f) || !prepared_agree(&v[i], &v[0], s))
			abort();
	}
	if (nv == 0)
		return 0;
	if (amana_fp_iso_write(v, nv, out, sizeof(out), &len) != AMANA_OK ||
	    amana_fp_iso_read(out, len, u, 4, &nu, NULL) != AMANA_OK || nu != nv)
		abort();
	/* resolution rescaling may move points once; the second trip is exact */
	for (size_t i = 0; i < nv; i++)
		if (u[i].count != v[i].count)
			abort();
	return 0;
}
