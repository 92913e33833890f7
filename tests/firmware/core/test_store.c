/*
 * test_store.c: the token's record store (firmware/core/store.c).
 *
 * 1. Behaviour: put/get/delete, replacement, compaction keeping every live
 *    record, limits (value size, full bank), wipe.
 * 2. Power loss at every write: a flash device that dies after N erase or
 *    program calls (the Nth one torn halfway), for every N a workload can
 *    reach. After each cut the store is mounted again and must hold exactly
 *    the state before or after the operation that was running, then keep
 *    working.
 */
#include <string.h>

#include "amana/err.h"
#include "check.h"
#include "store.h"

#define PAGE 256u
#define PAGES 8u /* two banks of 1 KiB: compaction every few writes */

typedef struct flash {
	uint8_t mem[PAGE * PAGES];
	long budget; /* writes left; -1 = unlimited */
	long writes;
	bool dead;
} flash_t;

static bool spend(flash_t *f)
{
	if (f->dead)
		return false;
	f->writes++;
	if (f->budget < 0)
		return true;
	if (f->budget == 0) {
		f->dead = true;
		return false;
	}
	f->budget--;
	if (f->budget == 0)
		f->dead = true; /* this write is the one torn by the cut */
	return true;
}

static int f_read(void *ctx, uint32_t page, uint32_t off, uint8_t *buf, size_t len)
{
	flash_t *f = ctx;
	if (page >= PAGES || off + len > PAGE)
		return AMANA_ERR_ARG;
	memcpy(buf, f->mem + page * PAGE + off, len);
	return AMANA_OK;
}

static int f_erase(void *ctx, uint32_t page)
{
	flash_t *f = ctx;
	if (page >= PAGES)
		return AMANA_ERR_ARG;
	if (!spend(f))
		return AMANA_ERR_IO;
	/* A cut erase leaves the first half erased, the rest as it was. */
	memset(f->mem + page * PAGE, 0xFF, f->dead ? PAGE / 2 : PAGE);
	return f->dead ? AMANA_ERR_IO : AMANA_OK;
}

static int f_program(void *ctx, uint32_t page, uint32_t off, const uint8_t *buf,
    size_t len)
{
	flash_t *f = ctx;
	if (page >= PAGES || off + len > PAGE)
		return AMANA_ERR_ARG;
	if (!spend(f))
		return AMANA_ERR_IO;
	uint8_t *dst = f->mem + page * PAGE + off;
	size_t n = f->dead ? len / 2 : len; /* a cut program is half done */
	bool fresh = true;
	for (size_t i = 0; i < n; i++)
		fresh = fresh && dst[i] == 0xFF;
	CHECK(fresh); /* the store never programs a byte twice */
	for (size_t i = 0; i < n; i++)
		dst[i] &= buf[i];
	return f->dead ? AMANA_ERR_IO : AMANA_OK;
}

static void hal_for(flash_t *f, token_hal_t *h)
{
	memset(h, 0, sizeof(*h));
	h->ctx = f;
	h->flash_page_size = PAGE;
	h->flash_page_count = PAGES;
	h->flash_read = f_read;
	h->flash_erase = f_erase;
	h->flash_program = f_program;
}

/* ---- a model of the store's content: keys 1..NKEYS */
#define NKEYS 6
#define VMAX 150 /* 6 keys of 150 bytes always fit a 1 KiB bank */
typedef struct model {
	size_t len[NKEYS + 1];
	uint8_t val[NKEYS + 1][VMAX];
} model_t;

static bool same(store_t *s, const model_t *m)
{
	uint8_t buf[STORE_VALUE_MAX];
	for (uint16_t k = 1; k <= NKEYS; k++) {
		size_t n = 0;
		int rc = store_get(s, k, buf, sizeof(buf), &n);
		if (m->len[k] == 0) {
			if (rc != AMANA_ERR_NOT_FOUND)
				return false;
		} else if (rc != AMANA_OK || n != m->len[k] ||
		    memcmp(buf, m->val[k], n) != 0) {
			return false;
		}
	}
	return true;
}

