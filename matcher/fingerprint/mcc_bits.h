/* mcc_bits.h: bit counts over cylinder words, for every target.
 *
 * Portable SWAR code: the x86-64 baseline that Debian builds for has no
 * POPCNT instruction, __builtin_popcountll there is a libgcc call, and the
 * Cortex-M4 has no population count at all. mcc_sim.c adds a path that
 * uses the instruction where the CPU has it; the counts are the same. */
#ifndef AMANA_FP_MCC_BITS_H
#define AMANA_FP_MCC_BITS_H

#include <stdint.h>

/* SWAR popcount: no libgcc call and no CPU feature needed. On a 32-bit
 * core (the Cortex-M4 token) the two halves are added as nibble counts and
 * share one multiply. */
static inline int popcount64(uint64_t v)
{
#if UINTPTR_MAX > 0xffffffffu
	v = v - ((v >> 1) & 0x5555555555555555ull);
	v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
	v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (int)((v * 0x0101010101010101ull) >> 56);
#else
	uint32_t a = (uint32_t)v, b = (uint32_t)(v >> 32);
	a = a - ((a >> 1) & 0x55555555u);
	b = b - ((b >> 1) & 0x55555555u);
	a = (a & 0x33333333u) + ((a >> 2) & 0x33333333u);
	b = (b & 0x33333333u) + ((b >> 2) & 0x33333333u);
	a += b; /* nibbles <= 8 */
	a = (a & 0x0f0f0f0fu) + ((a >> 4) & 0x0f0f0f0fu);
	return (int)((a * 0x01010101u) >> 24);
#endif
}

/* Total of the set bits of six words: two carry-save adders give the ones,
 * twos and fours of the per-bit sums, so three popcounts instead of six. */
static inline int popcount6(uint64_t x0, uint64_t x1, uint64_t x2,
    uint64_t x3, uint64_t x4, uint64_t x5)
{
	uint64_t s1 = x0 ^ x1 ^ x2, c1 = (x0 & x1) | (x2 & (x0 ^ x1));
	uint64_t s2 = x3 ^ x4 ^ x5, c2 = (x3 & x4) | (x5 & (x3 ^ x4));
	uint64_t ones = s1 ^ s2, c3 = s1 & s2;
	uint64_t twos = c1 ^ c2 ^ c3, fours = (c1 & c2) | (c3 & (c1 ^ c2));
	return popcount64(ones) + 2 * popcount64(twos) + 4 * popcount64(fours);
}

#endif
