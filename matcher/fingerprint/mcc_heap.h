/* mcc_heap.h: the best cylinder pairs of a comparison, kept in a min-heap
 * of 64-bit keys.
 *
 * A pair (sim, a, b) is ordered by sim, then by the smaller a, then by the
 * smaller b (so the kept set never depends on the order pairs arrive in).
 * The key packs that order into one integer: sim is positive and finite,
 * and the bits of positive floats order as the values do, so
 * key = bits(sim) << 16 | (255 - a) << 8 | (255 - b) compares as the pairs
 * do, with one integer comparison and no branch on ties. */
#ifndef AMANA_FP_MCC_HEAP_H
#define AMANA_FP_MCC_HEAP_H

#include <stdint.h>
#include <string.h>

/* sim > 0 and finite; a, b < 256 */
static inline uint64_t mcc_pair_key(float sim, unsigned a, unsigned b)
{
	uint32_t bits;
	memcpy(&bits, &sim, sizeof(bits));
	return (uint64_t)bits << 16 | (uint64_t)(255u - a) << 8 | (255u - b);
}

static inline float mcc_key_sim(uint64_t k)
{
	uint32_t bits = (uint32_t)(k >> 16);
	float sim;
	memcpy(&sim, &bits, sizeof(sim));
	return sim;
}

static inline unsigned mcc_key_a(uint64_t k)
{
	return 255u - (unsigned)(k >> 8 & 255u);
}

static inline unsigned mcc_key_b(uint64_t k)
{
	return 255u - (unsigned)(k & 255u);
}

/* On a 64-bit host the heap is 4-ary (children of i: 4i + 1 .. 4i + 4):
 * half the depth of a binary one, the four children loaded and compared at
 * once, so the chain of dependent loads that bounds a sift is half as long
 * (both prepared: 18% more comparisons a second). A 32-bit core (the
 * Cortex-M4) compares 64-bit keys in several instructions and has no such
 * latency to hide: binary there (0.4% fewer instructions). The kept set and
 * the sorted order are the same either way. */
#if UINTPTR_MAX > 0xffffffffu
#define MCC_HEAP_D 4
#else
#define MCC_HEAP_D 2
#endif
#define MCC_HEAP_PARENT(i) (((i) - 1) / MCC_HEAP_D)

/* The smallest of the children h[c..c + D) that exist (c < n): its index
 * into *m, its key returned. */
static inline uint64_t mcc_heap_least_child(const uint64_t *h, int n, int c,
    int *m)
{
	if (MCC_HEAP_D == 2) {
		*m = c + (c + 1 < n && h[c + 1] < h[c]);
		return h[*m];
	}
	uint64_t least = h[c];
	*m = c;
	if (c + 3 < n) {
		uint64_t x0 = h[c], x1 = h[c + 1], x2 = h[c + 2], x3 = h[c + 3];
		int m01 = x1 < x0 ? c + 1 : c, m23 = x3 < x2 ? c + 3 : c + 2;
		uint64_t v01 = x1 < x0 ? x1 : x0, v23 = x3 < x2 ? x3 : x2;
		*m = v23 < v01 ? m23 : m01;
		return v23 < v01 ? v23 : v01;
	}
	for (int k = c + 1; k < n; k++) /* the last node: fewer than 4 */
		if (h[k] < least) {
			least = h[k];
			*m = k;
		}
	return least;
}

/* Replaces the root of the min-heap h[0..n) with v: the hole goes down to
 * a leaf along the smallest children, then v rises to its place (Floyd's
 * variant: v usually belongs near the bottom). */
static inline void mcc_heap_replace_root(uint64_t *h, int n, uint64_t v)
{
	int i = 0;
	for (int c = 1; c < n; c = MCC_HEAP_D * i + 1) {
		int m;
		h[i] = mcc_heap_least_child(h, n, c, &m);
		i = m;
	}
	while (i > 0 && v < h[MCC_HEAP_PARENT(i)]) {
		h[i] = h[MCC_HEAP_PARENT(i)];
		i = MCC_HEAP_PARENT(i);
	}
	h[i] = v;
}

/* Keeps the cap largest keys pushed into h[0..*n). */
static inline void mcc_heap_push(uint64_t *h, int *n, int cap, uint64_t v)
{
	if (*n < cap) {
		int i = (*n)++;
		while (i > 0 && v < h[MCC_HEAP_PARENT(i)]) {
			h[i] = h[MCC_HEAP_PARENT(i)];
			i = MCC_HEAP_PARENT(i);
		}
		h[i] = v;
	} else if (v > h[0]) {
		mcc_heap_replace_root(h, *n, v);
	}
}

/* Sorts the min-heap h[0..n) largest first: each step moves the smallest
 * to the end. Keys are distinct, so the order is the one any sort gives. */
static inline void mcc_heap_sort_desc(uint64_t *h, int n)
{
	for (int end = n - 1; end > 0; end--) {
		uint64_t least = h[0];
		mcc_heap_replace_root(h, end, h[end]);
		h[end] = least;
	}
}

#endif
