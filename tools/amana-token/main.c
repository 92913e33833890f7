/*
 * amana-token: the worker's token as a host process (docs/0601-token-
 * transport.md).
 *
 *   amana-token serve --socket PATH --flash FILE [--control PATH]
 *                     [--no-presence]
 *
 * HID socket: a UNIX stream socket; each direction carries raw 64-byte HID
 * reports back to back (the framing of the Cortex-M UART too). Several
 * clients may connect; replies go to the client whose report caused them.
 *
 * Control socket (default PATH.ctl): one text command per line, answered
 * by one line "ok ..." or "err <reason>":
 *   sensor finger|face IMAGE   capture IMAGE into the pending probe sample
 *   presence on|off|wait       user presence given at once, refused, or
 *                              waited for (up to 30 s) until "touch"
 *   touch                      the user touches the token (wait mode)
 *   power-cycle                token_init again (flash kept)
 *   ping | quit
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "amana/err.h"
#include "cli.h"
#include "host_port.h"
#include "token.h"
#ifdef AMANA_TOKEN_SENSOR
#include "sensor.h"
#endif

#define MAX_CLIENTS 8

typedef struct client {
	int fd;
	bool ctl;
	uint8_t buf[512];
	size_t have;
} client_t;

typedef struct sim {
	host_port_t port;
	token_hal_t hal;
	token_t *token;
	int cur_fd; /* where replies go */
	client_t cl[MAX_CLIENTS];
	bool quit;
	bool waiting;   /* inside a user-presence wait */
	bool touched;   /* "touch" arrived during the wait */
	bool cancelled; /* CTAPHID_CANCEL arrived during the wait */
#ifdef AMANA_TOKEN_SENSOR
	amana_sensor_t *sensor;
#endif
} sim_t;

