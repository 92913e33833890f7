/*
 * amana/face.h: face image -> template (host only; OpenCV stays hidden).
 *
 * Pipeline (docs/0202-face-pipeline.md): pad, detect (fr_detect, or the
 * Haar cascade fallback), 68 landmarks twice (fr_landmark), five points,
 * similarity alignment to the 112x112 ArcFace template, embedding
 * (fr_feature), L2 normalisation, int8 quantisation. Quality checks refuse
 * a face with a reason instead of making a poor template.
 *
 * Models are read from a directory: model_dir argument, else the
 * environment variable AMANA_MODEL_DIR, else AMANA_MODEL_DIR_DEFAULT (meson
 * option model_dir). Every file can be named separately with
 * amana_face_engine_new_with(). Origins and licences: docs/0201-face-models.md.
 *
 * Threads: an engine is not thread-safe (one call at a time); different
 * engines may be used from different threads. No C++ exception crosses this
 * interface: every failure is an amana_err code.
 */
#ifndef AMANA_FACE_H
#define AMANA_FACE_H

#include <stddef.h>
#include <stdint.h>

#include "amana/face_template.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct amana_face_engine amana_face_engine_t;

/* The largest image accepted, per side, in pixels (decompression bombs and
 * runaway allocations stop here), and the largest encoded file in bytes. */
#define AMANA_FACE_MAX_SIDE 4096u
#define AMANA_FACE_MAX_FILE (32u * 1024u * 1024u)
#define AMANA_FACE_EMBEDDING_DIM 512

/* Which detector an engine uses. */
typedef enum amana_face_detector {
	AMANA_FACE_DETECT_DNN = 0,       /* fr_detect.onnx (default) */
	AMANA_FACE_DETECT_CASCADE = 1,   /* OpenCV Haar cascade, no download */
	AMANA_FACE_DETECT_BLAZEFACE = 2  /* MediaPipe BlazeFace front (Apache-2.0) */
} amana_face_detector_t;

/* Model files. A NULL member takes its default: the file named in
 * tools/models.lock inside the model directory, or for the cascade
 * /usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml. */
typedef struct amana_face_models {
	const char *dir;       /* NULL: AMANA_MODEL_DIR, else the built-in default */
	const char *detect;    /* fr_detect.onnx */
	const char *landmark;  /* fr_landmark.onnx */
	const char *feature;   /* fr_feature.onnx */
	const char *cascade;   /* Haar/LBP cascade XML */
	const char *blazeface; /* blazeface_front_128.onnx */
	amana_face_detector_t detector;
} amana_face_models_t;

/* Why a face was refused, and what was measured on the way. Filled as far
 * as the pipeline got; every field is zero for a stage not reached. */
typedef struct amana_face_report {
	int reason;             /* AMANA_OK or the error returned */
	const char *stage;      /* "decode", "detect", "landmark", "quality",
	                         * "embed" or "done": where it stopped */
	uint32_t width, height; /* of the input image */
	uint32_t faces;         /* faces kept after NMS */
	float score;            /* detector confidence of the chosen face */
	float box[4];           /* x, y, w, h in image pixels */
	float points[10];       /* eyes, nose, mouth corners (x, y), pixels */
	float eye_distance;     /* pixels */
	float roll, yaw;        /* degrees, from the landmarks (yaw: rough) */
	float sharpness;        /* variance of the Laplacian, aligned face */
	float brightness;       /* mean grey of the aligned face, 0..255 */
	float contrast;         /* standard deviation of that grey */
	float embedding[AMANA_FACE_EMBEDDING_DIM]; /* L2-normalised, float */
	double ms_decode, ms_detect, ms_landmark, ms_align, ms_embed; /* timings */
} amana_face_report_t;

/* Loads the three models (or the cascade) from model_dir (NULL: see the top
 * of this file) and checks that each is the expected network by running it
 * once on a blank input. AMANA_ERR_FACE_MODEL names a missing, unreadable or
 * wrong file; AMANA_ERR_NOMEM; AMANA_ERR_ARG. */
int amana_face_engine_new(amana_face_engine_t **e, const char *model_dir)
    __attribute__((warn_unused_result));
int amana_face_engine_new_with(amana_face_engine_t **e, const amana_face_models_t *m)
    __attribute__((warn_unused_result));
/* Frees the engine and sets *e to NULL; NULL and *e == NULL are fine. */
void amana_face_engine_free(amana_face_engine_t **e);

/* Makes a template from an 8-bit grey image (row-major, stride w). On a
 * refusal the error says why (AMANA_ERR_FACE_NONE, _SEVERAL, _SMALL, _BLUR,
 * _EXPOSURE, _POSE) and why->reason repeats it; out is then zeroed. why may
 * be NULL. Images larger than AMANA_FACE_MAX_SIDE: AMANA_ERR_LIMIT;
 * smaller than 16 pixels a side: AMANA_ERR_FACE_SMALL. */
int amana_face_template_from_image(amana_face_engine_t *e, const uint8_t *grey,
    uint32_t w, uint32_t h, uint8_t out[AMANA_FACE_TEMPLATE_BYTES],
    amana_face_report_t *why) __attribute__((warn_unused_result));

/* The same from an encoded image in memory (PNG, JPEG, BMP or PGM/PPM,
 * decoded as grey). Anything else, a truncated or corrupt file:
 * AMANA_ERR_FACE_IMAGE. */
int amana_face_template_from_encoded(amana_face_engine_t *e, const uint8_t *buf,
    size_t len, uint8_t out[AMANA_FACE_TEMPLATE_BYTES], amana_face_report_t *why)
    __attribute__((warn_unused_result));

/* The same from a file; a missing or unreadable file is AMANA_ERR_FACE_IMAGE
 * too (the report's stage is "decode"). */
int amana_face_template_from_file(amana_face_engine_t *e, const char *path,
    uint8_t out[AMANA_FACE_TEMPLATE_BYTES], amana_face_report_t *why)
    __attribute__((warn_unused_result));

/* Decodes an encoded image to grey without any model: the format is checked
 * from its magic bytes and its size from its header before OpenCV sees it.
 * On success *grey is a malloc'd w*h buffer the caller frees with free().
 * AMANA_ERR_FACE_IMAGE, AMANA_ERR_LIMIT, AMANA_ERR_NOMEM. */
int amana_face_image_decode(const uint8_t *buf, size_t len, uint8_t **grey,
    uint32_t *w, uint32_t *h) __attribute__((warn_unused_result));

/* Aligns a grey image given five points (left eye, right eye, nose, left
 * and right mouth corner, x then y, in pixels) to the 112x112 template with
 * a least-squares similarity transform and bilinear sampling (black
 * outside). m receives the 2x3 transform (image -> template) when not NULL.
 * Exposed for the alignment known-answer test and for tools. */
int amana_face_align(const uint8_t *grey, uint32_t w, uint32_t h,
    const float points[10], uint8_t out[112 * 112], float m[6])
    __attribute__((warn_unused_result));

/* The five template points (x, y) of the 112x112 aligned face. */
extern const float amana_face_template_points[10];

/* Sets the number of threads OpenCV uses process-wide (1 = run on the
 * calling thread only, what the figures in docs/ assume). */
void amana_face_set_threads(int n);

#ifdef __cplusplus
}
#endif
#endif /* AMANA_FACE_H */
