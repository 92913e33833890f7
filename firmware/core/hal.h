/*
 * hal.h: what a port provides to the token core.
 *
 * The core is portable C11 with no heap and no libc beyond mem*: everything
 * that touches hardware goes through one table of functions that the port
 * fills in and hands to token_init(). All calls are synchronous and made
 * from the thread that calls token_hid_report_in()/token_tick(); a port
 * never calls back into the core from an interrupt.
 *
 * Transport: the core is *fed* 64-byte HID reports (token_hid_report_in)
 * and *emits* 64-byte reports through hid_send. Over a byte stream (the
 * simulator's UNIX socket, the Cortex-M UART) a report is exactly 64 raw
 * bytes with no framing (docs/0601-token-transport.md).
 *
 * Flash: a page device of flash_page_count pages of flash_page_size bytes
 * (both powers of two chosen by the port, page size >= 256). Erase sets a
 * page to 0xFF; program only writes bytes of an erased area (NOR semantics:
 * the store never programs a byte twice between erases). A call may be cut
 * short by power loss at any point; the store is built for it (store.h).
 *
 * Return values: 0 on success, a negative amana_err on failure, unless said
 * otherwise.
 */
#ifndef TOKEN_HAL_H
#define TOKEN_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOKEN_HID_REPORT_LEN 64u

/* Modalities of a probe sample (same numbers as port-host/sensor.h). */
#define TOKEN_MODALITY_FINGER 1u
#define TOKEN_MODALITY_FACE 2u

/* Largest probe template the sensor hands over (bytes). */
#define TOKEN_PROBE_MAX 1024u

typedef struct token_hal {
	void *ctx; /* passed back to every function below */

	/* Sends one 64-byte HID report to the host. */
	void (*hid_send)(void *ctx, const uint8_t report[TOKEN_HID_REPORT_LEN]);

	/* Flash page device. */
	uint32_t flash_page_size;
	uint32_t flash_page_count;
	int (*flash_read)(void *ctx, uint32_t page, uint32_t off, uint8_t *buf,
	    size_t len);
	int (*flash_erase)(void *ctx, uint32_t page);
	int (*flash_program)(void *ctx, uint32_t page, uint32_t off,
	    const uint8_t *buf, size_t len);

	/* Fills buf with len bytes from a cryptographically secure RNG. */
	int (*rng)(void *ctx, uint8_t *buf, size_t len);

	/* Milliseconds since an arbitrary origin (wraps after 49 days). */
	uint32_t (*millis)(void *ctx);

	/* Takes (consumes) the pending probe sample of the sensor: *modality
	 * (TOKEN_MODALITY_*) and the probe template bytes (*len <= cap).
	 * Returns AMANA_ERR_NOT_FOUND when no sample is pending within
	 * timeout_ms (a port may return at once). NULL: no sensor. */
	int (*sensor_take)(void *ctx, uint32_t timeout_ms, uint8_t *modality,
	    uint8_t *tmpl, size_t cap, size_t *len);

	/* Asks for user presence (a touch); true when the user confirmed
	 * within timeout_ms. The core has sent KEEPALIVE(UP needed) first. */
	bool (*user_presence)(void *ctx, uint32_t timeout_ms);

	/* Blinks/beeps for CTAPHID_WINK. May be NULL. */
	void (*wink)(void *ctx);
} token_hal_t;

#endif /* TOKEN_HAL_H */
