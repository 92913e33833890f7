/*
 * cm4_qemu.c: see cm4_qemu.h.
 */
#include "cm4_qemu.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int unix_connect(const char *path)
{
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int cm4_qemu_start(cm4_qemu_t *q, const char *elf, const char *extra, int icount)
{
	memset(q, 0, sizeof(*q));
	q->sensor_fd = -1;
	snprintf(q->dir, sizeof(q->dir), "/tmp/amana-cm4-XXXXXX");
	if (mkdtemp(q->dir) == NULL) {
		q->dir[0] = '\0';
		return -1;
	}
	snprintf(q->hid, sizeof(q->hid), "%s/hid.sock", q->dir);
	snprintf(q->sensor, sizeof(q->sensor), "%s/sensor.sock", q->dir);
	snprintf(q->flash, sizeof(q->flash), "%s/flash.bin", q->dir);
	snprintf(q->log, sizeof(q->log), "%s/qemu.log", q->dir);
	return cm4_qemu_restart(q, elf, extra, icount);
}

int cm4_qemu_restart(cm4_qemu_t *q, const char *elf, const char *extra, int icount)
{
	char chr_hid[200], chr_sen[200], append[400], kernel[512];
	cm4_qemu_poweroff(q);
	snprintf(kernel, sizeof(kernel), "%s", elf);
	unlink(q->hid);
	unlink(q->sensor);
	q->log_off = 0;
	snprintf(chr_hid, sizeof(chr_hid), "socket,id=hid,path=%s,server=on,wait=off", q->hid);
	snprintf(chr_sen, sizeof(chr_sen), "socket,id=sen,path=%s,server=on,wait=off", q->sensor);
	snprintf(append, sizeof(append), "flash=%s %s", q->flash, extra ? extra : "");

	q->pid = fork();
	if (q->pid < 0)
		return -1;
	if (q->pid == 0) {
		/* QEMU must not outlive a test killed by its timeout. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int fd = open(q->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		char *argv[] = {"qemu-system-arm", "-M", "mps2-an386", "-display", "none",
			"-monitor", "none", "-chardev", chr_hid, "-chardev", chr_sen,
			"-serial", "chardev:hid", "-serial", "chardev:sen",
			"-semihosting-config", "enable=on,target=native",
			"-kernel", kernel, "-append", append,
			icount ? "-icount" : NULL, "shift=0", NULL};
		execvp(argv[0], argv);
		_exit(127);
	}
	/* QEMU creates both sockets before it starts the CPU. */
	for (int i = 0; i < 400; i++) { /* up to 20 s on a loaded machine */
		int fd = unix_connect(q->hid);
		if (fd >= 0) {
			close(fd); /* probe only: libfido2 opens its own */
			q->sensor_fd = unix_connect(q->sensor);
			if (q->sensor_fd >= 0)
				return 0;
		}
		if (waitpid(q->pid, NULL, WNOHANG) == q->pid) {
			q->pid = 0;
			break;
		}
		sleep_ms(50);
	}
	fprintf(stderr, "cm4_qemu: QEMU did not come up (log %s)\n", q->log);
	return -1;
}

void cm4_qemu_poweroff(cm4_qemu_t *q)
{
	if (q->sensor_fd >= 0)
		close(q->sensor_fd);
	q->sensor_fd = -1;
	if (q->pid > 0) {
		kill(q->pid, SIGTERM);
		for (int i = 0; i < 40 && waitpid(q->pid, NULL, WNOHANG) == 0; i++)
			sleep_ms(50);
		if (kill(q->pid, 0) == 0) {
			kill(q->pid, SIGKILL);
			waitpid(q->pid, NULL, 0);
		}
		q->pid = 0;
	}
}

void cm4_qemu_stop(cm4_qemu_t *q)
{
	cm4_qemu_poweroff(q);
	if (q->dir[0] != '\0') {
		unlink(q->hid);
		unlink(q->sensor);
		unlink(q->flash);
		unlink(q->log);
		rmdir(q->dir);
	}
}

int cm4_qemu_connect_hid(const cm4_qemu_t *q)
{
	return unix_connect(q->hid);
}

int cm4_qemu_alive(cm4_qemu_t *q)
{
	int st = 0;
	if (q->pid <= 0)
		return 0;
	if (waitpid(q->pid, &st, WNOHANG) == q->pid) {
		q->pid = 0;
		q->exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		return 0;
	}
	return 1;
}

int cm4_qemu_wait_exit(cm4_qemu_t *q, int ms)
{
	for (int waited = 0; cm4_qemu_alive(q); waited += 20) {
		if (waited >= ms)
			return -1;
		sleep_ms(20);
	}
	return q->exit_status;
}

int cm4_qemu_sensor_send(cm4_qemu_t *q, uint8_t modality, const uint8_t *tmpl,
    size_t len)
{
	uint8_t hdr[4] = {0xA5, modality, (uint8_t)(len & 0xFF), (uint8_t)(len >> 8)};
	if (q->sensor_fd < 0 || len == 0 || len > 0xFFFF)
		return -1;
	if (write(q->sensor_fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr) ||
	    write(q->sensor_fd, tmpl, len) != (ssize_t)len)
		return -1;
	return 0;
}

/* Reads complete trace lines past q->log_off; adds them up. */
static int trace_read(cm4_qemu_t *q, unsigned long *ticks,
    unsigned long *max_ticks, unsigned long *stack, unsigned long *arena)
{
	FILE *f = fopen(q->log, "r");
	char line[256];
	int n = 0;
	if (f == NULL)
		return 0;
	if (fseek(f, q->log_off, SEEK_SET) == 0) {
		while (fgets(line, sizeof(line), f) != NULL) {
			unsigned long t, s, a;
			if (strchr(line, '\n') == NULL)
				break; /* a line QEMU is still writing: next time */
			q->log_off = ftell(f);
			if (sscanf(line, "cm4 token: ticks %lu stack %lu arena %lu",
			    &t, &s, &a) == 3) {
				*ticks += t;
				if (t > *max_ticks)
					*max_ticks = t;
				*stack = s;
				*arena = a;
				n++;
			}
		}
	}
	fclose(f);
	return n;
}

int cm4_qemu_trace(cm4_qemu_t *q, unsigned long *ticks, unsigned long *max_ticks,
    unsigned long *stack, unsigned long *arena)
{
	/* The image logs a command after its response has left on the UART,
	 * so the last line may still be on its way: read until 100 ms pass
	 * without a new line (at most 2 s). */
	int n = 0, quiet = 0;
	*ticks = 0;
	*max_ticks = 0;
	for (int waited = 0; waited < 2000 && quiet < 100; waited += 20) {
		int got = trace_read(q, ticks, max_ticks, stack, arena);
		n += got;
		quiet = got > 0 ? 0 : quiet + 20;
		sleep_ms(20);
	}
	return n;
}
