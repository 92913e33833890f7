/* Fuzz target: everything a scanner hands the transport layer. The input
 * is a list of symbols, each behind a 2-byte big-endian length; they go
 * through the assembler (binary and Base45 forms), then reassembly and
 * inflation. The whole input is also tried as one frame and as Base45. */
#include <stdlib.h>

#include "amana/err.h"
#include "amana/qr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out = NULL;
	size_t n = 0;
	if (amana_qr_compact_decode(data, size, &out, &n) == AMANA_OK && n > AMANA_QR_MAX_PAYLOAD)
		abort();
	free(out);
	out = NULL;

	uint8_t *b45 = malloc(size + 1);
	if (b45 != NULL) {
		if (amana_base45_decode((const char *)data, size, b45, size + 1, &n) == AMANA_OK &&
		    n > size)
			abort();
		free(b45);
	}

	amana_qr_asm_t *a = NULL;
	if (amana_qr_asm_new(&a) != AMANA_OK)
		return 0;
	size_t off = 0;
	while (off + 2 <= size) {
		size_t len = ((size_t)data[off] << 8) | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		(void)!amana_qr_asm_add(a, data + off, len);
		off += len;
	}
	if (amana_qr_asm_held(a) > amana_qr_asm_expected(a))
		abort();
	if (amana_qr_asm_finish(a, &out, &n) == AMANA_OK && n > AMANA_QR_MAX_PAYLOAD)
		abort();
	free(out);
	amana_qr_asm_free(&a);
	return 0;
}