/* Operation i of the workload, applied to the store and/or the model. */
#define OPS 48
static int op(store_t *s, model_t *m, int i)
{
	uint16_t key = (uint16_t)(1 + (i * 5) % NKEYS);
	if (i == 31) {
		if (m != NULL)
			memset(m->len, 0, sizeof(m->len));
		return s != NULL ? store_wipe(s) : AMANA_OK;
	}
	if (i % 7 == 6) {
		if (m != NULL)
			m->len[key] = 0;
		return s != NULL ? store_del(s, key) : AMANA_OK;
	}
	uint8_t v[VMAX];
	size_t n = 1 + (size_t)(i * 37) % VMAX;
	for (size_t j = 0; j < n; j++)
		v[j] = (uint8_t)(i * 13 + (int)j);
	if (m != NULL) {
		m->len[key] = n;
		memcpy(m->val[key], v, n);
	}
	return s != NULL ? store_put(s, key, v, n) : AMANA_OK;
}

static void test_behaviour(void)
{
	static flash_t f;
	token_hal_t h;
	store_t s;
	uint8_t buf[STORE_VALUE_MAX], big[STORE_VALUE_MAX + 1];
	size_t n = 0;
	memset(f.mem, 0x00, sizeof(f.mem)); /* garbage, not a store */
	f.budget = -1;
	hal_for(&f, &h);
	CHECK_EQ(store_mount(&s, &h), AMANA_OK);
	CHECK_EQ(store_get(&s, 1, buf, sizeof(buf), &n), AMANA_ERR_NOT_FOUND);
	CHECK_EQ(store_put(&s, 1, (const uint8_t *)"one", 3), AMANA_OK);
	CHECK_EQ(store_put(&s, 2, (const uint8_t *)"two", 3), AMANA_OK);
	CHECK_EQ(store_put(&s, 1, (const uint8_t *)"uno", 3), AMANA_OK);
	CHECK_EQ(store_get(&s, 1, buf, sizeof(buf), &n), AMANA_OK);
	CHECK(n == 3 && memcmp(buf, "uno", 3) == 0);
	CHECK_EQ(store_get(&s, 1, buf, 2, &n), AMANA_ERR_BUFFER);
	CHECK_EQ(store_len(&s, 2), 3);
	CHECK_EQ(store_del(&s, 2), AMANA_OK);
	CHECK_EQ(store_len(&s, 2), 0);
	CHECK_EQ(store_del(&s, 2), AMANA_OK);
	/* Many rewrites force compactions; the other key survives them. */
	for (int i = 0; i < 200; i++) {
		uint8_t v[100];
		memset(v, i, sizeof(v));
		CHECK_EQ(store_put(&s, 3, v, sizeof(v)), AMANA_OK);
	}
	CHECK_EQ(store_get(&s, 1, buf, sizeof(buf), &n), AMANA_OK);
	CHECK(n == 3 && memcmp(buf, "uno", 3) == 0);
	CHECK_EQ(store_get(&s, 3, buf, sizeof(buf), &n), AMANA_OK);
	CHECK(n == 100 && buf[0] == 199 && buf[99] == 199);
	/* A remount finds the same. */
	store_t s2;
	CHECK_EQ(store_mount(&s2, &h), AMANA_OK);
	CHECK_EQ(store_get(&s2, 3, buf, sizeof(buf), &n), AMANA_OK);
	CHECK(n == 100 && buf[0] == 199);
	CHECK_EQ(store_len(&s2, 1), 3);
	/* Limits: reserved keys, empty and oversized values, a full bank. */
	memset(big, 1, sizeof(big));
	CHECK_EQ(store_put(&s2, 0, big, 1), AMANA_ERR_ARG);
	CHECK_EQ(store_put(&s2, 0xFFFF, big, 1), AMANA_ERR_ARG);
	CHECK_EQ(store_put(&s2, 4, big, 0), AMANA_ERR_ARG);
	CHECK_EQ(store_put(&s2, 4, big, STORE_VALUE_MAX + 1), AMANA_ERR_ARG);
	CHECK_EQ(store_put(&s2, 4, big, 900), AMANA_ERR_NOSPACE); /* bank: 1 KiB */
	CHECK_EQ(store_get(&s2, 3, buf, sizeof(buf), &n), AMANA_OK);
	CHECK(n == 100 && buf[0] == 199);
	/* Wipe. */
	CHECK_EQ(store_wipe(&s2), AMANA_OK);
	CHECK_EQ(store_len(&s2, 1) + store_len(&s2, 3), 0);
	CHECK_EQ(store_mount(&s, &h), AMANA_OK);
	CHECK_EQ(store_len(&s, 1) + store_len(&s, 3), 0);
	CHECK_EQ(store_put(&s, 5, (const uint8_t *)"x", 1), AMANA_OK);
	CHECK_EQ(store_len(&s, 5), 1);
}

