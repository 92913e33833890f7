/*
 * board.c: CMSDK APB UART and timer drivers (ARM DDI 0479, the Cortex-M
 * System Design Kit), as QEMU models them for mps2-an386.
 */
#include "board.h"

#define REG(base, off) (*(volatile uint32_t *)((base) + (off)))

static const uintptr_t uart_base[2] = {0x40004000u, 0x40005000u};
#define UART_DATA 0x00u
#define UART_STATE 0x04u
#define UART_CTRL 0x08u
#define UART_BAUDDIV 0x10u
#define UART_STATE_TXFULL 0x1u
#define UART_STATE_RXFULL 0x2u
#define UART_CTRL_TXEN 0x1u
#define UART_CTRL_RXEN 0x2u

#define TIMER0 0x40000000u
#define TIMER_CTRL 0x00u
#define TIMER_VALUE 0x04u
#define TIMER_RELOAD 0x08u

void cm4_uart_init(enum cm4_uart u)
{
	uintptr_t b = uart_base[u];
	/* QEMU ignores the rate but rejects a divider below 16. */
	REG(b, UART_BAUDDIV) = 16u;
	REG(b, UART_CTRL) = UART_CTRL_TXEN | UART_CTRL_RXEN;
}

int cm4_uart_getc(enum cm4_uart u)
{
	uintptr_t b = uart_base[u];
	if ((REG(b, UART_STATE) & UART_STATE_RXFULL) == 0)
		return -1;
	return (int)(REG(b, UART_DATA) & 0xFFu);
}

void cm4_uart_write(enum cm4_uart u, const uint8_t *buf, size_t len)
{
	uintptr_t b = uart_base[u];
	for (size_t i = 0; i < len; i++) {
		while (REG(b, UART_STATE) & UART_STATE_TXFULL)
			;
		REG(b, UART_DATA) = buf[i];
	}
}

static uint32_t clock_last;
static uint64_t clock_total;

void cm4_clock_init(void)
{
	REG(TIMER0, TIMER_CTRL) = 0;
	REG(TIMER0, TIMER_RELOAD) = 0xFFFFFFFFu;
	REG(TIMER0, TIMER_VALUE) = 0xFFFFFFFFu;
	REG(TIMER0, TIMER_CTRL) = 1u; /* enable, clocked by PCLK */
	clock_last = 0xFFFFFFFFu;
	clock_total = 0;
}

uint64_t cm4_clock_ticks(void)
{
	/* The timer counts down; unsigned subtraction absorbs one wrap. */
	uint32_t now = REG(TIMER0, TIMER_VALUE);
	clock_total += (uint32_t)(clock_last - now);
	clock_last = now;
	return clock_total;
}

uint32_t cm4_clock_ms(void)
{
	return (uint32_t)(cm4_clock_ticks() / (CM4_SYSCLK_HZ / 1000u));
}
