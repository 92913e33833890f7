/* mcc_sim.c: the similarity of two bit cylinders, the inner loop of a
 * comparison (every probe cylinder against every reference cylinder).
 *
 *   sim = 1 - sqrt(|a xor b|) / (sqrt(|a|) + sqrt(|b|))
 *
 * over the cells valid in both, 0 when fewer than MIN_ME of the in-R cells
 * are. The counts are integers, so however they are counted the float
 * result is the same (test_fp_compare checks every method the CPU has).
 * On x86-64 the CPU is asked at run time, because Debian's x86-64 baseline
 * (and so this build) assumes neither: AVX-512 VPOPCNTDQ counts a 256-bit
 * plane at once, else the POPCNT instruction a word; elsewhere the SWAR
 * counts of mcc_bits.h (the Cortex-M4 has no population count at all). */
#include <math.h>
#include <string.h>

#include "mcc.h"
#include "mcc_bits.h"
#include "mcc_tables.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__POPCNT__)
#define MCC_POPCNT_DISPATCH 1
#include <immintrin.h>
#else
#define MCC_POPCNT_DISPATCH 0
#endif
#if defined(__POPCNT__) || defined(__aarch64__)
#define MCC_POPCNT_ALWAYS 1 /* the build's target has the instruction */
#else
#define MCC_POPCNT_ALWAYS 0
#endif

#if defined(__GNUC__)
#define MCC_INLINE inline __attribute__((always_inline))
#else
#define MCC_INLINE inline
#endif

_Static_assert(MCC_ND == 6, "count6 adds six direction planes");

/* hw: count with the instruction (__builtin_popcountll compiles to it only
 * where the target has it; else it would be a libgcc call) */
static MCC_INLINE int count1(int hw, uint64_t x)
{
#if MCC_POPCNT_DISPATCH || MCC_POPCNT_ALWAYS
	if (hw)
		return __builtin_popcountll(x);
#endif
	(void)hw;
	return popcount64(x);
}

static MCC_INLINE int count6(int hw, uint64_t x0, uint64_t x1, uint64_t x2,
    uint64_t x3, uint64_t x4, uint64_t x5)
{
#if MCC_POPCNT_DISPATCH || MCC_POPCNT_ALWAYS
	if (hw)
		return __builtin_popcountll(x0) + __builtin_popcountll(x1) +
		    __builtin_popcountll(x2) + __builtin_popcountll(x3) +
		    __builtin_popcountll(x4) + __builtin_popcountll(x5);
#endif
	(void)hw;
	return popcount6(x0, x1, x2, x3, x4, x5);
}

/* The set bits of a over the cells of mask c. */
static MCC_INLINE int count_in(int hw, const mcc_cyl_t *a, int w, uint64_t c)
{
	return count6(hw, a->bits[0][w] & c, a->bits[1][w] & c,
	    a->bits[2][w] & c, a->bits[3][w] & c, a->bits[4][w] & c,
	    a->bits[5][w] & c);
}

/* The similarity from the counts over the common cells: the one float
 * expression every counting method ends in. */
static MCC_INLINE float sim_of_counts(int nx, int na, int nb)
{
	if (na + nb == 0)
		return 0.0f;
	return 1.0f - sqrtf((float)nx) / (sqrtf((float)na) + sqrtf((float)nb));
}

static MCC_INLINE float similarity(int hw, const mcc_cyl_t *a, unsigned ia,
    const mcc_cyl_t *b, unsigned ib)
{
	const int afull = (ia & MCC_FULL) != 0, bfull = (ib & MCC_FULL) != 0;
	/* a's bits lie in a's mask: if b is full, a & common = a (and the
	 * other way round), so the stored count is the count */
	int na = bfull ? (int)(ia & ~MCC_FULL) : 0;
	int nb = afull ? (int)(ib & ~MCC_FULL) : 0, nx = 0;
	if (afull && bfull) {
		/* common = the in-R cells, which hold both: no mask */
		for (int w = 0; w < MCC_WORDS; w++)
			nx += count6(hw, a->bits[0][w] ^ b->bits[0][w],
			    a->bits[1][w] ^ b->bits[1][w],
			    a->bits[2][w] ^ b->bits[2][w],
			    a->bits[3][w] ^ b->bits[3][w],
			    a->bits[4][w] ^ b->bits[4][w],
			    a->bits[5][w] ^ b->bits[5][w]);
	} else {
		uint64_t common[MCC_WORDS];
		int nc = 0;
		for (int w = 0; w < MCC_WORDS; w++) {
			common[w] = a->mask[w] & b->mask[w];
			nc += count1(hw, common[w]);
		}
		if ((float)nc < MCC_MIN_ME * (float)MCC_INR_CELLS)
			return 0.0f;
		for (int w = 0; w < MCC_WORDS; w++) {
			const uint64_t c = common[w];
			if (!bfull)
				na += count_in(hw, a, w, c);
			if (!afull)
				nb += count_in(hw, b, w, c);
			nx += count6(hw, (a->bits[0][w] ^ b->bits[0][w]) & c,
			    (a->bits[1][w] ^ b->bits[1][w]) & c,
			    (a->bits[2][w] ^ b->bits[2][w]) & c,
			    (a->bits[3][w] ^ b->bits[3][w]) & c,
			    (a->bits[4][w] ^ b->bits[4][w]) & c,
			    (a->bits[5][w] ^ b->bits[5][w]) & c);
		}
	}
	return sim_of_counts(nx, na, nb);
}

