/* test_diskfull.c: a full disk never changes the vault.
 *
 * 1. Fault injection (always): for every N, writes, creates and fsyncs fail
 *    with ENOSPC from the Nth write-path call on, during an add, a record put
 *    and a passwd. Each must fail with AMANA_ERR_NOSPACE (or succeed when N
 *    is past its last call), leave exactly the files that were there, keep
 *    the handle usable, and a fresh open must show the old contents
 *    byte-identical.
 * 2. A real small filesystem (when running as root and mount(2) works): a
 *    1 MiB tmpfs is filled by adds until one fails; the vault is unchanged. */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/mount.h>

#include "amana/vault.h"
#include "check.h"
#include "vault_test.h"
#include "vt_util.h"

static uint8_t docs[3][70000];
static amana_vault_kdf_t kdf;

static int same_docs(amana_vault_t *v, int n)
{
	char name[16];
	if (amana_vault_count(v) != (size_t)n + 1u) /* + the record */
		return 0;
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "doc-%d", i);
		int fd = memfd_create("get", MFD_CLOEXEC);
		size_t len = 0;
		int err = amana_vault_doc_get(v, name, fd);
		uint8_t *got = vt_slurp_fd(fd, &len);
		close(fd);
		int ok = err == AMANA_OK && got != NULL && len == sizeof(docs[i]) &&
		    memcmp(got, docs[i], len) == 0;
		free(got);
		if (!ok)
			return 0;
	}
	return 1;
}

static int same_names(const char *dir, char before[][64], int nb)
{
	static char now[128][64];
	int n = vt_list(dir, now, 128);
	if (n != nb)
		return 0;
	for (int i = 0; i < n; i++) {
		int hit = 0;
		for (int j = 0; j < nb; j++)
			hit |= strcmp(now[i], before[j]) == 0;
		if (!hit)
			return 0;
	}
	return 1;
}

static void injected(void)
{
	char dir[4096];
	static char before[128][64];
	uint8_t rk[32];
	amana_vault_t *v = NULL;
	vt_tmpdir(dir, sizeof(dir), "full");
	CHECK_EQ(amana_vault_create(dir, (const uint8_t *)"p", 1, &kdf, rk), AMANA_OK);
	CHECK_EQ(amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &v), AMANA_OK);
	if (v == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		char name[16];
		snprintf(name, sizeof(name), "doc-%d", i);
		int fd = vt_memfd(docs[i], sizeof(docs[i]));
		CHECK_EQ(amana_vault_doc_add(v, name, NULL, fd), AMANA_OK);
		close(fd);
	}
	CHECK_EQ(amana_vault_put_record(v, "setting", "lang", (const uint8_t *)"ne", 2), AMANA_OK);
	int failures[3] = {0, 0, 0};
	for (int what = 0; what < 3; what++) {
		int nb = vt_list(dir, before, 128);
		for (long n = 1; n < 10000; n++) {
			amana_vault_test_fault(n, AMANA_VAULT_FAULT_NOSPACE);
			int err;
			if (what == 0) {
				int fd = vt_memfd(docs[2], sizeof(docs[2]));
				err = amana_vault_doc_add(v, "doc-2", NULL, fd);
				close(fd);
			} else if (what == 1) {
				err = amana_vault_put_record(v, "setting", "lang", (const uint8_t *)"en", 2);
			} else {
				err = amana_vault_passwd(v, 0, (const uint8_t *)"q", 1, &kdf);
			}
			amana_vault_test_fault(0, 0);
			if (err == AMANA_OK)
				break;
			failures[what]++;
			CHECK_EQ(err, AMANA_ERR_NOSPACE);
			CHECK(same_names(dir, before, nb));
			CHECK(same_docs(v, 2)); /* the handle still shows the old state */
			/* and a fresh open (one handle at a time per directory) */
			amana_vault_free(&v);
			amana_vault_t *w = NULL;
			CHECK_EQ(amana_vault_open(dir, AMANA_VAULT_PASSPHRASE, (const uint8_t *)"p", 1, &w), AMANA_OK);
			if (w != NULL) {
				CHECK(same_docs(w, 2));
				uint8_t *rec = NULL;
				size_t rl = 0;
				CHECK_EQ(amana_vault_get_record(w, NULL, "lang", &rec, &rl), AMANA_OK);
				CHECK(rec != NULL && rl == 2 && memcmp(rec, "ne", 2) == 0);
				amana_vault_secret_free(&rec, rl);
				amana_vault_free(&w);
			}
			CHECK_EQ(amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &v), AMANA_OK);
			if (v == NULL)
				return;
		}
		if (what == 0) { /* it went through at last: back to the old state */
			CHECK_EQ(amana_vault_rm(v, "doc-2"), AMANA_OK);
		} else if (what == 1) {
			CHECK_EQ(amana_vault_put_record(v, "setting", "lang", (const uint8_t *)"ne", 2), AMANA_OK);
		}
	}
	printf("ENOSPC injected at every point: add %d, record %d, passwd %d failures, all clean\n",
	    failures[0], failures[1], failures[2]);
	CHECK(failures[0] > 5 && failures[1] > 5 && failures[2] >= 3);
	amana_vault_free(&v);
	vt_rmrf(dir);
}

static void real_tmpfs(void)
{
	char mnt[4096], dir[4200];
	static char before[128][64];
	uint8_t rk[32];
	amana_vault_t *v = NULL;
	vt_tmpdir(mnt, sizeof(mnt), "tmpfs");
	if (geteuid() != 0 || mkdir(mnt, 0700) != 0)
		return;
	if (mount("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0700") != 0) {
		printf("note: cannot mount a tmpfs here (%s); fault injection only\n", strerror(errno));
		rmdir(mnt);
		return;
	}
	vt_path(dir, sizeof(dir), mnt, "v");
	CHECK_EQ(amana_vault_create(dir, (const uint8_t *)"p", 1, &kdf, rk), AMANA_OK);
	CHECK_EQ(amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &v), AMANA_OK);
	int added = 0, err = AMANA_OK;
	while (v != NULL && added < 40) {
		char name[16];
		snprintf(name, sizeof(name), "doc-%d", added);
		int nb = vt_list(dir, before, 128);
		int fd = vt_memfd(docs[added % 3], sizeof(docs[0]));
		err = amana_vault_doc_add(v, name, NULL, fd);
		close(fd);
		if (err != AMANA_OK) {
			CHECK_EQ(err, AMANA_ERR_NOSPACE);
			CHECK(same_names(dir, before, nb));
			break;
		}
		added++;
	}
	amana_vault_free(&v);
	CHECK(added > 3 && err == AMANA_ERR_NOSPACE);
	CHECK_EQ(amana_vault_open(dir, AMANA_VAULT_PASSPHRASE, (const uint8_t *)"p", 1, &v), AMANA_OK);
	if (v != NULL) {
		CHECK_EQ(amana_vault_count(v), added);
		CHECK_EQ(amana_vault_check(v, NULL, NULL), 0);
		amana_vault_free(&v);
	}
	printf("1 MiB tmpfs: %d documents of 70,000 bytes, then ENOSPC; vault unchanged\n", added);
	vt_rmrf(dir);
	CHECK(umount(mnt) == 0);
	rmdir(mnt);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	kdf = amana_vault_test_kdf_fast();
	for (int i = 0; i < 3; i++)
		vt_fill(docs[i], sizeof(docs[i]), (uint64_t)i + 7u);
	injected();
	real_tmpfs();
	return check_done();
}
