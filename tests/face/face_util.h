/* face_util.h: helpers shared by the face tests (files, ORL paths, simple
 * image operations written independently of the library). */
#ifndef AMANA_TEST_FACE_UTIL_H
#define AMANA_TEST_FACE_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amana/face.h"
#include "amana_config.h"

/* Reads a whole file into a malloc'd buffer; NULL if unreadable. */
static inline uint8_t *fu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	size_t k;
	while (buf != NULL && (k = fread(buf + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap) {
			uint8_t *t = realloc(buf, cap * 2);
			if (t == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = t;
			cap *= 2;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

static inline int fu_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	size_t k = len > 0 ? fwrite(data, 1, len, f) : 0;
	return (fclose(f) == 0 && k == len) ? 0 : -1;
}

/* AMANA_DATA/faces/orl/s<subject>/<image>.pgm */
static inline void fu_orl(char *out, size_t n, const char *data, int subject, int image)
{
	snprintf(out, n, "%s/faces/orl/s%d/%d.pgm", data, subject, image);
}

/* Model directory as the library will pick it, and whether its three
 * models are readable (tests skip otherwise). */
static inline const char *fu_model_dir(void)
{
	const char *d = getenv("AMANA_MODEL_DIR");
	return (d != NULL && d[0] != '\0') ? d : AMANA_MODEL_DIR_DEFAULT;
}

static inline int fu_models_present(const char *dir)
{
	static const char *names[3] = {"fr_detect.onnx", "fr_landmark.onnx", "fr_feature.onnx"};
	char p[1024];
	if (dir == NULL)
		return 0;
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		FILE *f = fopen(p, "rb");
		if (f == NULL)
			return 0;
		fclose(f);
	}
	return 1;
}

/* Decodes an image file to grey through the library's decoder. */
static inline uint8_t *fu_load_grey(const char *path, uint32_t *w, uint32_t *h)
{
	size_t len;
	uint8_t *buf = fu_read(path, &len), *grey = NULL;
	if (buf == NULL)
		return NULL;
	if (amana_face_image_decode(buf, len, &grey, w, h) != 0)
		grey = NULL;
	free(buf);
	return grey;
}

#endif