static void test_power_loss(void)
{
	static flash_t f;
	token_hal_t h;
	store_t s;
	model_t m;
	/* How many writes the whole workload makes. */
	memset(f.mem, 0xFF, sizeof(f.mem));
	f.budget = -1;
	f.writes = 0;
	f.dead = false;
	hal_for(&f, &h);
	CHECK_EQ(store_mount(&s, &h), AMANA_OK);
	long base = f.writes;
	for (int i = 0; i < OPS; i++)
		CHECK_EQ(op(&s, NULL, i), AMANA_OK);
	long total = f.writes - base;
	printf("workload: %d operations, %ld flash writes (erase or program)\n",
	    OPS, total);
	CHECK(total > OPS);

	int cuts = 0, old_state = 0, new_state = 0;
	for (long cut = 1; cut <= total; cut++) {
		memset(f.mem, 0xFF, sizeof(f.mem));
		f.budget = -1;
		f.dead = false;
		CHECK_EQ(store_mount(&s, &h), AMANA_OK);
		f.budget = cut;
		memset(&m, 0, sizeof(m));
		int i = 0, rc = AMANA_OK;
		for (; i < OPS; i++) {
			rc = op(&s, NULL, i);
			if (rc != AMANA_OK)
				break;
			op(NULL, &m, i);
		}
		if (i == OPS)
			continue; /* the cut fell after the last write */
		cuts++;
		/* Power back: the state is the one before op i or after it. */
		f.budget = -1;
		f.dead = false;
		store_t r;
		CHECK_EQ(store_mount(&r, &h), AMANA_OK);
		model_t after = m;
		op(NULL, &after, i);
		bool was_old = same(&r, &m), was_new = same(&r, &after);
		if (!was_old && !was_new)
			fprintf(stderr, "cut at write %ld (op %d): neither old nor new\n",
			    cut, i);
		CHECK(was_old || was_new);
		old_state += was_old;
		new_state += was_new && !was_old;
		/* The store keeps working: redo the operation and the rest. */
		for (int j = was_new && !was_old ? i + 1 : i; j < OPS; j++) {
			int orc = op(&r, NULL, j);
			if (orc != AMANA_OK)
				fprintf(stderr, "cut %ld op %d: redo op %d: %d (head %u nkeys %u dirty %d)\n",
				    cut, i, j, orc, r.head, r.nkeys, r.dirty);
			CHECK_EQ(orc, AMANA_OK);
		}
		model_t end;
		memset(&end, 0, sizeof(end));
		for (int j = 0; j < OPS; j++)
			op(NULL, &end, j);
		CHECK(same(&r, &end));
	}
	printf("power cut at each of %d writes: %d left the old state, %d the new\n",
	    cuts, old_state, new_state);
	CHECK(cuts > 0 && old_state > 0 && new_state > 0);
}

int main(int argc, char **argv)
{
	/* The unit suite runs the behaviour, the crash suite the power cuts. */
	if (argc > 1 && strcmp(argv[1], "power-loss") == 0)
		test_power_loss();
	else
		test_behaviour();
	return check_done();
}
