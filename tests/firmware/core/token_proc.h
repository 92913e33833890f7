/*
 * token_proc.h: starts the host simulator amana-token for a test, in a
 * fresh temporary directory (its socket, control socket and flash file),
 * and talks to its control socket. Shared by the firmware tests.
 */
#ifndef AMANA_TEST_TOKEN_PROC_H
#define AMANA_TEST_TOKEN_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct token_proc {
	pid_t pid;
	char dir[256];
	char sock[300];
	char ctl[300];
	char flash[300];
} token_proc_t;

/* Starts `exe serve ...` with extra arguments (NULL-terminated list, may be
 * NULL) and waits until its socket answers. Returns 0 or -1. */
int token_proc_start(token_proc_t *p, const char *exe, const char *const *extra);

/* Starts the process again on the same directory and flash (after a
 * stop with keep_flash, or a kill). */
int token_proc_restart(token_proc_t *p, const char *exe, const char *const *extra);

/* Sends one control line; reply (cap bytes, may be NULL) gets the answer
 * line. Returns 0 when the answer starts with "ok". */
int token_proc_ctl(token_proc_t *p, const char *line, char *reply, size_t cap);

/* Stops the process (quit, then SIGKILL if needed) and removes the dir
 * unless keep_flash. Returns the process's exit status or -1. */
int token_proc_stop(token_proc_t *p, bool keep_flash);

/* Kills the process at once (a power cut for the running simulator). */
void token_proc_kill(token_proc_t *p);

#endif
