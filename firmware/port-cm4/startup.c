/*
 * startup.c: vector table and reset handler of the Cortex-M4 image.
 *
 * Reset copies .data from flash, zeroes .bss, turns on the FPU (the matcher
 * compares in single-precision float), puts an MPU guard between .bss and
 * the stack and calls main(); main's return value
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
#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)
#define MPU_CTRL (*(volatile uint32_t *)0xE000ED94u)
#define MPU_RNR (*(volatile uint32_t *)0xE000ED98u)
#define MPU_RBAR (*(volatile uint32_t *)0xE000ED9Cu)
#define MPU_RASR (*(volatile uint32_t *)0xE000EDA0u)

/* The stack grows down towards .bss; the lowest CM4_GUARD_BYTES above .bss
 * (aligned, as MPU regions must be) are a no-access MPU region, so an
 * overflow faults (exit 99) instead of silently overwriting the token's
 * state. The guard is larger than the largest stack frame in the image
 * (1,152 bytes, stack_report.py), so no frame can step over it. */
#define CM4_GUARD_BYTES 2048u
#define CM4_GUARD_SIZE_FIELD 10u /* 2^(10+1) = 2048 */
uint32_t *cm4_stack_limit;

static void stack_guard(void)
{
	uintptr_t base = ((uintptr_t)&cm4_bss_end + CM4_GUARD_BYTES - 1u) &
	    ~(uintptr_t)(CM4_GUARD_BYTES - 1u);
	cm4_stack_limit = (uint32_t *)(base + CM4_GUARD_BYTES);
	MPU_RNR = 0;
	MPU_RBAR = (uint32_t)base;
	/* XN, AP = 000 (no access), SIZE, ENABLE. */
	MPU_RASR = (1u << 28) | (0u << 24) | (CM4_GUARD_SIZE_FIELD << 1) | 1u;
	/* MemManage faults reported as such; the default map elsewhere. */
	SCB_SHCSR |= 1u << 16;
	MPU_CTRL = (1u << 2) | 1u;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

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
	stack_guard();
	cm4_semihost_exit(main());
}

void cm4_fault_report(void);

/* A fault may come from a stack that ran into the guard: move to the top
 * of RAM before touching the stack (we only report and exit from here). */
__attribute__((naked)) void cm4_fault(void)
{
	__asm__ volatile(
	    "ldr r0, =cm4_stack_top\n\t"
	    "mov sp, r0\n\t"
	    "b cm4_fault_report\n\t"
	    ".ltorg");
}

void cm4_fault_report(void)
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
