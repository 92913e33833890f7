/* mcc_match.c: amana_fp_compare, MCC with LSS-R consolidation.
 *
 * 1. Cylinders of the reference are built into the work area; those of the
 *    probe are built one at a time and compared with every reference
 *    cylinder, keeping the MCC_HEAP best pairs in a min-heap (the full
 *    similarity matrix would not fit 32 KiB).
 * 2. LSS-R: the best one-to-one pairs (nR = the smaller count of valid
 *    cylinders) are relaxed MCC_NREL times by their geometric compatibility
 *    rho (distance, direction difference and radial angle agreement), so
 *    pairs that agree with many others gain and lone pairs fade.
 * 3. The local score is the mean relaxed similarity of the nP most
 *    "efficient" pairs (relaxed / initial), nP growing with the counts.
 * 4. Global consolidation (mcc_global.c): the best relaxed pairs anchor
 *    rigid alignments; the score is the local one times the share of the
 *    minutiae in the common region that the best alignment pairs.
 * Everything is float with table lookups, so the result is the same on
 * every run and platform; nothing is allocated. */
#include <math.h>
#include <string.h>

#include "amana/err.h"
#include "mcc.h"
#include "mcc_global.h"
#include "mcc_heap.h"
#include "mcc_tables.h"

typedef struct mcc_work {
	union {
		mcc_cyl_t cyl[AMANA_FP_MAX_MINUTIAE];
		uint16_t rho[AMANA_FP_MAX_MINUTIAE * AMANA_FP_MAX_MINUTIAE];
		mcc_global_scratch_t g; /* once LSS-R is done */
	} u;
	union {
		float sum[MCC_ND * MCC_CELLS];
		struct {
			int16_t pts[2 * AMANA_FP_MAX_MINUTIAE + 2][2];
			float edge[AMANA_FP_MAX_MINUTIAE + 1][3];
		} hull;
		struct {
			float lam0[AMANA_FP_MAX_MINUTIAE];
			float lam[AMANA_FP_MAX_MINUTIAE];
			float next[AMANA_FP_MAX_MINUTIAE];
			float eff[AMANA_FP_MAX_MINUTIAE];
		} r;
	} s;
	mcc_cyl_t probe;
	uint16_t probe_info;
	uint16_t info[AMANA_FP_MAX_MINUTIAE];
	mcc_rows_t rows;
	union {
		uint64_t hkey[MCC_HEAP]; /* while collecting (mcc_heap.h) */
		mcc_pair_t heap[MCC_HEAP]; /* then best first */
	};
	mcc_pair_t pairs[AMANA_FP_MAX_MINUTIAE];
	uint8_t valid[AMANA_FP_MAX_MINUTIAE];
	uint8_t used_a[AMANA_FP_MAX_MINUTIAE], used_b[AMANA_FP_MAX_MINUTIAE];
} mcc_work_t;

_Static_assert(sizeof(mcc_work_t) <= AMANA_FP_COMPARE_WORK_BYTES,
    "comparison work area exceeds its documented size");
_Static_assert(sizeof(mcc_pair_t) == sizeof(uint64_t),
    "a pair takes the place of its key");

static float z1(float d)
{
	int i = (int)(d * (float)MCC_Z1_STEPS + 0.5f);
	return i < MCC_Z1_LEN ? mcc_z1[i] : 0.0f;
}

static float z2(float units)
{
	int i = (int)(fabsf(units) + 0.5f);
	return mcc_z2[i > 128 ? 128 : i];
}

static float wrap_units(float d)
{
	return d > 128.0f ? d - 256.0f : d < -128.0f ? d + 256.0f : d;
}

/* Compatibility of pairs (a1, b1) and (a2, b2), after LSS-R. */
static float rho(const amana_fp_minutia_t *a1, const amana_fp_minutia_t *a2,
    const amana_fp_minutia_t *b1, const amana_fp_minutia_t *b2)
{
	float ax = (float)a2->x - (float)a1->x, ay = (float)a1->y - (float)a2->y;
	float bx = (float)b2->x - (float)b1->x, by = (float)b1->y - (float)b2->y;
	float r = z1(fabsf(sqrtf(ax * ax + ay * ay) - sqrtf(bx * bx + by * by)));
	if (r < 1e-4f)
		return 0.0f;
	int da = mcc_angle_diff(a1->angle, a2->angle);
	int db = mcc_angle_diff(b1->angle, b2->angle);
	r *= z2((float)mcc_angle_diff(da, db));
	if (r < 1e-4f)
		return 0.0f;
	float ra = wrap_units((float)a1->angle - mcc_atan2_units(ay, ax));
	float rb = wrap_units((float)b1->angle - mcc_atan2_units(by, bx));
	return r * z2(wrap_units(ra - rb));
}

