/*
 * fpbench.c: one fingerprint comparison on the target, for the figure
 * "instructions per comparison" and for checking that the cross-built
 * matcher scores as the host build does.
 *
 * -append "a=PATH b=PATH [n=N]": two packed templates (amana_fp_template_pack
 * form, written by the host side of the test); compares them N times (1..50,
 * default 1) and prints
 *   figure: fp_compare_ticks T   (timer ticks per comparison, 25 MHz)
 *   score: S                     (the score x 1e6, rounded)
 * Under QEMU -icount shift=0 one instruction takes 1 ns, so T x 40 is the
 * instruction count. Exit 0, or 2 bad arguments, 3 unreadable template,
 * 4 comparison error.
 */
#include <string.h>

#include "amana/fp.h"
#include "board.h"
#include "semihost.h"

int main(void);

static amana_fp_template_t ta, tb;
static uint8_t work[AMANA_FP_COMPARE_WORK_BYTES] __attribute__((aligned(8)));
static uint8_t packed[AMANA_FP_TEMPLATE_MAX_BYTES];

static const char *arg(const char *cmdline, const char *key, char *out,
    size_t cap)
{
	size_t klen = strlen(key);
	for (const char *p = cmdline; *p != '\0';) {
		while (*p == ' ')
			p++;
		const char *end = p;
		while (*end != '\0' && *end != ' ')
			end++;
		if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 &&
		    p[klen] == '=' && (size_t)(end - p) - klen - 1 < cap) {
			size_t n = (size_t)(end - p) - klen - 1;
			memcpy(out, p + klen + 1, n);
			out[n] = '\0';
			return out;
		}
		p = end;
	}
	return NULL;
}

static int load(const char *path, amana_fp_template_t *t)
{
	int fd = cm4_semihost_open(path, 1);
	if (fd < 0)
		return -1;
	long n = cm4_semihost_flen(fd);
	int rc = -1;
	if (n > 0 && (size_t)n <= sizeof(packed) &&
	    cm4_semihost_read(fd, packed, (size_t)n) == 0)
		rc = amana_fp_template_unpack(packed, (size_t)n, t);
	(void)cm4_semihost_close(fd);
	return rc;
}

int main(void)
{
	static char cmdline[512], pa[200], pb[200], ns[8];
	cm4_clock_init();
	if (cm4_semihost_cmdline(cmdline, sizeof(cmdline)) != 0 ||
	    arg(cmdline, "a", pa, sizeof(pa)) == NULL ||
	    arg(cmdline, "b", pb, sizeof(pb)) == NULL) {
		cm4_semihost_puts("fpbench: -append \"a=PATH b=PATH [n=N]\"\n");
		return 2;
	}
	uint32_t n = 1;
	if (arg(cmdline, "n", ns, sizeof(ns)) != NULL) {
		n = 0;
		for (const char *p = ns; *p >= '0' && *p <= '9'; p++)
			n = n * 10u + (uint32_t)(*p - '0');
		if (n < 1 || n > 50)
			return 2;
	}
	if (load(pa, &ta) != 0 || load(pb, &tb) != 0) {
		cm4_semihost_puts("fpbench: cannot read a template\n");
		return 3;
	}
	float score = 0.0f;
	uint64_t t0 = cm4_clock_ticks();
	for (uint32_t i = 0; i < n; i++)
		if (amana_fp_compare(&ta, &tb, work, sizeof(work), &score) != 0)
			return 4;
	uint64_t t1 = cm4_clock_ticks();
	cm4_semihost_puts("figure: fp_compare_ticks ");
	cm4_semihost_putdec((uint32_t)((t1 - t0) / n));
	cm4_semihost_puts("\nscore: ");
	cm4_semihost_putdec((uint32_t)(score * 1e6f + 0.5f));
	cm4_semihost_puts("\n");
	return 0;
}
