/* test_crash.c: crash injection. A child process opens the vault and runs
 * one change (add, rm or passwd) with a fault point armed: at its Nth
 * write-path call (create, write, fsync, rename, unlink, directory fsync) it
 * raises SIGKILL, a write there landing only half its bytes. The parent then
 * opens the vault and requires the old or the new state, never a mix: every
 * document byte-identical to what was added, exactly one of the old and new
 * passphrases opening it, and no leftover file (the interrupted change is
 * cleaned up by that open). N runs from 1 until the change completes; the
 * changes repeat until at least 1,000 distinct kill points were tested.
 * Then a passphrase slot is added and removed the same way: a half-added
 * slot never opens, a half-removed one still does or no longer does. */
#define _GNU_SOURCE /* memfd_create */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "amana/vault.h"
#include "check.h"
#include "vault_test.h"
#include "vt_util.h"

#define MAXDOCS 32
#define TARGET_POINTS 1000

typedef struct mdoc {
	char name[32];
	uint8_t *data;
	size_t len;
} mdoc_t;

static char dir[4096];
static uint8_t rk[32];
static char pass[64];
static mdoc_t model[MAXDOCS];
static int nmodel;
static amana_vault_kdf_t kdf;

enum { OP_ADD, OP_RM, OP_PASSWD, OP_SLOT_ADD, OP_SLOT_RM };
typedef struct op {
	int kind;
	const char *name;      /* add, rm */
	const uint8_t *data;   /* add */
	size_t len;
	const char *newpass;   /* passwd; slot add/rm: the slot's passphrase */
	unsigned slot;         /* slot rm */
} op_t;

static int run_op(amana_vault_t *v, const op_t *op)
{
	if (op->kind == OP_ADD) {
		int fd = vt_memfd(op->data, op->len);
		int err = amana_vault_doc_add(v, op->name, NULL, fd);
		close(fd);
		return err;
	}
	if (op->kind == OP_RM)
		return amana_vault_rm(v, op->name);
	if (op->kind == OP_SLOT_ADD)
		return amana_vault_slot_add_passphrase(v, (const uint8_t *)op->newpass,
		    strlen(op->newpass), &kdf, NULL);
	if (op->kind == OP_SLOT_RM)
		return amana_vault_slot_remove(v, op->slot);
	return amana_vault_passwd(v, 0, (const uint8_t *)op->newpass, strlen(op->newpass), &kdf);
}

/* 1: killed at point n; 0: the change completed; -1: it failed. */
static int child_run(const op_t *op, long n)
{
	pid_t pid = fork();
	if (pid == 0) {
		amana_vault_t *v = NULL;
		if (amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &v) != AMANA_OK)
			_exit(3);
		amana_vault_test_fault(n, AMANA_VAULT_FAULT_KILL);
		int err = run_op(v, op);
		amana_vault_test_fault(0, 0);
		amana_vault_free(&v);
		_exit(err == AMANA_OK ? 0 : 4);
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
		return 1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int model_find(const char *name)
{
	for (int i = 0; i < nmodel; i++)
		if (strcmp(model[i].name, name) == 0)
			return i;
	return -1;
}

/* Compares the vault with the model, with `extra` added or `missing`
 * removed; returns 1 when they agree. */
static int state_is(amana_vault_t *v, const op_t *add, const char *missing)
{
	size_t want = (size_t)nmodel + (add != NULL) - (missing != NULL);
	if (amana_vault_count(v) != want)
		return 0;
	for (int i = 0; i <= nmodel; i++) {
		const char *name;
		const uint8_t *data;
		size_t len;
		if (i < nmodel) {
			if (missing != NULL && strcmp(model[i].name, missing) == 0) {
				if (amana_vault_find(v, missing) >= 0)
					return 0;
				continue;
			}
			name = model[i].name;
			data = model[i].data;
			len = model[i].len;
		} else if (add != NULL) {
			name = add->name;
			data = add->data;
			len = add->len;
		} else {
			break;
		}
		int fd = memfd_create("get", MFD_CLOEXEC);
		int err = amana_vault_doc_get(v, name, fd);
		size_t gl = 0;
		uint8_t *got = vt_slurp_fd(fd, &gl);
		close(fd);
		int same = err == AMANA_OK && got != NULL && gl == len && memcmp(got, data, len) == 0;
		free(got);
		if (!same)
			return 0;
	}
	return 1;
}

static int file_count(void)
{
	static char names[MAXDOCS + 64][64];
	return vt_list(dir, names, MAXDOCS + 64);
}

static amana_vault_t *open_rk(void)
{
	amana_vault_t *v = NULL;
	int err = amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &v);
	CHECK_EQ(err, AMANA_OK);
	return v;
}

