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

/* Replaces the root of the min-heap h[0..n) with v: the hole goes down to
 * a leaf along the smaller children, then v rises to its place (Floyd's
 * variant: v usually belongs near the bottom, so this takes one comparison
 * a level instead of two). */
static inline void mcc_heap_replace_root(uint64_t *h, int n, uint64_t v)
{
	int i = 0;
	for (int c = 1; c < n; c = 2 * i + 1) {
		c += c + 1 < n && h[c + 1] < h[c];
		h[i] = h[c];
		i = c;
	}
	while (i > 0 && v < h[(i - 1) / 2]) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = v;
}

/* Keeps the cap largest keys pushed into h[0..*n). */
static inline void mcc_heap_push(uint64_t *h, int *n, int cap, uint64_t v)
{
	if (*n < cap) {
		int i = (*n)++;
		while (i > 0 && v < h[(i - 1) / 2]) {
			h[i] = h[(i - 1) / 2];
			i = (i - 1) / 2;
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
