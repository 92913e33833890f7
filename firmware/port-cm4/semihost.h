/*
 * semihost.h: ARM semihosting calls the Cortex-M4 image makes to QEMU
 * (run with -semihosting-config enable=on,target=native).
 *
 * Used for: the exit code of on-target tests (SYS_EXIT_EXTENDED), a debug
 * console, the flash file (open/read/write/seek on the host) and the entropy
 * source (host /dev/urandom; docs/0681-cm4-rng.md says what that means for a
 * real part). On real hardware without a debugger attached these calls would
 * fault: the board HAL is the only user, so a hardware port replaces it.
 */
#ifndef AMANA_CM4_SEMIHOST_H
#define AMANA_CM4_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* Ends QEMU with exit status code (0..255). */
__attribute__((noreturn)) void cm4_semihost_exit(int code);

/* Debug console (QEMU's stderr/stdout). */
void cm4_semihost_puts(const char *s);
void cm4_semihost_puthex(uint32_t v);
void cm4_semihost_putdec(uint32_t v);

/* Host files. Modes are the semihosting ones: 0 "r", 1 "rb", 2 "r+",
 * 3 "r+b", 4 "w", 5 "wb", 6 "w+", 7 "w+b". Return -1 on error. */
int cm4_semihost_open(const char *path, int mode);
int cm4_semihost_close(int fd);
/* Read/write len bytes; return the number of bytes NOT transferred (0 on
 * success), as the semihosting calls do, or -1 on error. */
int cm4_semihost_read(int fd, void *buf, size_t len);
int cm4_semihost_write(int fd, const void *buf, size_t len);
int cm4_semihost_seek(int fd, uint32_t pos);
long cm4_semihost_flen(int fd);

/* The command line QEMU was given with -append (after the image name), into
 * buf (NUL-terminated); returns 0, or -1 if there is none or it is too long. */
int cm4_semihost_cmdline(char *buf, size_t len);

#endif /* AMANA_CM4_SEMIHOST_H */
