/* status_internal.h: what the status list files share. Not installed. */
#ifndef AMANA_STATUS_INTERNAL_H
#define AMANA_STATUS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "amana/status.h"

struct amana_status_bits {
	unsigned bits;
	size_t count;
	size_t nbytes;
	uint8_t *bytes;
};

/* The token bytes a list was parsed from (token.c). */
const uint8_t *status_list_bytes(const amana_status_list_t *l, size_t *len);

#endif
