/* bio_match.c: probe-versus-reference scoring and the choice of enrolment
 * references. Contract in bio_match.h; the thresholds are the matcher's
 * documented FMR 1:10,000 operating points, never tuned here. */
#include "bio_match.h"

#include "amana/err.h"

int bio_fp_probe_load(bio_work_t *w, const uint8_t *probe, size_t len,
    bool enrol)
{
	int rc = amana_fp_template_unpack(probe, len, &w->probe);
	if (rc != AMANA_OK)
		return rc;
	/* A template with few minutiae would match little and, worse, make
	 * every later comparison of a badly placed finger look like noise. */
	if (w->probe.count < BIO_FP_MIN_MINUTIAE || (enrol &&
	    w->probe.quality != 0 && w->probe.quality < AMANA_FP_ENROL_MIN_QUALITY))
		return AMANA_ERR_BIO_QUALITY;
	return AMANA_OK;
}

int bio_fp_score_ref(bio_work_t *w, const uint8_t *ref, size_t len,
    float *score)
{
	*score = 0.0f;
	int rc = amana_fp_template_unpack(ref, len, &w->ref);
	if (rc != AMANA_OK)
		return rc;
	return amana_fp_compare(&w->probe, &w->ref, w->cmp, sizeof(w->cmp), score);
}

bool bio_fp_accept(float score)
{
	return score >= AMANA_FP_THRESHOLD_FMR1E4;
}

int bio_face_score(const uint8_t a[AMANA_FACE_TEMPLATE_BYTES],
    const uint8_t b[AMANA_FACE_TEMPLATE_BYTES], float *cosine)
{
	*cosine = -1.0f;
	return amana_face_template_compare(a, b, cosine);
}

bool bio_face_accept(float cosine)
{
	return cosine >= AMANA_FACE_THRESHOLD_FMR1E4;
}

int bio_fp_select(bio_work_t *w, const uint8_t *const samples[],
    const uint16_t lens[], size_t n, size_t budget, size_t max_keep,
    uint8_t order[], size_t *kept)
{
	/* n is the enrolment's sample count (a handful): n*n comparisons of
	 * a few hundred thousand instructions each are cheap next to the
	 * flash write that follows. */
	enum { SEL_MAX = 8 };
	float mean[SEL_MAX];
	*kept = 0;
	if (n == 0 || n > SEL_MAX || max_keep == 0)
		return AMANA_ERR_ARG;
	for (size_t i = 0; i < n; i++) {
		float sum = 0.0f;
		int rc = amana_fp_template_unpack(samples[i], lens[i], &w->probe);
		if (rc != AMANA_OK)
			return rc;
		for (size_t j = 0; j < n; j++) {
			if (j == i)
				continue;
			float s;
			if ((rc = bio_fp_score_ref(w, samples[j], lens[j], &s)) != AMANA_OK)
				return rc;
			sum += s;
		}
		mean[i] = n > 1 ? sum / (float)(n - 1) : 1.0f;
		order[i] = (uint8_t)i;
	}
	/* Insertion sort by mean, best first; ties keep capture order so the
	 * choice is deterministic. */
	for (size_t i = 1; i < n; i++) {
		uint8_t x = order[i];
		size_t k = i;
		while (k > 0 && mean[order[k - 1]] < mean[x]) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = x;
	}
	size_t used = 0, m = 0;
	for (size_t i = 0; i < n && m < max_keep; i++) {
		size_t l = lens[order[i]];
		if (used + l > budget)
			continue;
		used += l;
		order[m++] = order[i];
	}
	*kept = m;
	return m > 0 ? AMANA_OK : AMANA_ERR_BIO_FULL;
}
