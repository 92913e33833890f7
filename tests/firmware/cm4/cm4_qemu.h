/*
 * cm4_qemu.h: starts the token image under QEMU for the host-side tests and
 * gives libfido2 a transport to it.
 *
 * The image's UART0 (HID reports) and UART1 (sensor frames) are QEMU
 * chardev sockets in a private temporary directory; the store's flash file
 * lives there too. The HID socket speaks raw 64-byte reports, the same as
 * the host simulator's, so the tests reach it with the wallet's own
 * libfido2 transport (amana/fido.h, amana_fido_dev_use_socket) unchanged.
 */
#ifndef AMANA_CM4_QEMU_H
#define AMANA_CM4_QEMU_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct cm4_qemu {
	pid_t pid;
	char dir[64];
	char hid[128], sensor[128], flash[128], log[128];
	int sensor_fd;
	long log_off;    /* how far cm4_qemu_trace() has read the log */
	int exit_status; /* QEMU's exit code once cm4_qemu_alive() saw it end */
} cm4_qemu_t;

/* Starts QEMU on elf; extra is appended to the image's command line.
 * icount: run with -icount shift=0 (instructions = ticks x 40). Returns 0
 * once the HID socket accepts a connection, -1 on failure (logged). */
int cm4_qemu_start(cm4_qemu_t *q, const char *elf, const char *extra, int icount);

/* Power cycle: stops QEMU and starts it again on the same flash file. */
int cm4_qemu_restart(cm4_qemu_t *q, const char *elf, const char *extra, int icount);

/* Stops QEMU (SIGTERM, then SIGKILL after 2 s); the files stay. */
void cm4_qemu_poweroff(cm4_qemu_t *q);

/* Stops QEMU and removes the temporary directory. */
void cm4_qemu_stop(cm4_qemu_t *q);

/* A raw connection to the HID socket (the caller closes it), or -1. QEMU
 * serves one client at a time. */
int cm4_qemu_connect_hid(const cm4_qemu_t *q);

/* 1 while QEMU runs; 0 once it has exited (a fault exits 99). */
int cm4_qemu_alive(cm4_qemu_t *q);

/* Waits up to ms for QEMU to end; its exit code (the image's semihosting
 * exit: 97 power cut, 99 fault), or -1 if it still runs. */
int cm4_qemu_wait_exit(cm4_qemu_t *q, int ms);

/* Sends a probe template on the sensor UART (modality 1 finger, 2 face). */
int cm4_qemu_sensor_send(cm4_qemu_t *q, uint8_t modality, const uint8_t *tmpl,
    size_t len);

/* Sums the "cm4 token: ticks N stack S arena A" lines logged since the
 * last call (waiting until none has come for 100 ms): *ticks the sum of N, *max_ticks the largest, *stack and *arena
 * the last S and A seen (unchanged when there was none). Returns the number
 * of lines. */
int cm4_qemu_trace(cm4_qemu_t *q, unsigned long *ticks, unsigned long *max_ticks,
    unsigned long *stack, unsigned long *arena);

#endif /* AMANA_CM4_QEMU_H */
