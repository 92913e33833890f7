/*
 * token_main.c: the token image's main loop. QEMU's -append line carries
 * "flash=PATH" (the store's host file, required) and optionally "up=deny"
 * (presence refused) and "cut=N" (power lost at the N-th flash write, exit
 * 97).
 *
 * UART0 bytes are gathered into 64-byte reports and fed to the core; a
 * report left half-received for 1 s is dropped, so a host that disconnected
 * mid-report cannot shift every later report by a few bytes. token_tick()
 * runs every 5 ms. Exit codes: 2 bad command line, 3 flash/RNG failure at
 * power-up (the token otherwise runs until QEMU is stopped).
 *
 * With "trace" on the command line the image reports on the semihosting
 * console, after every report that took more than 2,000 timer ticks (a
 * command ran), "cm4 token: ticks N stack S arena A": the ticks that report
 * took (x 40 = instructions under -icount shift=0) less those spent waiting
 * on the UARTs (cm4_hal_io_ticks), the stack high-water mark and the crypto
 * arena's peak so far. The tests turn these into
 * figures.
 */
#include <stdbool.h>
#include <string.h>

#include "board.h"
#include "cm4_crypto_arena.h"
#include "cm4_hal.h"
#include "semihost.h"
#include "token.h"

int main(void);

static token_t token;

/* Copies the value of "key=" from the space-separated cmdline into out. */
static bool arg_value(const char *cmdline, const char *key, char *out,
    size_t cap)
{
	size_t klen = strlen(key);
	for (const char *p = cmdline; *p != '\0';) {
		while (*p == ' ')
			p++;
		const char *end = p;
		while (*end != '\0' && *end != ' ')
			end++;
		if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 &&
		    p[klen] == '=') {
			size_t n = (size_t)(end - p) - klen - 1;
			if (n + 1 > cap)
				return false;
			memcpy(out, p + klen + 1, n);
			out[n] = '\0';
			return true;
		}
		p = end;
	}
	return false;
}

static void report_trace(uint64_t ticks)
{
	cm4_semihost_puts("cm4 token: ticks ");
	cm4_semihost_putdec((uint32_t)ticks);
	cm4_semihost_puts(" stack ");
	cm4_semihost_putdec((uint32_t)cm4_stack_peak());
	cm4_semihost_puts(" arena ");
	cm4_semihost_putdec((uint32_t)cm4_crypto_arena_peak());
	cm4_semihost_puts("\n");
}

int main(void)
{
	static char cmdline[192], flash_path[160], up[8], cut[12];
	token_hal_t hal;
	uint8_t report[TOKEN_HID_REPORT_LEN];
	size_t have = 0;
	uint32_t last_byte_ms = 0, last_tick_ms = 0;

	cm4_stack_paint();
	cm4_clock_init();
	cm4_uart_init(CM4_UART_HID);
	cm4_uart_init(CM4_UART_SENSOR);
	cm4_crypto_arena_init();
	if (cm4_semihost_cmdline(cmdline, sizeof(cmdline)) != 0 ||
	    !arg_value(cmdline, "flash", flash_path, sizeof(flash_path))) {
		cm4_semihost_puts("cm4 token: usage: -append "
		    "\"flash=PATH [up=deny] [cut=N] [trace]\"\n");
		return 2;
	}
	bool deny = arg_value(cmdline, "up", up, sizeof(up)) &&
	    strcmp(up, "deny") == 0;
	bool trace = strstr(cmdline, "trace") != NULL;
	uint32_t cut_at = 0;
	if (arg_value(cmdline, "cut", cut, sizeof(cut)))
		for (const char *p = cut; *p >= '0' && *p <= '9'; p++)
			cut_at = cut_at * 10u + (uint32_t)(*p - '0');
	if (cm4_hal_init(&hal, flash_path, deny, cut_at) != 0 ||
	    token_init(&token, &hal) != 0) {
		cm4_semihost_puts("cm4 token: power-up failed (flash or RNG)\n");
		return 3;
	}
	cm4_semihost_puts("cm4 token: ready\n");

	for (;;) {
		uint32_t now = cm4_clock_ms();
		int c = cm4_uart_getc(CM4_UART_HID);
		if (c >= 0) {
			report[have++] = (uint8_t)c;
			last_byte_ms = now;
			if (have == sizeof(report)) {
				uint64_t t0 = cm4_clock_ticks(), io0 = cm4_hal_io_ticks;
				token_hid_report_in(&token, report);
				uint64_t dt = cm4_clock_ticks() - t0 -
				    (cm4_hal_io_ticks - io0);
				have = 0;
				if (trace && dt > 2000u)
					report_trace(dt);
			}
			continue;
		}
		if (have > 0 && (uint32_t)(now - last_byte_ms) >= 1000u)
			have = 0;
		if ((uint32_t)(now - last_tick_ms) >= 5u) {
			token_tick(&token, now);
			last_tick_ms = now;
		}
	}
}
