/* vault_backup.c: `amana vault export` and `amana vault import`, a backup
 * file of the vault's ciphertext files (the NGO keeps it; nothing is
 * decrypted on the way):
 *
 *   "AMVBAK1\n" | per file: u16 name length | name | u64 size | bytes
 *
 * (little-endian). Import restores into a scratch directory beside the
 * target, proves the vault opens and every object decrypts, and only then
 * renames it into place: a truncated or altered backup, a wrong secret or a
 * full disk leaves no half-restored vault behind. */
#define _GNU_SOURCE /* renameat2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "amana/vault.h"
#include "cli.h"
#include "vault_cli.h"

static const char backup_magic[8] = "AMVBAK1\n";

static int copy_fd(int in, FILE *out, uint64_t n)
{
	uint8_t buf[65536];
	while (n > 0) {
		size_t want = n < sizeof(buf) ? (size_t)n : sizeof(buf);
		ssize_t r = read(in, buf, want);
		if (r <= 0)
			return AMANA_ERR_IO;
		if (fwrite(buf, 1, (size_t)r, out) != (size_t)r)
			return AMANA_ERR_IO;
		n -= (uint64_t)r;
	}
	return AMANA_OK;
}

static int export_file(int dfd, const char *name, const struct stat *st, FILE *out)
{
	size_t nl = strlen(name);
	uint8_t hdr[2 + 255 + 8];
	if (nl > 255)
		return AMANA_ERR_ARG;
	hdr[0] = (uint8_t)nl;
	hdr[1] = (uint8_t)(nl >> 8);
	memcpy(hdr + 2, name, nl);
	for (int i = 0; i < 8; i++)
		hdr[2 + nl + (size_t)i] = (uint8_t)((uint64_t)st->st_size >> (8 * i));
	if (fwrite(hdr, 1, 2 + nl + 8, out) != 2 + nl + 8)
		return AMANA_ERR_IO;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return AMANA_ERR_IO;
	int err = copy_fd(fd, out, (uint64_t)st->st_size);
	close(fd);
	return err;
}

int vault_cmd_export(int argc, char **argv)
{
	vopts_t o;
	amana_vault_t *v = NULL;
	int rc = vault_cli_parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.npos != 2)
		return cli_usage_error("vault export: give the vault directory and a backup file");
	int err = vault_cli_open(&o, o.pos[0], &v); /* proves the secret; cleans up */
	amana_vault_free(&v);
	if (err != AMANA_OK)
		return cli_fail(err, "vault export");
	DIR *d = opendir(o.pos[0]);
	FILE *out = fopen(o.pos[1], "wbx");
	if (d == NULL || out == NULL) {
		if (d != NULL)
			closedir(d);
		if (out != NULL)
			fclose(out);
		return cli_fail(AMANA_ERR_IO, "vault export %s", o.pos[1]);
	}
	if (fwrite(backup_magic, 1, sizeof(backup_magic), out) != sizeof(backup_magic))
		err = AMANA_ERR_IO;
	struct dirent *e;
	while (err == AMANA_OK && (e = readdir(d)) != NULL) {
		struct stat st;
		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, 0) != 0 || !S_ISREG(st.st_mode))
			continue;
		err = export_file(dirfd(d), e->d_name, &st, out);
	}
	closedir(d);
	if ((fflush(out) != 0 || fsync(fileno(out)) != 0) && err == AMANA_OK)
		err = AMANA_ERR_IO;
	if (fclose(out) != 0 && err == AMANA_OK)
		err = AMANA_ERR_IO;
	if (err != AMANA_OK) {
		unlink(o.pos[1]);
		return cli_fail(err, "vault export %s", o.pos[1]);
	}
	return CLI_EXIT_OK;
}

#define IMPORT_END 1 /* import_file: no more records */

/* Reads one file record of the backup into dir; IMPORT_END at a clean
 * end. A name must be a plain file name and a size at most what a vault
 * object can be, so a forged header cannot write elsewhere or fill the disk
 * beyond the backup's own size. */