static float sigmoid(float v, float mu, float tau)
{
	return 1.0f / (1.0f + expf(-tau * (v - mu)));
}

#define MCC_G_OMIN 8.0f /* smallest overlap a share is taken of */

/* The local (LSS-R) score scaled by the share of the minutiae in the common
 * region that the global alignment pairs: impostors that agree locally
 * rarely agree on one placement, and the overlap (not the raw counts) keeps
 * a genuine pair with little common area from being punished for the
 * minutiae it could not pair. */
static float combine(float local, const mcc_global_t *g)
{
	float o = 0.5f * (g->overlap_a + g->overlap_b);
	o = o > MCC_G_OMIN ? o : MCC_G_OMIN;
	float f = g->paired / o;
	return local * (f < 1.0f ? f : 1.0f);
}

/* A prepared reference: a copy of the template and its cylinders. */
#define MCC_PREPARED_MAGIC 0x4d434350u /* "MCCP" */
typedef struct mcc_prepared {
	uint32_t magic;
	int na;
	uint8_t valid[AMANA_FP_MAX_MINUTIAE];
	uint16_t info[AMANA_FP_MAX_MINUTIAE];
	amana_fp_template_t tpl;
	mcc_cyl_t cyl[AMANA_FP_MAX_MINUTIAE];
} mcc_prepared_t;

_Static_assert(sizeof(mcc_prepared_t) <= sizeof(amana_fp_prepared_t),
    "prepared reference exceeds its documented size");
_Static_assert(_Alignof(mcc_prepared_t) <= _Alignof(amana_fp_prepared_t),
    "prepared reference alignment");

/* Builds the cylinders of ref into cyl[] and their validity into valid[];
 * returns the number of valid ones. Uses w->s and w->rows as scratch. */
static int build_all(const amana_fp_template_t *ref, mcc_work_t *w,
    mcc_cyl_t *cyl, uint8_t *valid, uint16_t *info)
{
	mcc_rows_build(ref, w->s.hull.pts, w->s.hull.edge, &w->rows);
	memset(w->s.sum, 0, sizeof(w->s.sum));
	int na = 0;
	for (unsigned i = 0; i < ref->count; i++) {
		valid[i] = (uint8_t)mcc_cyl_build(ref, i, &w->rows, w->s.sum,
		    &cyl[i], &info[i]);
		na += valid[i];
	}
	return na;
}

static int check_work(const void *work, size_t work_len)
{
	return work != NULL && work_len >= sizeof(mcc_work_t) &&
	    ((uintptr_t)work & 7u) == 0;
}

/* The valid cylinders of ref sorted by direction into idx[] and their
 * directions into ang[]; returns their number. */
static int sort_by_angle(const amana_fp_template_t *ref,
    const uint8_t *valid, uint8_t *idx, uint8_t *ang)
{
	int n = 0;
	for (unsigned i = 0; i < ref->count; i++) {
		if (!valid[i])
			continue;
		uint8_t a = ref->minutiae[i].angle;
		int k = n++;
		for (; k > 0 && ang[k - 1] > a; k--) {
			ang[k] = ang[k - 1];
			idx[k] = idx[k - 1];
		}
		ang[k] = a;
		idx[k] = (uint8_t)i;
	}
	return n;
}

/* The first k < n with ang[k] >= a, or 0 if there is none: where the
 * circular run of directions from a on starts. */
