/* Fuzz target: image files as a verifier receives them (PNG, JPEG, PGM:
 * the readers, zbar, and the assembler behind them). The input is written
 * to a temporary file, since the readers take a path. Images are limited
 * to 256 Kpixel here so that each input stays fast; the production limit
 * is the same code with a larger number. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "amana/err.h"
#include "amana/qr.h"
#include "qr_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/amana-fuzz-image-%ld", (long)getpid());
	}
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return 0;
	if (size > 0 && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return 0;
	}
	fclose(f);
	amana_qr_asm_t *a = NULL;
	if (amana_qr_asm_new(&a) != AMANA_OK)
		return 0;
	size_t found = 0;
	int rc = qr_scan_file_max(path, 256u * 1024u, a, &found);
	if (rc == AMANA_OK && found == 0)
		abort(); /* success means at least one code */
	uint8_t *p = NULL;
	size_t n = 0;
	if (amana_qr_asm_finish(a, &p, &n) == AMANA_OK && n > AMANA_QR_MAX_PAYLOAD)
		abort();
	free(p);
	amana_qr_asm_free(&a);
	unlink(path);
	return 0;
}
