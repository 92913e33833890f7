/* image_probe.h (internal): recognise an encoded image by its magic bytes
 * and read its size from the header, before any decoder runs.
 * Accepted: PNG, baseline/progressive JPEG, BMP (Windows header), PGM/PPM
 * (P2, P3, P5, P6). Everything else is refused, which keeps OpenCV's other
 * decoders (TIFF, JPEG 2000, OpenEXR, HDR, ...) out of reach of input. */
#ifndef AMANA_FACE_IMAGE_PROBE_H
#define AMANA_FACE_IMAGE_PROBE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum face_image_kind {
	FACE_IMAGE_PNG = 1,
	FACE_IMAGE_JPEG,
	FACE_IMAGE_BMP,
	FACE_IMAGE_PNM
} face_image_kind_t;

/* AMANA_OK with the kind and size; AMANA_ERR_FACE_IMAGE for an unknown or
 * malformed header; AMANA_ERR_LIMIT for a side of 0 or above
 * AMANA_FACE_MAX_SIDE, or more than AMANA_FACE_MAX_FILE bytes. */
int face_image_probe(const uint8_t *buf, size_t len, face_image_kind_t *kind,
    uint32_t *w, uint32_t *h);

#ifdef __cplusplus
}
#endif
#endif