static int first_from(const uint8_t *ang, int n, int a)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (ang[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == n ? 0 : lo;
}

/* The similarity stage: every valid probe cylinder against every valid
 * reference cylinder within the direction gate, the MCC_HEAP best pairs
 * kept in w->heap best first; returns their number and *nb the valid probe
 * cylinders.
 * pp (may be NULL) holds the probe's prepared cylinders; without it they
 * are built here one at a time into w->probe. The kept set does not depend
 * on the order pairs arrive in (mcc_heap.h: a total order), so the
 * reference's cylinders are visited by direction: those within the gate
 * of a probe direction are one circular run, with no test per pair. */
static int collect_pairs(const amana_fp_template_t *probe,
    const mcc_prepared_t *pp, const amana_fp_template_t *ref,
    const mcc_cyl_t *cyl, const uint8_t *valid, const uint16_t *info,
    mcc_work_t *w, int *nb)
{
	int nh = 0;
	*nb = 0;
	/* w->pairs is free until the pairs are chosen: scratch for the order */
	uint8_t *idx = (uint8_t *)w->pairs, *ang = idx + AMANA_FP_MAX_MINUTIAE;
	_Static_assert(sizeof(w->pairs) >= 2 * AMANA_FP_MAX_MINUTIAE,
	    "direction order fits the pairs' room");
	const int na = sort_by_angle(ref, valid, idx, ang);
	if (pp == NULL) {
		mcc_rows_build(probe, w->s.hull.pts, w->s.hull.edge, &w->rows);
		memset(w->s.sum, 0, sizeof(w->s.sum));
	}
	for (unsigned j = 0; j < probe->count; j++) {
		const mcc_cyl_t *pc = &w->probe;
		unsigned pinfo;
		if (pp != NULL) {
			if (!pp->valid[j])
				continue;
			pc = &pp->cyl[j];
			pinfo = pp->info[j];
		} else {
			if (!mcc_cyl_build(probe, j, &w->rows, w->s.sum,
			    &w->probe, &w->probe_info))
				continue;
			pinfo = w->probe_info;
		}
		(*nb)++;
		const int pa = probe->minutiae[j].angle;
		const int lo = (pa - MCC_DELTA_THETA) & 255;
		/* |angle_diff(a, pa)| <= DELTA_THETA, as one unsigned test */
		int k = first_from(ang, na, lo);
		for (int seen = 0; seen < na; seen++, k = k + 1 == na ? 0 : k + 1) {
			if (((unsigned)(ang[k] - lo) & 255u) >
			    2u * MCC_DELTA_THETA)
				break;
			unsigned i = idx[k];
			float sim = mcc_cyl_similarity(&cyl[i], info[i], pc,
			    pinfo);
			if (sim > 0.0f)
				mcc_heap_push(w->hkey, &nh, MCC_HEAP,
				    mcc_pair_key(sim, i, j));
		}
	}
	/* best first, each key turned into its pair in place */
	mcc_heap_sort_desc(w->hkey, nh);
	for (int t = 0; t < nh; t++) {
		uint64_t k = w->hkey[t];
		w->heap[t] = (mcc_pair_t){mcc_key_sim(k), (uint8_t)mcc_key_a(k),
		    (uint8_t)mcc_key_b(k)};
	}
	return nh;
}

/* The comparison proper, the same for every entry point so that their
 * scores are identical: ref's cylinders cyl[] (valid[], na of them) against
 * the probe's (prepared in pp, or built one at a time when pp is NULL).
 * rh (room for the compatibility matrix) may overlap cyl[]: the cylinders
 * are dead by the time it is written. */
static void score_with(const amana_fp_template_t *probe,
    const mcc_prepared_t *pp, const amana_fp_template_t *ref,
    const mcc_cyl_t *cyl, const uint8_t *valid, const uint16_t *info,
    int na, uint16_t *rh, mcc_work_t *w, float *score)
{
	int nb;
	int nh = collect_pairs(probe, pp, ref, cyl, valid, info, w, &nb);
	int nr = na < nb ? na : nb;
	if (nr == 0 || nh == 0)
		return;

	/* best first (w->heap is sorted), then one-to-one */
	memset(w->used_a, 0, sizeof(w->used_a));
	memset(w->used_b, 0, sizeof(w->used_b));
	int np = 0;
	for (int i = 0; i < nh && np < nr; i++) {
		mcc_pair_t p = w->heap[i];
		if (w->used_a[p.a] || w->used_b[p.b])
			continue;
		w->used_a[p.a] = w->used_b[p.b] = 1;
		w->pairs[np++] = p;
	}

	/* compatibilities, quantised to 16 bits */
	for (int t = 0; t < np; t++) {
		rh[t * np + t] = 0;
		for (int k = t + 1; k < np; k++) {
			float v = rho(&ref->minutiae[w->pairs[t].a],
			    &ref->minutiae[w->pairs[k].a],
			    &probe->minutiae[w->pairs[t].b],
			    &probe->minutiae[w->pairs[k].b]);
			uint16_t q = (uint16_t)(v * 65535.0f + 0.5f);
			rh[t * np + k] = rh[k * np + t] = q;
		}
	}
	float *lam0 = w->s.r.lam0, *lam = w->s.r.lam, *next = w->s.r.next;
	for (int t = 0; t < np; t++)
		lam0[t] = lam[t] = w->pairs[t].sim;
	float scale = np > 1 ? (1.0f - MCC_WR) / (65535.0f * (float)(np - 1))
	    : 0.0f;
	for (int it = 0; it < MCC_NREL; it++) {
		for (int t = 0; t < np; t++) {
			float acc = 0.0f;
			const uint16_t *row = rh + t * np;
			for (int k = 0; k < np; k++)
				acc += (float)row[k] * lam[k];
			next[t] = MCC_WR * lam[t] + scale * acc;
		}
		memcpy(lam, next, (size_t)np * sizeof(float));
	}

	/* nP by the minutiae counts; take the most efficient pairs */
	int minc = ref->count < probe->count ? ref->count : probe->count;
	float zp = sigmoid((float)minc, MCC_MU_P, MCC_TAU_P);
	int want = MCC_MIN_NP + (int)(zp * (float)(MCC_MAX_NP - MCC_MIN_NP) +
	    0.5f);
	if (want > np)
		want = np;
	float *eff = w->s.r.eff;
	for (int t = 0; t < np; t++)
		eff[t] = lam[t] / lam0[t];
	float total = 0.0f;
	for (int n = 0; n < want; n++) {
		int best = 0;
		for (int t = 1; t < np; t++)
			if (eff[t] > eff[best])
				best = t;
		total += lam[best];
		eff[best] = -1.0f;
	}
	float local = total / (float)(MCC_MIN_NP > want ? MCC_MIN_NP : want);
	mcc_global_t g;
	mcc_global_consolidate(ref, probe, w->pairs, lam, np, &w->u.g, &g);
	*score = combine(local, &g);
}

int amana_fp_reference_prepare(const amana_fp_template_t *ref, void *work,
    size_t work_len, amana_fp_prepared_t *out)
{
	if (ref == NULL || out == NULL)
		return AMANA_ERR_ARG;
	mcc_prepared_t *p = (mcc_prepared_t *)(void *)out;
	p->magic = 0;
	if (!check_work(work, work_len))
		return AMANA_ERR_FP_WORK;
	if (amana_fp_template_check(ref) != AMANA_OK)
		return AMANA_ERR_FP_TPL_INVALID;
	p->tpl = *ref;
	p->na = build_all(&p->tpl, work, p->cyl, p->valid, p->info);
	p->magic = MCC_PREPARED_MAGIC;
	return AMANA_OK;
}

/* The prepared form of t, or NULL if t was never (or not successfully)
 * prepared or its template copy no longer passes the checks. */
static const mcc_prepared_t *prepared_of(const amana_fp_prepared_t *t)
{
	const mcc_prepared_t *p = (const mcc_prepared_t *)(const void *)t;
	if (p->magic != MCC_PREPARED_MAGIC ||
	    amana_fp_template_check(&p->tpl) != AMANA_OK)
		return NULL;
	return p;
}

int amana_fp_compare_prepared_pair(const amana_fp_prepared_t *probe,
    const amana_fp_prepared_t *ref, void *work, size_t work_len,
    float *score)
{
	if (probe == NULL || ref == NULL || score == NULL)
		return AMANA_ERR_ARG;
	*score = 0.0f;
	if (!check_work(work, work_len))
		return AMANA_ERR_FP_WORK;
	const mcc_prepared_t *pp = prepared_of(probe), *pr = prepared_of(ref);
	if (pp == NULL || pr == NULL)
		return AMANA_ERR_FP_TPL_INVALID;
	mcc_work_t *w = work;
	score_with(&pp->tpl, pp, &pr->tpl, pr->cyl, pr->valid, pr->info,
	    pr->na, w->u.rho, w, score);
	return AMANA_OK;
}

int amana_fp_compare_prepared(const amana_fp_template_t *probe,
    const amana_fp_prepared_t *ref, void *work, size_t work_len,
    float *score)
{
	if (probe == NULL || ref == NULL || score == NULL)
		return AMANA_ERR_ARG;
	*score = 0.0f;
	if (!check_work(work, work_len))
		return AMANA_ERR_FP_WORK;
	const mcc_prepared_t *p = prepared_of(ref);
	if (p == NULL || amana_fp_template_check(probe) != AMANA_OK)
		return AMANA_ERR_FP_TPL_INVALID;
	mcc_work_t *w = work;
	score_with(probe, NULL, &p->tpl, p->cyl, p->valid, p->info, p->na,
	    w->u.rho, w, score);
	return AMANA_OK;
}

int amana_fp_compare(const amana_fp_template_t *probe,
    const amana_fp_template_t *ref, void *work, size_t work_len,
    float *score)
{
	if (probe == NULL || ref == NULL || score == NULL)
		return AMANA_ERR_ARG;
	*score = 0.0f;
	if (!check_work(work, work_len))
		return AMANA_ERR_FP_WORK;
	if (amana_fp_template_check(probe) != AMANA_OK ||
	    amana_fp_template_check(ref) != AMANA_OK)
		return AMANA_ERR_FP_TPL_INVALID;
	mcc_work_t *w = work;
	/* the reference's cylinders live in the work area; the compatibility
	 * matrix later overlays them */
	int na = build_all(ref, w, w->u.cyl, w->valid, w->info);
	score_with(probe, NULL, ref, w->u.cyl, w->valid, w->info, na,
	    w->u.rho, w, score);
	return AMANA_OK;
}
