/* fuzz_bio_rec.c: the enrolment record parser over arbitrary flash bytes;
 * whatever parses must rebuild to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "bio_rec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[BIO_REC_MAX + 64];
	bio_rec_view_t v;
	if (size > STORE_VALUE_MAX || bio_rec_parse(data, size, &v) != AMANA_OK)
		return 0;
	size_t len = 0;
	if (bio_rec_build(&v, out, sizeof(out), &len) != AMANA_OK || len != size ||
	    memcmp(out, data, size) != 0)
		abort();
	return 0;
}
