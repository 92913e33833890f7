/*
 * cm4_hal.h: the board's implementation of the token core's HAL (hal.h) on
 * QEMU's mps2-an386 (docs/0680-cm4-port.md).
 *
 * - hid_send: 64 raw bytes on UART0 (no framing, as on the simulator's
 *   socket);
 * - flash: CM4_STORE_PAGES pages of CM4_STORE_PAGE_SIZE bytes in a host file
 *   through semihosting; the file is created (all 0xFF) when missing. It
 *   stands for the last 64 KiB of the part's 256 KiB flash, which cm4.ld
 *   keeps free of code;
 * - rng: host /dev/urandom through semihosting (docs/0681-cm4-rng.md);
 * - millis: CMSDK timer 0;
 * - sensor_take: probe templates framed on UART1 as
 *   0xA5, modality, length (2 bytes, little-endian), template bytes
 *   (the sensor module's side of a match-on-card token);
 * - power loss: "cut=N" cuts the N-th flash write (cm4_hal_init);
 * - user_presence: the board has no button; presence is granted at once
 *   (like a token whose touch sensor is always pressed), unless the image
 *   was started with "up=deny" on QEMU's -append line.
 */
#ifndef AMANA_CM4_HAL_H
#define AMANA_CM4_HAL_H

#include <stdbool.h>
#include <stdint.h>

#include "hal.h"

#define CM4_STORE_PAGE_SIZE 2048u
#define CM4_STORE_PAGES 32u

/* Sensor frame marker on UART1. */
#define CM4_SENSOR_MAGIC 0xA5u

/* Timer ticks spent waiting on the UARTs (sending HID reports, waiting for
 * a sensor frame) since boot: the trace subtracts them, so its instruction
 * counts are the token's own work, not QEMU's pace of delivering bytes. */
extern uint64_t cm4_hal_io_ticks;

/* Fills hal; opens (or creates) the flash file at flash_path. Returns 0 or
 * a negative amana_err (AMANA_ERR_IO when the file cannot be opened).
 * power_cut_at > 0 simulates power loss: the power_cut_at-th flash erase or
 * program from now on stops half done and the image exits 97 (the tests cut
 * at every write in turn). */
int cm4_hal_init(token_hal_t *hal, const char *flash_path, bool deny_presence,
    uint32_t power_cut_at);

#endif /* AMANA_CM4_HAL_H */