static int opens_with(const char *p)
{
	amana_vault_t *v = NULL;
	int err = amana_vault_open(dir, AMANA_VAULT_PASSPHRASE, (const uint8_t *)p, strlen(p), &v);
	amana_vault_free(&v);
	return err == AMANA_OK;
}

/* Runs op with a kill at every point; returns the number of points. */
/* The slot a passphrase opens, or -1. */
static int slot_of(const char *p)
{
	amana_vault_t *v = NULL;
	if (amana_vault_open(dir, AMANA_VAULT_PASSPHRASE, (const uint8_t *)p, strlen(p), &v) != AMANA_OK)
		return -1;
	int s = (int)amana_vault_slot_opened(v);
	amana_vault_free(&v);
	return s;
}

static long crash_op(op_t *op)
{
	long points = 0;
	for (long n = 1;; n++) {
		int r = child_run(op, n);
		CHECK(r >= 0);
		if (r < 0)
			return points;
		amana_vault_t *v = open_rk(); /* cleans up the interrupted change */
		if (v == NULL)
			return points;
		int is_new;
		int new_slot = -1;
		if (op->kind == OP_SLOT_ADD || op->kind == OP_SLOT_RM || op->kind == OP_PASSWD) {
			/* which secrets open is asked with fresh handles: one handle
			 * at a time per directory */
			CHECK(state_is(v, NULL, NULL));
			amana_vault_free(&v);
			if (op->kind == OP_PASSWD) {
				int o = opens_with(pass), w = opens_with(op->newpass);
				CHECK(o + w == 1);
				is_new = w;
			} else {
				/* a half-added slot never opens: the open above wiped it */
				int opens = opens_with(op->newpass);
				is_new = op->kind == OP_SLOT_ADD ? opens : !opens;
				CHECK(opens_with(pass)); /* the other ways in are intact */
				if (op->kind == OP_SLOT_ADD && is_new)
					new_slot = slot_of(op->newpass);
			}
			if ((v = open_rk()) == NULL)
				return points;
		} else {
			int old = state_is(v, NULL, NULL);
			is_new = op->kind == OP_ADD ? state_is(v, op, NULL) : state_is(v, NULL, op->name);
			CHECK(old + is_new == 1);
		}
		if (r == 1)
			points++;
		else
			CHECK(is_new); /* completed: must be the new state */
		int undo = AMANA_OK;
		if (r == 0 || !is_new) {
			CHECK_EQ(file_count(), 5 + (int)amana_vault_count(v));
			amana_vault_free(&v);
			if (r == 0)
				break;
			continue;
		}
		/* killed after the switch: go back to the old state for point n+1 */
		CHECK_EQ(file_count(), 5 + (int)amana_vault_count(v));
		if (op->kind == OP_ADD) {
			undo = amana_vault_rm(v, op->name);
		} else if (op->kind == OP_RM) {
			int i = model_find(op->name);
			int fd = vt_memfd(model[i].data, model[i].len);
			undo = amana_vault_doc_add(v, op->name, NULL, fd);
			close(fd);
		} else if (op->kind == OP_SLOT_ADD) {
			undo = new_slot >= 0 ? amana_vault_slot_remove(v, (unsigned)new_slot) : AMANA_ERR_INTERNAL;
		} else if (op->kind == OP_SLOT_RM) {
			unsigned idx = 0;
			undo = amana_vault_slot_add_passphrase(v, (const uint8_t *)op->newpass,
			    strlen(op->newpass), &kdf, &idx);
			op->slot = idx;
		} else {
			undo = amana_vault_passwd(v, 0, (const uint8_t *)pass, strlen(pass), &kdf);
		}
		CHECK_EQ(undo, AMANA_OK);
		amana_vault_free(&v);
	}
	/* the change is done: the model follows */
	if (op->kind == OP_ADD && nmodel < MAXDOCS) {
		mdoc_t *m = &model[nmodel++];
		snprintf(m->name, sizeof(m->name), "%s", op->name);
		m->data = malloc(op->len + 1);
		memcpy(m->data, op->data, op->len);
		m->len = op->len;
	} else if (op->kind == OP_RM) {
		int i = model_find(op->name);
		free(model[i].data);
		model[i] = model[--nmodel];
	} else if (op->kind == OP_PASSWD) {
		snprintf(pass, sizeof(pass), "%s", op->newpass);
	}
	return points;
}

