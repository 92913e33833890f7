/* token_proc.c: run amana-token for a test (contract in token_proc.h). */
#include "token_proc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int connect_unix(const char *path)
{
	struct sockaddr_un a;
	size_t n = strlen(path);
	if (n >= sizeof(a.sun_path))
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	memcpy(a.sun_path, path, n + 1);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int token_proc_start(token_proc_t *p, const char *exe, const char *const *extra)
{
	memset(p, 0, sizeof(*p));
	const char *tmp = getenv("TMPDIR");
	snprintf(p->dir, sizeof(p->dir), "%s/amana-token-XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(p->dir) == NULL)
		return -1;
	snprintf(p->sock, sizeof(p->sock), "%s/hid", p->dir);
	snprintf(p->ctl, sizeof(p->ctl), "%s/ctl", p->dir);
	snprintf(p->flash, sizeof(p->flash), "%s/flash.bin", p->dir);
	return token_proc_restart(p, exe, extra);
}

int token_proc_restart(token_proc_t *p, const char *exe, const char *const *extra)
{
	const char *argv[32];
	int n = 0;
	argv[n++] = exe;
	argv[n++] = "serve";
	argv[n++] = "--socket";
	argv[n++] = p->sock;
	argv[n++] = "--control";
	argv[n++] = p->ctl;
	argv[n++] = "--flash";
	argv[n++] = p->flash;
	for (int i = 0; extra != NULL && extra[i] != NULL && n < 30; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	unlink(p->sock);
	p->pid = fork();
	if (p->pid < 0)
		return -1;
	if (p->pid == 0) {
		char *args[32];
		for (int i = 0; i <= n; i++)
			args[i] = argv[i] != NULL ? strdup(argv[i]) : NULL;
		execv(exe, args);
		_exit(127);
	}
	for (int i = 0; i < 500; i++) { /* up to 10 s under valgrind/ASan */
		int fd = connect_unix(p->ctl);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		int st;
		if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
			p->pid = 0;
			return -1;
		}
		sleep_ms(20);
	}
	return -1;
}

int token_proc_ctl(token_proc_t *p, const char *line, char *reply, size_t cap)
{
	char buf[256];
	size_t have = 0;
	int fd = connect_unix(p->ctl);
	if (fd < 0)
		return -1;
	size_t n = strlen(line);
	if (write(fd, line, n) != (ssize_t)n || write(fd, "\n", 1) != 1) {
		close(fd);
		return -1;
	}
	while (have < sizeof(buf) - 1) {
		struct pollfd pf = {fd, POLLIN, 0};
		if (poll(&pf, 1, 30000) <= 0)
			break;
		ssize_t k = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (k <= 0)
			break;
		have += (size_t)k;
		if (memchr(buf, '\n', have) != NULL)
			break;
	}
	close(fd);
	buf[have] = '\0';
	char *nl = strchr(buf, '\n');
	if (nl != NULL)
		*nl = '\0';
	if (reply != NULL && cap > 0)
		snprintf(reply, cap, "%s", buf);
	return strncmp(buf, "ok", 2) == 0 ? 0 : -1;
}

void token_proc_kill(token_proc_t *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		p->pid = 0;
	}
}

int token_proc_stop(token_proc_t *p, bool keep_flash)
{
	int status = -1;
	if (p->pid > 0) {
		(void)token_proc_ctl(p, "quit", NULL, 0);
		for (int i = 0; i < 250; i++) {
			int st;
			if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
				status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
				p->pid = 0;
				break;
			}
			sleep_ms(20);
		}
		token_proc_kill(p);
	}
	if (!keep_flash) {
		unlink(p->flash);
		unlink(p->sock);
		unlink(p->ctl);
		rmdir(p->dir);
	}
	return status;
}
