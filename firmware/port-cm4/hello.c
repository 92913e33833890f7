/*
 * hello.c: the smallest on-target check of the port: semihosting console,
 * UART echo of one 64-byte report, the clock, the FPU, and the exit code.
 * Exits 0 when the timer advances and float arithmetic works; with the
 * argument "echo" it also echoes one 64-byte report on the HID UART; with
 * "calibrate" (run under -icount shift=0) it checks that one timer tick is
 * 40 instructions; with "overflow" it recurses until the MPU stack guard
 * faults (the test expects exit 99).
 */
#include <string.h>

#include "board.h"
#include "semihost.h"

int main(void);

static volatile float fpu_probe = 1.5f;

/* Recursion with a frame the compiler cannot drop. */
static uint32_t deep(uint32_t n)
{
	volatile uint8_t frame[256];
	frame[n & 0xFFu] = (uint8_t)n;
	if (n > 100000u)
		return frame[0];
	return deep(n + 1u) + frame[n & 0xFFu];
}

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
	int have_cmd = cm4_semihost_cmdline(cmd, sizeof(cmd)) == 0;
	if (have_cmd && strstr(cmd, "calibrate") != NULL) {
		/* Under -icount shift=0, 2,000,000 instructions are 2 ms of
		 * virtual time, 50,000 ticks of the 25 MHz timer: the premise of
		 * every "instructions" figure the benchmarks print. */
		uint32_t n = 1000000u;
		uint64_t c0 = cm4_clock_ticks();
		__asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
		uint64_t c1 = cm4_clock_ticks();
		uint32_t d = (uint32_t)(c1 - c0);
		cm4_semihost_puts("calibration: ticks for 2M instructions ");
		cm4_semihost_putdec(d);
		cm4_semihost_puts("\n");
		if (d < 49990u || d > 50010u) {
			cm4_semihost_puts("FAIL: 40 instructions per tick does not hold\n");
			fails++;
		}
	}
	if (have_cmd && strstr(cmd, "overflow") != NULL) {
		/* Runs into the MPU guard below the stack: must end in the fault
		 * handler (exit 99), never return. */
		cm4_semihost_puts("overflowing the stack\n");
		(void)deep(0);
		cm4_semihost_puts("FAIL: the stack guard did not fault\n");
		fails++;
	}
	if (have_cmd && strstr(cmd, "echo") != NULL) {
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