int main(void)
{
	static const size_t sizes[] = {700000, 0, 5000, 65536, 200001, 1};
	long points[3] = {0, 0, 0};
	char name[32], np[64];
	struct timespec t0, t1;
	if (sodium_init() < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	kdf = amana_vault_test_kdf_fast();
	vt_tmpdir_ram(dir, sizeof(dir), "crash");
	snprintf(pass, sizeof(pass), "pass-0");
	CHECK_EQ(amana_vault_create(dir, (const uint8_t *)pass, strlen(pass), &kdf, rk), AMANA_OK);

	int added = 0, round = 0;
	while (points[0] + points[1] + points[2] < TARGET_POINTS && round < 100) {
		size_t len = sizes[(size_t)round % (sizeof(sizes) / sizeof(sizes[0]))];
		uint8_t *data = malloc(len + 1);
		vt_fill(data, len, (uint64_t)round + 100u);
		snprintf(name, sizeof(name), "doc-%d", added++);
		op_t add = {OP_ADD, name, data, len, NULL, 0};
		points[0] += crash_op(&add);
		free(data);
		snprintf(np, sizeof(np), "pass-%d", round + 1);
		op_t pw = {OP_PASSWD, NULL, NULL, 0, np, 0};
		points[2] += crash_op(&pw);
		if (nmodel > 3) {
			char victim[32];
			snprintf(victim, sizeof(victim), "%s", model[0].name);
			op_t rm = {OP_RM, victim, NULL, 0, NULL, 0};
			points[1] += crash_op(&rm);
		}
		round++;
	}
	/* slot changes: a passphrase slot added, then removed */
	long slot_points = 0;
	op_t sa = {OP_SLOT_ADD, NULL, NULL, 0, "extra slot", 0};
	slot_points += crash_op(&sa);
	int sidx = slot_of("extra slot");
	CHECK(sidx >= 0);
	op_t sr = {OP_SLOT_RM, NULL, NULL, 0, "extra slot", sidx >= 0 ? (unsigned)sidx : 0};
	slot_points += crash_op(&sr);
	CHECK_EQ(slot_of("extra slot"), -1);
	CHECK(slot_points > 10);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long total = points[0] + points[1] + points[2];
	printf("kill points: add %ld, rm %ld, passwd %ld, total %ld (and slot add/remove %ld) in %.1f s\n",
	    points[0], points[1], points[2], total, slot_points,
	    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	CHECK(total >= TARGET_POINTS);
	CHECK(points[0] > 0 && points[1] > 0 && points[2] > 0);
	for (int i = 0; i < nmodel; i++)
		free(model[i].data);
	vt_rmrf(dir);
	return check_done();
}
