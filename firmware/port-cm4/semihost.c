/*
 * semihost.c: the semihosting calls (ARM "Semihosting for AArch32 and
 * AArch64", version 2.0): BKPT 0xAB with the operation in r0 and a pointer to
 * the argument block in r1.
 */
#include "semihost.h"

#include <string.h>

enum {
	SYS_OPEN = 0x01,
	SYS_CLOSE = 0x02,
	SYS_WRITE0 = 0x04,
	SYS_WRITE = 0x05,
	SYS_READ = 0x06,
	SYS_SEEK = 0x0A,
	SYS_FLEN = 0x0C,
	SYS_GET_CMDLINE = 0x15,
	SYS_EXIT_EXTENDED = 0x20,
};

#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static int semihost_call(uint32_t op, const void *arg)
{
	register uint32_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;
	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return (int)r0;
}

void cm4_semihost_exit(int code)
{
	/* SYS_EXIT on AArch32 cannot carry a status; the extended call can. */
	const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
	(void)semihost_call(SYS_EXIT_EXTENDED, block);
	for (;;)
		__asm__ volatile("wfi");
}

void cm4_semihost_puts(const char *s)
{
	(void)semihost_call(SYS_WRITE0, s);
}

void cm4_semihost_puthex(uint32_t v)
{
	char buf[11] = "0x";
	for (int i = 0; i < 8; i++) {
		uint32_t nib = (v >> (28 - 4 * i)) & 0xFu;
		buf[2 + i] = (char)(nib < 10 ? '0' + nib : 'a' + nib - 10);
	}
	buf[10] = '\0';
	cm4_semihost_puts(buf);
}

void cm4_semihost_putdec(uint32_t v)
{
	char buf[11];
	size_t i = sizeof(buf) - 1;
	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && i > 0);
	cm4_semihost_puts(&buf[i]);
}

int cm4_semihost_open(const char *path, int mode)
{
	const uint32_t block[3] = {(uint32_t)(uintptr_t)path, (uint32_t)mode,
	    (uint32_t)strlen(path)};
	return semihost_call(SYS_OPEN, block);
}

int cm4_semihost_close(int fd)
{
	const uint32_t block[1] = {(uint32_t)fd};
	return semihost_call(SYS_CLOSE, block);
}

int cm4_semihost_read(int fd, void *buf, size_t len)
{
	const uint32_t block[3] = {(uint32_t)fd, (uint32_t)(uintptr_t)buf,
	    (uint32_t)len};
	return semihost_call(SYS_READ, block);
}

int cm4_semihost_write(int fd, const void *buf, size_t len)
{
	const uint32_t block[3] = {(uint32_t)fd, (uint32_t)(uintptr_t)buf,
	    (uint32_t)len};
	return semihost_call(SYS_WRITE, block);
}

int cm4_semihost_seek(int fd, uint32_t pos)
{
	const uint32_t block[2] = {(uint32_t)fd, pos};
	return semihost_call(SYS_SEEK, block);
}

long cm4_semihost_flen(int fd)
{
	const uint32_t block[1] = {(uint32_t)fd};
	return (long)semihost_call(SYS_FLEN, block);
}

int cm4_semihost_cmdline(char *buf, size_t len)
{
	uint32_t block[2] = {(uint32_t)(uintptr_t)buf, (uint32_t)len};
	if (len == 0 || semihost_call(SYS_GET_CMDLINE, block) != 0)
		return -1;
	buf[len - 1] = '\0';
	return 0;
}