static void send_report(void *arg, const uint8_t r[TOKEN_HID_REPORT_LEN])
{
	sim_t *s = arg;
	size_t off = 0;
	if (s->cur_fd < 0)
		return;
	while (off < TOKEN_HID_REPORT_LEN) {
		ssize_t n = send(s->cur_fd, r + off, TOKEN_HID_REPORT_LEN - off,
		    MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* the client went away: its reply is lost */
		off += (size_t)n;
	}
}

static int listen_unix(const char *path)
{
	struct sockaddr_un a;
	if (strlen(path) >= sizeof(a.sun_path))
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	strcpy(a.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 8) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool sim_wait_presence(void *arg, uint32_t timeout_ms);
static void accept_client(sim_t *s, int lfd, bool ctl);
static void on_readable(sim_t *s, client_t *c);

static void ctl_reply(int fd, const char *line)
{
	size_t n = strlen(line);
	(void)!send(fd, line, n, MSG_NOSIGNAL);
}

static void ctl_command(sim_t *s, int fd, char *line)
{
	char *arg = strchr(line, ' ');
	if (arg != NULL)
		*arg++ = '\0';
	if (strcmp(line, "ping") == 0) {
		ctl_reply(fd, "ok\n");
	} else if (strcmp(line, "quit") == 0) {
		ctl_reply(fd, "ok\n");
		s->quit = true;
	} else if (strcmp(line, "touch") == 0) {
		ctl_reply(fd, s->waiting ? "ok\n" : "err nothing waits for a touch\n");
		s->touched = s->waiting;
	} else if (strcmp(line, "presence") == 0 && arg != NULL) {
		bool wait = strcmp(arg, "wait") == 0;
		s->port.presence = strcmp(arg, "on") == 0;
		s->port.wait_presence = wait ? sim_wait_presence : NULL;
		ctl_reply(fd, "ok\n");
	} else if (s->waiting && (strcmp(line, "power-cycle") == 0 ||
	    strcmp(line, "quit") == 0)) {
		ctl_reply(fd, "err busy: a command is waiting for presence\n");
	} else if (strcmp(line, "power-cycle") == 0) {
		token_wipe(s->token);
		int rc = token_init(s->token, &s->hal);
		char msg[128];
		if (rc == AMANA_OK)
			snprintf(msg, sizeof(msg), "ok\n");
		else
			snprintf(msg, sizeof(msg), "err %s\n", amana_strerr(rc));
		ctl_reply(fd, msg);
	} else if (strcmp(line, "sensor") == 0 && arg != NULL) {
#ifdef AMANA_TOKEN_SENSOR
		char *path = strchr(arg, ' ');
		uint8_t tmpl[TOKEN_PROBE_MAX];
		size_t len = 0;
		int quality = 0, rc = AMANA_ERR_ARG;
		char msg[160];
		if (path != NULL) {
			*path++ = '\0';
			uint8_t mod = strcmp(arg, "finger") == 0 ? TOKEN_MODALITY_FINGER
			    : strcmp(arg, "face") == 0 ? TOKEN_MODALITY_FACE : 0;
			if (mod != 0 && s->sensor == NULL)
				rc = amana_sensor_new(&s->sensor, NULL);
			else
				rc = mod != 0 ? AMANA_OK : AMANA_ERR_ARG;
			if (rc == AMANA_OK)
				rc = amana_sensor_capture(s->sensor, path, mod, tmpl,
				    sizeof(tmpl), &len, &quality);
			if (rc == AMANA_OK)
				rc = host_port_set_sample(&s->port, mod, tmpl, len);
		}
		if (rc == AMANA_OK)
			snprintf(msg, sizeof(msg), "ok quality=%d bytes=%zu\n", quality, len);
		else
			snprintf(msg, sizeof(msg), "err %s\n", amana_strerr(rc));
		ctl_reply(fd, msg);
#else
		ctl_reply(fd, "err this build has no sensor\n");
#endif
	} else {
		ctl_reply(fd, "err unknown command\n");
	}
}

static void drop(client_t *c)
{
	close(c->fd);
	c->fd = -1;
	c->have = 0;
}

static void on_readable(sim_t *s, client_t *c)
{
	ssize_t n = recv(c->fd, c->buf + c->have, sizeof(c->buf) - c->have, 0);
	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		drop(c);
		return;
	}
	c->have += (size_t)n;
	if (!c->ctl) {
		/* Each report leaves the buffer before the core sees it: a
		 * presence wait inside the core reads this client again. */
		while (c->fd >= 0 && c->have >= TOKEN_HID_REPORT_LEN && !s->cancelled) {
			uint8_t r[TOKEN_HID_REPORT_LEN];
			memcpy(r, c->buf, sizeof(r));
			memmove(c->buf, c->buf + sizeof(r), c->have - sizeof(r));
			c->have -= sizeof(r);
			int saved = s->cur_fd;
			s->cur_fd = c->fd;
			if (s->waiting) {
				s->cancelled = token_hid_report_while_busy(s->token, r);
				s->cur_fd = saved;
			} else {
				token_hid_report_in(s->token, r);
			}
		}
		return;
	}
	for (;;) {
		uint8_t *nl = memchr(c->buf, '\n', c->have);
		if (nl == NULL) {
			if (c->have == sizeof(c->buf))
				drop(c); /* a line this long is not a command */
			return;
		}
		*nl = '\0';
		if (nl > c->buf && nl[-1] == '\r')
			nl[-1] = '\0';
		ctl_command(s, c->fd, (char *)c->buf);
		size_t used = (size_t)(nl - c->buf) + 1;
		memmove(c->buf, c->buf + used, c->have - used);
		c->have -= used;
	}
}

static void accept_client(sim_t *s, int lfd, bool ctl)
{
	int fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return;
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (s->cl[i].fd < 0) {
			s->cl[i].fd = fd;
			s->cl[i].ctl = ctl;
			s->cl[i].have = 0;
			return;
		}
	close(fd); /* full */
}

static int g_hid_fd = -1, g_ctl_fd = -1;

/* One poll (up to 20 ms) over both listening sockets and every client,
 * then accepts and reads whatever is ready. tick runs the token's timers
 * between the poll and the reads, as the main loop needs (not while a
 * command waits for presence). -1 when poll itself failed. */
static int poll_once(sim_t *s, int hid_fd, int ctl_fd, bool tick)
{
	struct pollfd p[2 + MAX_CLIENTS];
	int idx[2 + MAX_CLIENTS];
	nfds_t n = 0;
	p[n].fd = hid_fd;
	p[n++].events = POLLIN;
	p[n].fd = ctl_fd;
	p[n++].events = POLLIN;
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (s->cl[i].fd >= 0) {
			idx[n] = i;
			p[n].fd = s->cl[i].fd;
			p[n++].events = POLLIN;
		}
	int r = poll(p, n, 20);
	if (r < 0 && errno != EINTR)
		return -1;
	if (tick)
		token_tick(s->token, s->hal.millis(s->hal.ctx));
	if (r <= 0)
		return 0;
	if (p[0].revents & POLLIN)
		accept_client(s, hid_fd, false);
	if (p[1].revents & POLLIN)
		accept_client(s, ctl_fd, true);
	for (nfds_t i = 2; i < n; i++)
		if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
			on_readable(s, &s->cl[idx[i]]);
	return 0;
}

/* "presence wait": the token waits for a touch (control "touch") while
 * the simulator keeps serving every socket, sends KEEPALIVE(UP needed)
 * every 100 ms and passes reports to token_hid_report_while_busy, so a
 * CTAPHID_CANCEL ends the wait. */
static bool sim_wait_presence(void *arg, uint32_t timeout_ms)
{
	sim_t *s = arg;
	uint32_t start = s->hal.millis(s->hal.ctx), last_ka = start;
	int reply_fd = s->cur_fd;
	bool ok = false;
	s->waiting = true;
	s->touched = s->cancelled = false;
	while (!s->touched && !s->cancelled) {
		uint32_t now = s->hal.millis(s->hal.ctx);
		if (now - start >= timeout_ms)
			break;
		if (now - last_ka >= 100) {
			s->cur_fd = reply_fd;
			token_keepalive(s->token, 2);
			last_ka = now;
		}
		(void)poll_once(s, g_hid_fd, g_ctl_fd, false); /* errors: retried */
	}
	ok = s->touched;
	s->waiting = false;
	s->cancelled = false;
	s->cur_fd = reply_fd;
	return ok;
}

static int serve(sim_t *s, int hid_fd, int ctl_fd)
{
	while (!s->quit)
		if (poll_once(s, hid_fd, ctl_fd, true) != 0)
			return AMANA_ERR_IO;
	return AMANA_OK;
}

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	(void)sig;
	stop_signal = 1;
}

