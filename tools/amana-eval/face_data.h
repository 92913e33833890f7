/* face_data.h: the images of a face data set laid out as one folder per
 * subject (ORL: s1..s40, 1.pgm..10.pgm), in natural order. */
#ifndef AMANA_EVAL_FACE_DATA_H
#define AMANA_EVAL_FACE_DATA_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "amana/face.h"

typedef struct face_img {
	char path[PATH_MAX];
	size_t subject;
	int rc;
	uint8_t tmpl[AMANA_FACE_TEMPLATE_BYTES];
	amana_face_report_t rep;
} face_img_t;

/* The images DIR/<subject>/<file> (no dot files, no README), at most
 * max_subj subjects and max_per images each; a malloc'd array of *count
 * entries (zeroed but for path and subject), NULL when there are none. */
face_img_t *face_collect(const char *root, uint64_t max_subj, uint64_t max_per,
    size_t *count);

#endif
