/*
 * sensor.h: the sensor side of the host simulator (firmware B).
 *
 * A real match-on-card token receives a probe *template* from its sensor
 * module, never an image. The simulator does the same: the side channel of
 * amana-token hands us an image path and a modality, we run the matcher's
 * extraction here on the host (OpenCV and the fingerprint extractor may
 * allocate; the core never does) and give the core only the probe template
 * bytes through the HAL's pending-sample slot.
 *
 * Images: fingerprints as 8-bit greyscale TIFF (FVC2002; the resolution tag
 * gives the dpi, 500 when absent) or binary PGM (P5, 500 dpi assumed);
 * faces as anything the face engine reads (ORL PGM, PNG, JPEG).
 *
 * Errors: AMANA_ERR_ARG for a bad modality or NULL, AMANA_ERR_IO when the
 * file cannot be read, AMANA_ERR_SENSOR_IMAGE for an undecodable image,
 * AMANA_ERR_SENSOR_QUALITY when the extractor finds too little (no face, too
 * few minutiae), AMANA_ERR_UNSUPPORTED when the face models are missing.
 */
#ifndef AMANA_PORT_HOST_SENSOR_H
#define AMANA_PORT_HOST_SENSOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Modalities of a probe sample (same numbers as the core's hal.h). */
#define AMANA_SENSOR_FINGER 1u
#define AMANA_SENSOR_FACE 2u

/* Largest probe template in bytes (a packed fingerprint template; a face
 * template is 513 bytes). */
#define AMANA_SENSOR_SAMPLE_MAX 1024u

typedef struct amana_sensor amana_sensor_t;

/* A sensor; model_dir (NULL: $AMANA_MODEL_DIR, then the build default) is
 * where the face models live. The face engine is loaded on the first face
 * sample, so a fingerprint-only run never needs the models. */
int amana_sensor_new(amana_sensor_t **s, const char *model_dir);
void amana_sensor_free(amana_sensor_t **s);

/* Turns the image at path into a probe template of the given modality:
 * out receives *len <= cap bytes (cap >= AMANA_SENSOR_SAMPLE_MAX), *quality
 * (may be NULL) the extractor's quality 0..100. */
int amana_sensor_capture(amana_sensor_t *s, const char *path,
    uint8_t modality, uint8_t *out, size_t cap, size_t *len, int *quality);

#ifdef __cplusplus
}
#endif
#endif /* AMANA_PORT_HOST_SENSOR_H */