static int cmd_serve(int argc, char **argv)
{
	const char *sock = NULL, *flash = NULL, *ctl = NULL;
	bool presence = true;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			sock = argv[++i];
		else if (strcmp(argv[i], "--flash") == 0 && i + 1 < argc)
			flash = argv[++i];
		else if (strcmp(argv[i], "--control") == 0 && i + 1 < argc)
			ctl = argv[++i];
		else if (strcmp(argv[i], "--no-presence") == 0)
			presence = false;
		else
			return cli_usage_error("unknown argument '%s'", argv[i]);
	}
	if (sock == NULL || flash == NULL)
		return cli_usage_error("--socket and --flash are required");
	char ctl_buf[256];
	if (ctl == NULL) {
		snprintf(ctl_buf, sizeof(ctl_buf), "%s.ctl", sock);
		ctl = ctl_buf;
	}
	static sim_t s; /* token_t is large: not on the stack */
	static token_t token;
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < MAX_CLIENTS; i++)
		s.cl[i].fd = -1;
	s.cur_fd = -1;
	s.token = &token;
	int rc = host_port_open(&s.port, flash);
	if (rc != AMANA_OK)
		return cli_fail(rc, "cannot open flash file %s", flash);
	s.port.presence = presence;
	s.port.send = send_report;
	s.port.send_arg = &s;
	host_port_hal(&s.port, &s.hal);
	if ((rc = token_init(&token, &s.hal)) != AMANA_OK) {
		host_port_close(&s.port);
		return cli_fail(rc, "token power-up failed");
	}
	int hid_fd = listen_unix(sock), ctl_fd = listen_unix(ctl);
	g_hid_fd = hid_fd;
	g_ctl_fd = ctl_fd;
	s.port.wait_arg = &s;
	if (hid_fd < 0 || ctl_fd < 0) {
		host_port_close(&s.port);
		return cli_fail(AMANA_ERR_IO, "cannot listen on %s / %s", sock, ctl);
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	fprintf(stderr, "amana-token: serving HID on %s, control on %s\n", sock, ctl);
	while (!s.quit && !stop_signal) {
		rc = serve(&s, hid_fd, ctl_fd);
		if (rc != AMANA_OK || stop_signal)
			break;
	}
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (s.cl[i].fd >= 0)
			close(s.cl[i].fd);
	close(hid_fd);
	close(ctl_fd);
	unlink(sock);
	unlink(ctl);
	token_wipe(&token);
	host_port_close(&s.port);
#ifdef AMANA_TOKEN_SENSOR
	amana_sensor_free(&s.sensor);
#endif
	return rc == AMANA_OK ? CLI_EXIT_OK : cli_fail(rc, "serve");
}

static const cli_cmd_t commands[] = {
	{"serve", cmd_serve, "run the token, serving HID reports on a socket",
	    "usage: amana-token serve --socket PATH --flash FILE [--control PATH]\n"
	    "                         [--no-presence]\n\n"
	    "Runs the token core. PATH carries raw 64-byte HID reports; the\n"
	    "control socket (default PATH.ctl) takes one command per line:\n"
	    "  sensor finger|face IMAGE, presence on|off, power-cycle, ping, quit\n"},
};

int main(int argc, char **argv)
{
	cli_set_prog("amana-token");
	return cli_dispatch("the worker's token (host simulator)", commands,
	    sizeof(commands) / sizeof(commands[0]), argc, argv);
}
