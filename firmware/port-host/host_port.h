/*
 * host_port.h: the host simulator's HAL (firmware/core/hal.h on Linux).
 *
 * Flash: page_count pages of page_size bytes held in memory and written
 * through to a file (pwrite after every erase/program), so killing the
 * process at any point leaves the file as a real token's flash would be.
 * RNG: getrandom(2). Time: CLOCK_MONOTONIC. Sensor: one pending probe slot
 * filled by the simulator's side channel. User presence: given at once,
 * or refused when presence is off (the control channel toggles it).
 * Reports leave through the send callback the simulator installs.
 */
#ifndef AMANA_HOST_PORT_H
#define AMANA_HOST_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"

#define HOST_FLASH_PAGE_SIZE 2048u
#define HOST_FLASH_PAGES 64u /* 128 KiB: two banks of 64 KiB */

typedef struct host_port {
	uint8_t *flash;
	uint32_t page_size, page_count;
	int fd; /* -1: RAM only */
	void (*send)(void *arg, const uint8_t report[TOKEN_HID_REPORT_LEN]);
	void *send_arg;
	bool presence;
	/* When set, user presence is asked of this function instead (the
	 * simulator's "presence wait" mode: it waits for a touch while it
	 * keeps serving the transport, see token_hid_report_while_busy). */
	bool (*wait_presence)(void *arg, uint32_t timeout_ms);
	void *wait_arg;
	bool sample_pending;
	uint8_t sample_modality;
	uint8_t sample[TOKEN_PROBE_MAX];
	size_t sample_len;
	uint32_t winks;
} host_port_t;

/* Opens (creating if needed) the flash file; path NULL keeps flash in RAM.
 * A new or short file reads as erased flash. */
int host_port_open(host_port_t *p, const char *flash_path);
void host_port_close(host_port_t *p);

/* Fills hal with the port's functions (hal->ctx = p). */
void host_port_hal(host_port_t *p, token_hal_t *hal);

/* Makes a probe template the pending sensor sample. */
int host_port_set_sample(host_port_t *p, uint8_t modality, const uint8_t *tmpl,
    size_t len);

#endif /* AMANA_HOST_PORT_H */
