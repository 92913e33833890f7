/* bench_vault.c: the vault's figures (shipped library, MODERATE Argon2id).
 *
 *   add / get of a 100 MB document: throughput and peak RSS (getrusage of a
 *   child process doing only that operation; includes fsync);
 *   secretstream alone over the same 100 MB in memory, for comparison;
 *   open of a vault holding 1,000 objects through the recovery-key slot
 *   (no Argon2id on that path: this is the manifest read, authentication,
 *   parse and cleanup scan), median of 21 opens;
 *   unlock through the token simulator (argv[1]: amana-token), end to end:
 *   libfido2 getAssertion with PIN UV and hmac-secret, then the open.
 * The 100 MB figures use TMPDIR (default /tmp: the disk, fsync included). */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include <fido.h>

#include "amana/fido.h"
#include "amana/vault.h"
#include "token_proc.h"
#include "vt_util.h"

#define DOC_MB 100u
#define DOC_LEN ((size_t)DOC_MB * 1000u * 1000u)

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Runs add (get=0) or get (get=1) in a child; prints MB/s and peak RSS. */
static void timed(const char *dir, const uint8_t rk[32], const char *src, int get)
{
	int pfd[2];
	if (pipe(pfd) != 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		amana_vault_t *v = NULL;
		double r[2] = {-1, -1};
		if (amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &v) == AMANA_OK) {
			int fd = get ? open("/dev/null", O_WRONLY) : open(src, O_RDONLY);
			double t0 = now();
			int err = get ? amana_vault_doc_get(v, "big", fd) : amana_vault_doc_add(v, "big", NULL, fd);
			double t1 = now();
			close(fd);
			struct rusage ru;
			getrusage(RUSAGE_SELF, &ru);
			if (err == AMANA_OK) {
				r[0] = t1 - t0;
				r[1] = (double)ru.ru_maxrss / 1024.0;
			}
			amana_vault_free(&v);
		}
		ssize_t w = write(pfd[1], r, sizeof(r));
		_exit(w == (ssize_t)sizeof(r) ? 0 : 1);
	}
	double r[2] = {-1, -1};
	ssize_t got = read(pfd[0], r, sizeof(r));
	waitpid(pid, NULL, 0);
	close(pfd[0]);
	close(pfd[1]);
	if (got != (ssize_t)sizeof(r) || r[0] < 0) {
		printf("%s of %u MB: FAILED\n", get ? "get" : "add", DOC_MB);
		return;
	}
	printf("%s of a %u MB document: %.0f MB/s (%.2f s), peak RSS %.1f MiB (target: >= 300 MB/s, <= 16 MiB)\n",
	    get ? "get" : "add", DOC_MB, (double)DOC_LEN / 1e6 / r[0], r[0], r[1]);
}

static void stream_alone(void)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t key[32], hdr[24];
	uint8_t *pt = malloc(65536), *ct = malloc(65536 + 17);
	randombytes_buf(key, sizeof(key));
	memset(pt, 1, 65536);
	crypto_secretstream_xchacha20poly1305_init_push(&st, hdr, key);
	double t0 = now();
	for (size_t done = 0; done < DOC_LEN; done += 65536)
		crypto_secretstream_xchacha20poly1305_push(&st, ct, NULL, pt, 65536, NULL, 0, 0);
	double t1 = now();
	printf("secretstream alone (64 KiB chunks, memory only): %.0f MB/s\n", (double)DOC_LEN / 1e6 / (t1 - t0));
	free(pt);
	free(ct);
}

