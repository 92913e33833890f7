/* fuzz_face_decode.c: the image entry point of the face matcher up to the
 * decoded grey image (header probe + OpenCV's PNG/JPEG/BMP/PNM decoders).
 * The networks are left out on purpose: at ~15 ms an input they would cut
 * libFuzzer to a few dozen executions a second. A decoded image must have
 * the size its header announced, within the documented limits. */
#include <stdint.h>
#include <stdlib.h>

#include "amana/err.h"
#include "amana/face.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *grey = NULL;
	uint32_t w = 0, h = 0;
	int rc = amana_face_image_decode(data, size, &grey, &w, &h);
	if (rc == AMANA_OK) {
		if (grey == NULL || w == 0 || h == 0 || w > AMANA_FACE_MAX_SIDE ||
		    h > AMANA_FACE_MAX_SIDE)
			abort();
		/* Touch every pixel so that ASan checks the buffer's extent. */
		volatile uint8_t sink = 0;
		for (size_t i = 0; i < (size_t)w * h; i++)
			sink ^= grey[i];
		(void)sink;
	} else if (grey != NULL || rc > 0) {
		abort();
	}
	free(grey);
	return 0;
}
