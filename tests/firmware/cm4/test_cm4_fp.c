/*
 * test_cm4_fp.c: the fingerprint comparison cross-built for the Cortex-M4
 * scores as the host build does, and how many instructions it takes there.
 *
 * Usage: test_cm4_fp FPBENCH_ELF|none [--bench]
 * Reads the ISO/IEC 19794-2 templates of FVC2002 DB1_B from $AMANA_DATA,
 * packs them, runs fpbench.elf under QEMU with -icount shift=0 (one
 * instruction per virtual ns, 40 per tick of the 25 MHz timer) on 7 genuine
 * pairs (101_1 against 101_2..8), 9 impostor pairs (101_1 against
 * 102..110_1) and the two templates with the most minutiae, and checks that
 * every target score equals the host's to 1e-4. Prints the mean and the
 * largest instruction counts.
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

static int load_iso_db(const char *dir, int db, const char *name,
    amana_fp_template_t *t)
{
	char path[1024];
	uint8_t buf[8192];
	size_t nviews = 0;
	snprintf(path, sizeof(path), "%s/fvc2002/DB%d_B/%s.iso", dir, db, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return amana_fp_iso_read(buf, n, t, 1, &nviews, NULL) == 0 && nviews == 1
	    ? 0 : -2;
}

static int load_iso(const char *dir, const char *name, amana_fp_template_t *t)
{
	return load_iso_db(dir, 1, name, t);
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

/* Scores a against b on the host and on the target; adds the target's
 * instructions to *sum and *max. Returns 0 when both ran. */
static int compare_pair(const char *elf, const char *dir,
    const amana_fp_template_t *a, const amana_fp_template_t *b,
    unsigned long *instr)
{
	static uint8_t work[AMANA_FP_COMPARE_WORK_BYTES] __attribute__((aligned(8)));
	char pa[128], pb[128];
	uint8_t buf[AMANA_FP_TEMPLATE_MAX_BYTES];
	size_t len = 0;
	amana_fp_template_t ha, hb;
	float host = -1.0f;
	snprintf(pa, sizeof(pa), "%s/a", dir);
	snprintf(pb, sizeof(pb), "%s/b", dir);
	/* The host scores what it packed: unpack first so both sides see
	 * identical templates. */
	if (write_packed(pa, a) != 0 || write_packed(pb, b) != 0 ||
	    amana_fp_template_pack(a, buf, sizeof(buf), &len) != 0 ||
	    amana_fp_template_unpack(buf, len, &ha) != 0 ||
	    amana_fp_template_pack(b, buf, sizeof(buf), &len) != 0 ||
	    amana_fp_template_unpack(buf, len, &hb) != 0 ||
	    amana_fp_compare(&ha, &hb, work, sizeof(work), &host) != 0)
		return -1;
	unsigned long ticks = 0;
	double target = -1.0;
	int rc = run_target(elf, pa, pb, &ticks, &target);
	unlink(pa);
	unlink(pb);
	if (rc != 0)
		return -1;
	if (target - (double)host >= 1e-4 || (double)host - target >= 1e-4) {
		fprintf(stderr, "host score %.6f, target score %.6f\n", (double)host,
		    target);
		return -2;
	}
	*instr = ticks * 40ul;
	return 0;
}

int main(int argc, char **argv)
{
	static amana_fp_template_t all[10][8], big[2], t;
	const char *data = check_data_dir();
	char dir[] = "/tmp/amana-cm4-fp-XXXXXX", name[16];

	if (argc < 2 || strcmp(argv[1], "none") == 0)
		SKIP("Cortex-M4 image not built: %s",
		    getenv("CM4_SKIP_REASON") ? getenv("CM4_SKIP_REASON") : "cross build skipped");
	if (system("command -v qemu-system-arm >/dev/null 2>&1") != 0)
		SKIP("qemu-system-arm not found");
	if (data == NULL || load_iso(data, "101_1", &all[0][0]) == -1)
		SKIP("FVC2002 ISO templates not found under AMANA_DATA");
	/* All of DB1_B (fingers 101..110, impressions 1..8) for the pairs
	 * below; over DB1_B..DB4_B the two templates with the most minutiae
	 * make the costliest comparison. */
	char big_name[2][24] = {"", ""};
	for (size_t f = 0; f < 10; f++)
		for (size_t i = 0; i < 8; i++) {
			snprintf(name, sizeof(name), "%zu_%zu", 101 + f, i + 1);
			CHECK(load_iso(data, name, &all[f][i]) == 0);
			for (int db = 1; db <= 4; db++) {
				if (load_iso_db(data, db, name, &t) != 0)
					continue;
				int slot = t.count > big[0].count ? 0
				    : t.count > big[1].count ? 1 : -1;
				if (slot == 0) {
					big[1] = big[0];
					memcpy(big_name[1], big_name[0], sizeof(big_name[1]));
				}
				if (slot >= 0) {
					big[slot] = t;
					snprintf(big_name[slot], sizeof(big_name[slot]),
					    "DB%d_B/%s", db, name);
				}
			}
		}
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}

	/* Genuine: 101_1 against 101_2..8; impostor: 101_1 against 102..110_1. */
	unsigned long g_sum = 0, g_max = 0, i_sum = 0, i_max = 0, n;
	for (size_t i = 1; i < 8; i++) {
		CHECK_EQ(compare_pair(argv[1], dir, &all[0][0], &all[0][i], &n), 0);
		g_sum += n;
		g_max = n > g_max ? n : g_max;
	}
	for (size_t f = 1; f < 10; f++) {
		CHECK_EQ(compare_pair(argv[1], dir, &all[0][0], &all[f][0], &n), 0);
		i_sum += n;
		i_max = n > i_max ? n : i_max;
	}
	unsigned long most = 0;
	CHECK_EQ(compare_pair(argv[1], dir, &big[0], &big[1], &most), 0);
	rmdir(dir);

	printf("figure: fp_compare_instructions_genuine mean %lu max %lu (7 pairs)\n",
	    g_sum / 7, g_max);
	printf("figure: fp_compare_instructions_impostor mean %lu max %lu (9 pairs)\n",
	    i_sum / 9, i_max);
	printf("figure: fp_compare_instructions_largest %lu (%s vs %s: %u and %u "
	    "minutiae, the most in FVC2002 DB1..4_B)\n", most, big_name[0],
	    big_name[1], big[0].count, big[1].count);
	return check_done();
}
