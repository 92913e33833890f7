/* progress.c: a one-line progress bar on stderr, only on a terminal, so
 * logs and pipes stay clean. Redrawn at most once per percent. */
#include <unistd.h>

#include "cli.h"

void cli_progress_start(cli_progress_t *p, const char *label, size_t total)
{
	p->label = label;
	p->total = total;
	p->done = 0;
	p->last_pct = -1;
	p->tty = isatty(STDERR_FILENO) == 1;
	cli_progress_step(p, 0);
}

void cli_progress_step(cli_progress_t *p, size_t n)
{
	p->done += n;
	if (!p->tty || p->total == 0)
		return;
	int pct = (int)((p->done * 100) / p->total);
	if (pct == p->last_pct)
		return;
	p->last_pct = pct;
	int fill = pct / 4;
	fprintf(stderr, "\r%-20s [", p->label);
	for (int i = 0; i < 25; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %3d%% %zu/%zu", pct, p->done, p->total);
	fflush(stderr);
}

void cli_progress_finish(cli_progress_t *p)
{
	if (p->tty)
		fputs("\r\033[K", stderr);
}
