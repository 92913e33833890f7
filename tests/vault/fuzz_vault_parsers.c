/* fuzz_vault_parsers.c: the manifest body parser, the key slot file parser
 * and the recovery word decoder on arbitrary bytes. What parses must
 * serialize back to the same bytes (the formats are canonical). */
#include <stdlib.h>
#include <string.h>

#include "vault_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	manifest_t m;
	if (manifest_parse(data, size, &m) == AMANA_OK) {
		vbuf_t b = {0};
		if (manifest_serialize(&m, &b) != AMANA_OK || b.len != size || memcmp(b.p, data, size) != 0)
			abort();
		vbuf_wipe(&b);
		manifest_clear(&m);
	}
	slots_t s;
	if (slots_parse(data, size, &s) == AMANA_OK) {
		static uint8_t out[SLOTS_FILE_LEN];
		slots_serialize(&s, out);
		if (size != SLOTS_FILE_LEN || memcmp(out, data, size) != 0)
			abort();
	}
	if (size < 4096) {
		char text[4096];
		uint8_t key[32];
		memcpy(text, data, size);
		text[size] = '\0';
		char words[AMANA_VAULT_WORDS_STRLEN];
		if (amana_vault_words_decode(text, key) == AMANA_OK) {
			uint8_t again[32];
			amana_vault_words_encode(key, words);
			if (amana_vault_words_decode(words, again) != AMANA_OK || memcmp(key, again, 32) != 0)
				abort();
		}
	}
	return 0;
}
