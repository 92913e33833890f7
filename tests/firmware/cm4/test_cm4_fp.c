/*
 * test_cm4_fp.c: the fingerprint comparison cross-built for the Cortex-M4
 * scores as the host build does, and how many instructions it takes there.
 *
 * Usage: test_cm4_fp FPBENCH_ELF|none [--bench]
 * Reads ISO/IEC 19794-2 templates of FVC2002 DB1_B from $AMANA_DATA (a
 * genuine pair 101_1/101_2 and an impostor pair 101_1/102_1), packs them,
 * runs fpbench.elf under QEMU with -icount shift=0 (one instruction per
 * virtual ns, 40 per tick of the 25 MHz timer) and checks that the target's
 * score equals the host's to 1e-4. Prints
 *   figure: fp_compare_instructions_genuine N
 *   figure: fp_compare_instructions_impostor N
 * SKIP without the image, QEMU or the data.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amana/fp.h"
#include "check.h"

static int load_iso(const char *dir, const char *name, amana_fp_template_t *t)
{
	char path[1024];
	uint8_t buf[8192];
	size_t nviews = 0;
	snprintf(path, sizeof(path), "%s/fvc2002/DB1_B/%s.iso", dir, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return amana_fp_iso_read(buf, n, t, 1, &nviews, NULL) == 0 && nviews == 1
	    ? 0 : -2;
}

static int write_packed(const char *path, const amana_fp_template_t *t)
{
	uint8_t buf[AMANA_FP_TEMPLATE_MAX_BYTES];
	size_t len = 0;
	if (amana_fp_template_pack(t, buf, sizeof(buf), &len) != 0)
		return -1;
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	int ok = fwrite(buf, 1, len, f) == len;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* Runs the image on a and b; *ticks and *score from its output. */
static int run_target(const char *elf, const char *a, const char *b,
    unsigned long *ticks, double *score)
{
	char cmd[4096], line[256];
	snprintf(cmd, sizeof(cmd),
	    "timeout -k 5 50 qemu-system-arm -M mps2-an386 -display none "
	    "-monitor none -serial null -icount shift=0 "
	    "-semihosting-config enable=on,target=native -kernel '%s' "
	    "-append 'a=%s b=%s' 2>&1", elf, a, b);
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	int got = 0;
	while (fgets(line, sizeof(line), p) != NULL) {
		unsigned long v;
		if (sscanf(line, "figure: fp_compare_ticks %lu", &v) == 1) {
			*ticks = v;
			got |= 1;
		} else if (sscanf(line, "score: %lu", &v) == 1) {
			*score = (double)v / 1e6;
			got |= 2;
		} else {
			fputs(line, stderr);
		}
	}
	int st = pclose(p);
	return (st == 0 && got == 3) ? 0 : -1;
}

int main(int argc, char **argv)
{
	static amana_fp_template_t t1, t2, t3;
	static uint8_t work[AMANA_FP_COMPARE_WORK_BYTES] __attribute__((aligned(8)));
	const char *data = check_data_dir();
	char dir[] = "/tmp/amana-cm4-fp-XXXXXX", pa[64], pb[64], pc[64];

	if (argc < 2 || strcmp(argv[1], "none") == 0)
		SKIP("Cortex-M4 image not built: %s",
		    getenv("CM4_SKIP_REASON") ? getenv("CM4_SKIP_REASON") : "cross build skipped");
	if (system("command -v qemu-system-arm >/dev/null 2>&1") != 0)
		SKIP("qemu-system-arm not found");
	if (data == NULL || load_iso(data, "101_1", &t1) == -1)
		SKIP("FVC2002 ISO templates not found under AMANA_DATA");
	CHECK(load_iso(data, "101_2", &t2) == 0);
	CHECK(load_iso(data, "102_1", &t3) == 0);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(pa, sizeof(pa), "%s/a", dir);
	snprintf(pb, sizeof(pb), "%s/b", dir);
	snprintf(pc, sizeof(pc), "%s/c", dir);
	CHECK(write_packed(pa, &t1) == 0);
	CHECK(write_packed(pb, &t2) == 0);
	CHECK(write_packed(pc, &t3) == 0);

	const struct { const char *name, *other; const amana_fp_template_t *t; } pairs[] = {
		{"genuine", pb, &t2}, {"impostor", pc, &t3}};
	for (size_t i = 0; i < 2; i++) {
		/* The host scores what it packed: unpack first so both sides see
		 * identical templates. */
		uint8_t buf[AMANA_FP_TEMPLATE_MAX_BYTES];
		size_t len = 0;
		amana_fp_template_t ha, hb;
		float host = -1.0f;
		CHECK(amana_fp_template_pack(&t1, buf, sizeof(buf), &len) == 0);
		CHECK(amana_fp_template_unpack(buf, len, &ha) == 0);
		CHECK(amana_fp_template_pack(pairs[i].t, buf, sizeof(buf), &len) == 0);
		CHECK(amana_fp_template_unpack(buf, len, &hb) == 0);
		CHECK(amana_fp_compare(&ha, &hb, work, sizeof(work), &host) == 0);

		unsigned long ticks = 0;
		double target = -1.0;
		int rc = run_target(argv[1], pa, pairs[i].other, &ticks, &target);
		CHECK(rc == 0);
		if (rc == 0) {
			printf("%s pair: host score %.6f, target score %.6f\n",
			    pairs[i].name, (double)host, target);
			CHECK(target - (double)host < 1e-4 && (double)host - target < 1e-4);
			printf("figure: fp_compare_instructions_%s %lu\n",
			    pairs[i].name, ticks * 40ul);
		}
	}
	unlink(pa);
	unlink(pb);
	unlink(pc);
	rmdir(dir);
	return check_done();
}