#if MCC_POPCNT_DISPATCH
__attribute__((target("popcnt"))) static float similarity_popcnt(
    const mcc_cyl_t *a, unsigned ia, const mcc_cyl_t *b, unsigned ib)
{
	return similarity(1, a, ia, b, ib);
}

#define MCC_AVX512 __attribute__((target("avx512f,avx512vl,avx512vpopcntdq")))

MCC_AVX512 static MCC_INLINE int lanes_sum(__m256i v)
{
	uint64_t l[4];
	memcpy(l, &v, sizeof(l));
	return (int)(l[0] + l[1] + l[2] + l[3]);
}

/* A row of 4 words is one 256-bit register: a plane is three vector
 * popcounts, no per-word loop and no use of the full flags. */
MCC_AVX512 static float similarity_avx512(const mcc_cyl_t *a, const mcc_cyl_t *b)
{
	_Static_assert(MCC_WORDS == 4, "a plane is one 256-bit register");
	const __m256i c = _mm256_and_si256(
	    _mm256_loadu_si256((const __m256i *)(const void *)a->mask),
	    _mm256_loadu_si256((const __m256i *)(const void *)b->mask));
	if ((float)lanes_sum(_mm256_popcnt_epi64(c)) <
	    MCC_MIN_ME * (float)MCC_INR_CELLS)
		return 0.0f;
	__m256i sa = _mm256_setzero_si256(), sb = sa, sx = sa;
	for (int d = 0; d < MCC_ND; d++) {
		__m256i x = _mm256_loadu_si256(
		    (const __m256i *)(const void *)a->bits[d]);
		__m256i y = _mm256_loadu_si256(
		    (const __m256i *)(const void *)b->bits[d]);
		sa = _mm256_add_epi64(sa,
		    _mm256_popcnt_epi64(_mm256_and_si256(x, c)));
		sb = _mm256_add_epi64(sb,
		    _mm256_popcnt_epi64(_mm256_and_si256(y, c)));
		sx = _mm256_add_epi64(sx, _mm256_popcnt_epi64(
		    _mm256_and_si256(_mm256_xor_si256(x, y), c)));
	}
	return sim_of_counts(lanes_sum(sx), lanes_sum(sa), lanes_sum(sb));
}
#endif

float mcc_cyl_similarity_by(int method, const mcc_cyl_t *a, unsigned ia,
    const mcc_cyl_t *b, unsigned ib)
{
	switch (method) {
	case MCC_SIM_SWAR:
		return similarity(0, a, ia, b, ib);
#if MCC_POPCNT_DISPATCH
	case MCC_SIM_POPCNT:
		if (!__builtin_cpu_supports("popcnt"))
			break;
		return similarity_popcnt(a, ia, b, ib);
	case MCC_SIM_AVX512:
		if (!__builtin_cpu_supports("avx512vl") ||
		    !__builtin_cpu_supports("avx512vpopcntdq"))
			break;
		return similarity_avx512(a, b);
#elif MCC_POPCNT_ALWAYS
	case MCC_SIM_POPCNT:
		return similarity(1, a, ia, b, ib);
#endif
	default:
		break;
	}
	return -1.0f;
}

float mcc_cyl_similarity(const mcc_cyl_t *a, unsigned ia, const mcc_cyl_t *b,
    unsigned ib)
{
#if MCC_POPCNT_DISPATCH
	if (__builtin_cpu_supports("avx512vpopcntdq") &&
	    __builtin_cpu_supports("avx512vl"))
		return similarity_avx512(a, b);
	if (__builtin_cpu_supports("popcnt"))
		return similarity_popcnt(a, ia, b, ib);
	return similarity(0, a, ia, b, ib);
#else
	return similarity(MCC_POPCNT_ALWAYS, a, ia, b, ib);
#endif
}
