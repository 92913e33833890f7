/*
 * hello.c: the smallest on-target check of the port: semihosting console,
 * UART echo of one 64-byte report, the clock, the FPU, and the exit code.
 * Exits 0 when the timer advances and float arithmetic works; with the
 * argument "echo" it also echoes one 64-byte report on the HID UART.
 */
#include <string.h>

#include "board.h"
#include "semihost.h"

int main(void);

static volatile float fpu_probe = 1.5f;

int main(void)
{
	char cmd[64];
	int fails = 0;

	cm4_clock_init();
	cm4_uart_init(CM4_UART_HID);
	cm4_semihost_puts("cm4 hello\n");

	uint64_t t0 = cm4_clock_ticks();
	float f = fpu_probe;
	for (int i = 0; i < 1000; i++)
		f = f * 1.0001f + 0.5f;
	uint64_t t1 = cm4_clock_ticks();
	if (t1 <= t0) {
		cm4_semihost_puts("FAIL: clock does not advance\n");
		fails++;
	}
	if (!(f > 500.0f && f < 600.0f)) {
		cm4_semihost_puts("FAIL: float arithmetic\n");
		fails++;
	}
	if (cm4_semihost_cmdline(cmd, sizeof(cmd)) == 0 &&
	    strstr(cmd, "echo") != NULL) {
		uint8_t rep[64];
		for (size_t n = 0; n < sizeof(rep);) {
			int c = cm4_uart_getc(CM4_UART_HID);
			if (c >= 0)
				rep[n++] = (uint8_t)c;
		}
		cm4_uart_write(CM4_UART_HID, rep, sizeof(rep));
	}
	cm4_semihost_puts(fails == 0 ? "cm4 hello: ok\n" : "cm4 hello: FAIL\n");
	return fails;
}