static void token_unlock(const char *exe)
{
	token_proc_t tok;
	char dir[4096];
	uint8_t rk[32];
	amana_vault_t *v = NULL;
	fido_dev_t *dev = NULL;
	unsigned idx;
	double t[11];
	fido_init(0);
	if (token_proc_start(&tok, exe, NULL) != 0) {
		printf("token unlock: amana-token did not start\n");
		return;
	}
	vt_tmpdir(dir, sizeof(dir), "bench-token");
	int ok = amana_fido_token_open(tok.sock, &dev) == AMANA_OK &&
	    fido_dev_set_pin(dev, "2468", NULL) == FIDO_OK;
	fido_dev_close(dev);
	fido_dev_free(&dev);
	ok = ok && amana_vault_create(dir, (const uint8_t *)"bench", 5, NULL, rk) == AMANA_OK &&
	    amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &v) == AMANA_OK &&
	    amana_vault_token_enrol(v, tok.sock, "2468", &idx) == AMANA_OK;
	amana_vault_free(&v);
	for (int i = 0; ok && i < 11; i++) {
		double t0 = now();
		ok = amana_vault_token_open(dir, tok.sock, "2468", &v) == AMANA_OK;
		t[i] = now() - t0;
		amana_vault_free(&v);
	}
	if (ok) {
		qsort(t, 11, sizeof(double), cmp_d);
		printf("unlock through the token simulator (libfido2, PIN UV, hmac-secret, open): "
		       "median %.1f ms, max %.1f ms\n", t[5] * 1e3, t[10] * 1e3);
	} else {
		printf("token unlock: FAILED\n");
	}
	token_proc_stop(&tok, false);
	vt_rmrf(dir);
}

int main(int argc, char **argv)
{
	char dir[4096], src[4200];
	uint8_t rk[32];
	if (sodium_init() < 0)
		return 1;
	vt_tmpdir(dir, sizeof(dir), "bench");
	printf("vault benchmark in %s\n", dir);
	double t0 = now();
	if (amana_vault_create(dir, (const uint8_t *)"bench", 5, NULL, rk) != AMANA_OK) {
		printf("create failed\n");
		return 1;
	}
	printf("create with Argon2id MODERATE (%llu passes, %zu MiB): %.0f ms\n",
	    (unsigned long long)amana_vault_kdf_default().opslimit, amana_vault_kdf_default().memlimit >> 20,
	    (now() - t0) * 1e3);

	/* the 100 MB source, written in chunks (the parent stays small) */
	snprintf(src, sizeof(src), "%s.src", dir);
	int fd = open(src, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	uint8_t *buf = malloc(1u << 20);
	for (size_t done = 0; done < DOC_LEN; done += 1u << 20) {
		size_t n = DOC_LEN - done < (1u << 20) ? DOC_LEN - done : (1u << 20);
		vt_fill(buf, n, done);
		if (write(fd, buf, n) != (ssize_t)n)
			return 1;
	}
	free(buf);
	close(fd);
	stream_alone();
	timed(dir, rk, src, 0);
	timed(dir, rk, src, 1);
	unlink(src);

	vt_rmrf(dir);

	/* open with 1,000 objects; built in RAM (/dev/shm unless TMPDIR is
	 * set) since 1,000 commits of six fsyncs each only measure the disk */
	amana_vault_t *v = NULL;
	vt_tmpdir_ram(dir, sizeof(dir), "bench1000");
	printf("1,000-object vault in %s\n", dir);
	if (amana_vault_create(dir, (const uint8_t *)"bench", 5, NULL, rk) != AMANA_OK ||
	    amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &v) != AMANA_OK)
		return 1;
	t0 = now();
	for (int i = 0; i < 1000; i++) {
		char name[64], kind[16];
		uint8_t blob[300];
		snprintf(name, sizeof(name), "credential-%04d", i);
		snprintf(kind, sizeof(kind), i % 2 ? "credential" : "setting");
		vt_fill(blob, sizeof(blob), (uint64_t)i);
		if (amana_vault_put_record(v, kind, name, blob, sizeof(blob)) != AMANA_OK)
			return 1;
	}
	double fill = now() - t0;
	amana_vault_free(&v);
	double t[21];
	for (int i = 0; i < 21; i++) {
		t0 = now();
		if (amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &v) != AMANA_OK)
			return 1;
		t[i] = now() - t0;
		if (amana_vault_count(v) != 1000)
			return 1;
		amana_vault_free(&v);
	}
	qsort(t, 21, sizeof(double), cmp_d);
	printf("adding 1,000 records one transaction each: %.1f s (%.1f ms per commit)\n", fill, fill);
	printf("open with 1,000 objects (recovery-key slot, no Argon2id): median %.2f ms, max %.2f ms "
	       "(target: <= 100 ms)\n", t[10] * 1e3, t[20] * 1e3);
	vt_rmrf(dir);
	if (argc > 1)
		token_unlock(argv[1]);
	return 0;
}