static int import_file(FILE *in, const char *dir)
{
	uint8_t h[2], sz[8], buf[65536];
	char name[256], path[4096];
	if (fread(h, 1, 2, in) != 2)
		return feof(in) ? IMPORT_END : AMANA_ERR_IO;
	size_t nl = (size_t)h[0] | ((size_t)h[1] << 8);
	if (nl == 0 || nl > 255 || fread(name, 1, nl, in) != nl || fread(sz, 1, 8, in) != 8)
		return AMANA_ERR_FORMAT;
	name[nl] = '\0';
	uint64_t size = 0;
	for (int i = 7; i >= 0; i--)
		size = (size << 8) | sz[i];
	if (memchr(name, '/', nl) != NULL || strlen(name) != nl || name[0] == '.' ||
	    size > AMANA_VAULT_DOC_MAX * 2u)
		return AMANA_ERR_FORMAT;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return AMANA_ERR_ARG;
	FILE *out = fopen(path, "wbx");
	if (out == NULL) /* the same name twice is a forged backup */
		return errno == EEXIST ? AMANA_ERR_FORMAT : AMANA_ERR_IO;
	int err = AMANA_OK;
	while (err == AMANA_OK && size > 0) {
		size_t want = size < sizeof(buf) ? (size_t)size : sizeof(buf);
		if (fread(buf, 1, want, in) != want)
			err = AMANA_ERR_FORMAT;
		else if (fwrite(buf, 1, want, out) != want)
			err = AMANA_ERR_IO;
		size -= want;
	}
	if ((fflush(out) != 0 || fsync(fileno(out)) != 0) && err == AMANA_OK)
		err = AMANA_ERR_IO;
	if (fclose(out) != 0 && err == AMANA_OK)
		err = AMANA_ERR_IO;
	return err;
}

/* Removes the scratch directory and the plain files in it. */
static void remove_scratch(const char *dir)
{
	DIR *d = opendir(dir);
	if (d != NULL) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return AMANA_ERR_IO;
	int r = fsync(fd);
	close(fd);
	return r == 0 ? AMANA_OK : AMANA_ERR_IO;
}

/* Restores, opens and checks in scratch; *files gets the file count. */
static int import_into(FILE *in, const char *scratch, const vopts_t *o, int *files)
{
	char magic[sizeof(backup_magic)];
	amana_vault_t *v = NULL;
	int err = AMANA_OK;
	*files = 0;
	if (fread(magic, 1, sizeof(magic), in) != sizeof(magic) ||
	    memcmp(magic, backup_magic, sizeof(magic)) != 0)
		return AMANA_ERR_FORMAT;
	while ((err = import_file(in, scratch)) == AMANA_OK)
		(*files)++;
	if (err != IMPORT_END)
		return err;
	err = vault_cli_open(o, scratch, &v);
	if (err != AMANA_OK)
		return err;
	int bad = amana_vault_check(v, vault_cli_report_bad, NULL);
	printf("imported %d files: %zu entries, %d damaged\n", *files, amana_vault_count(v),
	    bad > 0 ? bad : 0);
	amana_vault_free(&v);
	if (bad != 0)
		return AMANA_ERR_VAULT_OBJECT;
	return fsync_dir(scratch);
}

int vault_cmd_import(int argc, char **argv)
{
	vopts_t o;
	char scratch[4096], parent[4096];
	int rc = vault_cli_parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (o.npos != 2)
		return cli_usage_error("vault import: give the backup file and a new vault directory");
	const char *target = o.pos[1];
	struct stat st;
	if (lstat(target, &st) == 0)
		return cli_fail(AMANA_ERR_EXISTS, "vault import: %s", target);
	if ((size_t)snprintf(scratch, sizeof(scratch), "%s.importing-XXXXXX", target) >= sizeof(scratch) ||
	    (size_t)snprintf(parent, sizeof(parent), "%s", target) >= sizeof(parent))
		return cli_fail(AMANA_ERR_ARG, "vault import: %s", target);
	FILE *in = fopen(o.pos[0], "rb");
	if (in == NULL)
		return cli_fail(AMANA_ERR_IO, "vault import %s", o.pos[0]);
	if (mkdtemp(scratch) == NULL) {
		fclose(in);
		return cli_fail(AMANA_ERR_IO, "vault import: cannot create a directory beside %s", target);
	}
	int files = 0;
	int err = import_into(in, scratch, &o, &files);
	fclose(in);
	if (err == AMANA_OK && renameat2(AT_FDCWD, scratch, AT_FDCWD, target, RENAME_NOREPLACE) != 0)
		err = AMANA_ERR_EXISTS;
	if (err != AMANA_OK) {
		remove_scratch(scratch);
		return cli_fail(err, "vault import into %s (nothing restored)", target);
	}
	if (fsync_dir(dirname(parent)) != AMANA_OK) /* restored; only durability is in doubt */
		fprintf(stderr, "%s: warning: could not flush the directory holding %s\n", cli_prog(), target);
	return CLI_EXIT_OK;
}
