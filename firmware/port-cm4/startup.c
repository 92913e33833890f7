/*
 * startup.c: vector table and reset handler of the Cortex-M4 image.
 *
 * Reset copies .data from flash, zeroes .bss, turns on the FPU (the matcher
 * compares in single-precision float) and calls main(); main's return value
 * becomes the semihosting exit code, which is how on-target self-tests report
 * to the test suite. A fault also ends QEMU with a distinct exit code instead
 * of hanging the test until its timeout.
 */
#include <stdint.h>
#include <string.h>

#include "semihost.h"

extern uint32_t cm4_data_start, cm4_data_end, cm4_data_load;
extern uint32_t cm4_bss_start, cm4_bss_end, cm4_stack_top;

int main(void);
void cm4_reset(void);
void cm4_fault(void);
void cm4_default_irq(void);

/* Exit code of a HardFault/MemManage/BusFault/UsageFault. */
#define CM4_EXIT_FAULT 99

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)

void cm4_reset(void)
{
	uint32_t *src = &cm4_data_load, *dst = &cm4_data_start;
	while (dst < &cm4_data_end)
		*dst++ = *src++;
	for (dst = &cm4_bss_start; dst < &cm4_bss_end; dst++)
		*dst = 0;
	/* Full access to CP10/CP11 (the FPU) before any float instruction. */
	SCB_CPACR |= (0xFu << 20);
	__asm__ volatile("dsb\n\tisb" ::: "memory");
	cm4_semihost_exit(main());
}

void cm4_fault(void)
{
	cm4_semihost_puts("cm4: fault, CFSR=");
	cm4_semihost_puthex(SCB_CFSR);
	cm4_semihost_puts("\n");
	cm4_semihost_exit(CM4_EXIT_FAULT);
}

void cm4_default_irq(void)
{
	/* No interrupt is enabled; one arriving is a bug worth stopping on. */
	cm4_fault();
}

typedef void (*cm4_vector_t)(void);

__attribute__((section(".vectors"), used))
static const cm4_vector_t cm4_vectors[16 + 32] = {
	[0] = (cm4_vector_t)(uintptr_t)&cm4_stack_top,
	[1] = cm4_reset,
	[2] = cm4_default_irq,  /* NMI */
	[3] = cm4_fault,        /* HardFault */
	[4] = cm4_fault,        /* MemManage */
	[5] = cm4_fault,        /* BusFault */
	[6] = cm4_fault,        /* UsageFault */
	[11] = cm4_default_irq, /* SVCall */
	[12] = cm4_default_irq, /* DebugMon */
	[14] = cm4_default_irq, /* PendSV */
	[15] = cm4_default_irq, /* SysTick */
	[16 ... 47] = cm4_default_irq,
};
