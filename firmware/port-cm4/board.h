/*
 * board.h: the peripherals of QEMU's mps2-an386 the image uses, polled (no
 * interrupts): CMSDK APB UART0 carries the HID reports, UART1 the sensor
 * side channel, CMSDK APB timer 0 the clock.
 *
 * UART framing: the HID transport is a byte stream of whole 64-byte reports,
 * the same bytes the host simulator exchanges on its UNIX socket
 * (docs/0680-cm4-port.md). QEMU holds back input while the one-byte receive
 * register is full, so polling loses no byte.
 */
#ifndef AMANA_CM4_BOARD_H
#define AMANA_CM4_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* The CPU and peripheral clock of the AN386 image, in Hz. */
#define CM4_SYSCLK_HZ 25000000u

enum cm4_uart { CM4_UART_HID = 0, CM4_UART_SENSOR = 1 };

void cm4_uart_init(enum cm4_uart u);
/* Returns the next byte, or -1 if none has arrived. */
int cm4_uart_getc(enum cm4_uart u);
void cm4_uart_write(enum cm4_uart u, const uint8_t *buf, size_t len);

/* Free-running clock from timer 0 (call cm4_clock_init once). Read it at
 * least every 170 s so the 32-bit counter's wrap is not missed. */
void cm4_clock_init(void);
uint64_t cm4_clock_ticks(void);
uint32_t cm4_clock_ms(void);

#endif /* AMANA_CM4_BOARD_H */
