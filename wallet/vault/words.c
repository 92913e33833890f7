/* words.c: the recovery key as words (docs/0503-vault-recovery-words.md).
 *
 * The word list is generated, not stored: each word is consonant, vowel,
 * consonant, vowel from 16 consonants and 4 vowels, so 16*4*16*4 = 4,096
 * words of four letters, 12 bits each, all pronounceable and easy to copy by
 * hand ("bako", "zuti"). 256 key bits plus an 8-bit checksum (the first byte
 * of BLAKE2b-256 of the key) make 264 bits = 22 words; a typo in any word is
 * caught by the checksum with probability 255/256. */
#include <ctype.h>
#include <string.h>

#include <sodium.h>

#include "vault_int.h"

static const char consonants[16] = {'b', 'd', 'f', 'g', 'h', 'k', 'l', 'm',
    'n', 'p', 'r', 's', 't', 'v', 'y', 'z'};
static const char vowels[4] = {'a', 'i', 'o', 'u'};

static void word_of(unsigned idx, char out[4])
{
	out[0] = consonants[(idx >> 8) & 15u];
	out[1] = vowels[(idx >> 6) & 3u];
	out[2] = consonants[(idx >> 2) & 15u];
	out[3] = vowels[idx & 3u];
}

static int index_of(const char *w, size_t n)
{
	if (n != 4)
		return -1;
	int v = 0;
	for (size_t i = 0; i < 4; i++) {
		char c = (char)tolower((unsigned char)w[i]);
		const char *set = (i % 2 == 0) ? consonants : vowels;
		size_t setn = (i % 2 == 0) ? 16 : 4;
		const char *hit = memchr(set, c, setn);
		if (hit == NULL || c == '\0')
			return -1;
		v = v * (int)setn + (int)(hit - set);
	}
	return v;
}

static void key_bits(const uint8_t key[32], uint8_t bits[33])
{
	uint8_t h[32];
	memcpy(bits, key, 32);
	crypto_generichash(h, sizeof(h), key, 32, NULL, 0);
	bits[32] = h[0];
}

void amana_vault_words_encode(const uint8_t key[32], char out[AMANA_VAULT_WORDS_STRLEN])
{
	uint8_t bits[33];
	size_t o = 0;
	key_bits(key, bits);
	for (unsigned w = 0; w < AMANA_VAULT_WORDS; w++) {
		unsigned bit = w * 12u, idx = 0;
		for (unsigned b = 0; b < 12u; b++, bit++)
			idx = (idx << 1) | ((bits[bit / 8u] >> (7u - bit % 8u)) & 1u);
		if (w > 0)
			out[o++] = ' ';
		word_of(idx, out + o);
		o += 4;
	}
	out[o] = '\0';
	sodium_memzero(bits, sizeof(bits));
}

int amana_vault_words_decode(const char *words, uint8_t key[32])
{
	uint8_t bits[33] = {0}, want[33];
	unsigned nw = 0;
	const char *p = words;
	int err = AMANA_OK;
	if (words == NULL)
		return AMANA_ERR_ARG;
	while (*p != '\0' && err == AMANA_OK) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		size_t n = 0;
		while (p[n] != '\0' && !isspace((unsigned char)p[n]))
			n++;
		int idx = index_of(p, n);
		if (idx < 0 || nw >= AMANA_VAULT_WORDS) {
			err = AMANA_ERR_VAULT_WORDS;
			break;
		}
		for (unsigned b = 0; b < 12u; b++) {
			unsigned bit = nw * 12u + b;
			if ((unsigned)idx & (1u << (11u - b)))
				bits[bit / 8u] |= (uint8_t)(1u << (7u - bit % 8u));
		}
		nw++;
		p += n;
	}
	if (err == AMANA_OK && nw != AMANA_VAULT_WORDS)
		err = AMANA_ERR_VAULT_WORDS;
	if (err == AMANA_OK) {
		key_bits(bits, want);
		if (want[32] != bits[32])
			err = AMANA_ERR_VAULT_WORDS;
		else
			memcpy(key, bits, 32);
		sodium_memzero(want, sizeof(want));
	}
	sodium_memzero(bits, sizeof(bits));
	return err;
}
