/* fido_sock.h: the socket helpers shared by io.c and ctaphid.c. */
#ifndef AMANA_FIDO_SOCK_H
#define AMANA_FIDO_SOCK_H

#include <stddef.h>
#include <stdint.h>

#define AMANA_REPORT_LEN 64u

/* A connected UNIX stream socket, or -1. */
int amana_sock_connect(const char *path);
int amana_sock_write_all(int fd, const uint8_t *p, size_t n);
/* Reads exactly n bytes within ms (per wait; -1 = forever): 0, -2 when
 * nothing at all came in time, -1 on error or a partial report. */
int amana_sock_read_report(int fd, uint8_t *buf, size_t n, int ms);

#endif
