/* Status lists: the bit array (1 and 2 bits, compression, bounds), the
 * signed token (parse, verify, wrong key, tampering), the SQLite registry
 * (random unique allocation, revocation final, suspension lifted, full
 * list), and the verifier's cache: revoke + publish makes the check fail
 * for that index and only that one; an expired list is reported under
 * both policies; replayed old lists and lists from the future are
 * refused; a cache reopened from disk answers the same, and a cache
 * file replaced on disk is caught. */
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "amana/err.h"
#include "amana/status.h"
#include "check.h"

static char tmpdir[] = "/tmp/amana-status-XXXXXX";
static uint8_t pk[32], sk[64], pk2[32], sk2[64];
static amana_cose_key_t key, key2;
static const char *uri = "https://issuer.amana.example/status/1";

static void bits_basics(void)
{
	amana_status_bits_t *b = NULL, *c = NULL;
	CHECK_EQ(amana_status_bits_new(3, 64, &b), AMANA_ERR_RANGE);
	CHECK_EQ(amana_status_bits_new(1, 7, &b), AMANA_ERR_RANGE);
	CHECK_EQ(amana_status_bits_new(2, 1024, &b), AMANA_OK);
	CHECK_EQ(amana_status_bits_set(b, 5, 2), AMANA_OK);
	CHECK_EQ(amana_status_bits_set(b, 6, 1), AMANA_OK);
	CHECK_EQ(amana_status_bits_set(b, 1023, 3), AMANA_OK);
	CHECK_EQ(amana_status_bits_set(b, 1024, 1), AMANA_ERR_STATUS_INDEX);
	CHECK_EQ(amana_status_bits_set(b, 7, 4), AMANA_ERR_RANGE);
	uint8_t *z = NULL;
	size_t zlen = 0;
	CHECK_EQ(amana_status_bits_compress(b, &z, &zlen), AMANA_OK);
	CHECK(zlen < 64);
	CHECK_EQ(amana_status_bits_decompress(2, z, zlen, &c), AMANA_OK);
	CHECK_EQ(amana_status_bits_count(c), 1024);
	unsigned v = 9, bad = 0;
	for (size_t i = 0; i < 1024; i++) {
		CHECK_EQ(amana_status_bits_get(c, i, &v), AMANA_OK);
		unsigned want = i == 5 ? 2 : i == 6 ? 1 : i == 1023 ? 3 : 0;
		bad += v != want;
	}
	CHECK_EQ(bad, 0);
	/* The draft's layout: entry 5 is bits 2-3 of byte 1 (2 bits each). */
	uLongf rawlen = 256;
	uint8_t raw[256];
	CHECK_EQ(uncompress(raw, &rawlen, z, zlen), Z_OK);
	CHECK_EQ(rawlen, 256);
	CHECK_EQ(raw[1], (2u << 2) | (1u << 4));
	CHECK_EQ(raw[255], 3u << 6);
	free(z);
	amana_status_bits_free(&c);
	amana_status_bits_free(&b);
	CHECK(b == NULL);

	/* The draft's 1-bit example (section 4.1): statuses 1,0,0,1,1,1,0,1 |
	 * 1,1,0,0,0,1,0,1 pack to 0xB9 0xA3. */
	CHECK_EQ(amana_status_bits_new(1, 16, &b), AMANA_OK);
	static const unsigned ex[16] = {1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1};
	for (size_t i = 0; i < 16; i++)
		CHECK_EQ(amana_status_bits_set(b, i, ex[i]), AMANA_OK);
	CHECK_EQ(amana_status_bits_compress(b, &z, &zlen), AMANA_OK);
	rawlen = sizeof(raw);
	CHECK_EQ(uncompress(raw, &rawlen, z, zlen), Z_OK);
	CHECK_EQ(rawlen, 2);
	CHECK_EQ(raw[0], 0xB9);
	CHECK_EQ(raw[1], 0xA3);
	free(z);
	amana_status_bits_free(&b);

	/* A small stream inflating beyond the largest legal list is refused. */
	size_t big = (size_t)AMANA_STATUS_MAX_ENTRIES / 8 + 4096;
	uint8_t *zeros = calloc(1, big);
	uLongf bl = compressBound((uLong)big);
	uint8_t *bomb = malloc(bl);
	CHECK_EQ(compress2(bomb, &bl, zeros, (uLong)big, 9), Z_OK);
	CHECK_EQ(amana_status_bits_decompress(1, bomb, bl, &b), AMANA_ERR_LIMIT);
	/* Truncated or trailing bytes in a legal-size stream. */
	uLongf sl = compressBound(512);
	uint8_t *small = malloc(sl + 1);
	CHECK_EQ(compress2(small, &sl, zeros, 512, 9), Z_OK);
	CHECK_EQ(amana_status_bits_decompress(1, small, sl, &b), AMANA_OK);
	amana_status_bits_free(&b);
	CHECK_EQ(amana_status_bits_decompress(1, small, sl - 1, &b), AMANA_ERR_FORMAT);
	small[sl] = 0;
	CHECK_EQ(amana_status_bits_decompress(1, small, sl + 1, &b), AMANA_ERR_FORMAT);
	CHECK(b == NULL);
	free(small);
	free(zeros);
	free(bomb);
}

static void token_basics(void)
{
	amana_status_bits_t *b = NULL;
	CHECK_EQ(amana_status_bits_new(1, 4096, &b), AMANA_OK);
	CHECK_EQ(amana_status_bits_set(b, 77, 1), AMANA_OK);
	amana_status_claims_t c = {uri, 1000, 4600, 3600};
	uint8_t *tok = NULL;
	size_t len = 0;
	CHECK_EQ(amana_status_token_sign(b, &c, sk, NULL, 0, &tok, &len), AMANA_OK);
	amana_status_list_t *l = NULL;
	CHECK_EQ(amana_status_list_parse(tok, len, &l), AMANA_OK);
	CHECK_EQ(amana_status_list_verify(l, &key), AMANA_OK);
	CHECK_EQ(amana_status_list_verify(l, &key2), AMANA_ERR_STATUS_SIG);
	CHECK(strcmp(amana_status_list_uri(l), uri) == 0);
	CHECK_EQ(amana_status_list_iat(l), 1000);
	CHECK_EQ(amana_status_list_exp(l), 4600);
	CHECK_EQ(amana_status_list_ttl(l), 3600);
	unsigned v = 0;
	CHECK_EQ(amana_status_bits_get(amana_status_list_bits(l), 77, &v), AMANA_OK);
	CHECK_EQ(v, 1);
	amana_status_list_free(&l);
	printf("token for a 4096-entry 1-bit list: %zu bytes\n", len);

	/* Every single-bit flip is refused: by the parser or the signature. */
	size_t accepted = 0;
	for (size_t i = 0; i < len * 8; i++) {
		tok[i / 8] ^= (uint8_t)(1u << (i % 8));
		if (amana_status_list_parse(tok, len, &l) == AMANA_OK &&
		    amana_status_list_verify(l, &key) == AMANA_OK)
			accepted++;
		amana_status_list_free(&l);
		tok[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	CHECK_EQ(accepted, 0);
	CHECK(amana_status_list_parse(tok, len - 1, &l) != AMANA_OK);
	CHECK(l == NULL);
	free(tok);
	amana_status_bits_free(&b);
}

static int pub(amana_status_reg_t *r, uint64_t now, uint64_t validity, uint8_t **tok, size_t *len)
{
	return amana_status_reg_publish(r, uri, now, validity, sk, NULL, 0, tok, len);
}

static void registry_and_cache(void)
{
	char db[256], dir[256];
	snprintf(db, sizeof(db), "%s/issuer.db", tmpdir);
	snprintf(dir, sizeof(dir), "%s/cache", tmpdir);
	amana_status_reg_t *r = NULL;
	CHECK_EQ(amana_status_reg_open(db, &r), AMANA_OK);
	CHECK_EQ(amana_status_reg_create(r, uri, 2, 1024), AMANA_OK);
	CHECK_EQ(amana_status_reg_create(r, uri, 2, 1024), AMANA_ERR_EXISTS);
	CHECK_EQ(amana_status_reg_create(r, "small", 1, 8), AMANA_OK);

	/* Allocation: unique, random (not 0,1,2,...), until full. */
	size_t idx[8];
	bool seen[8] = {false};
	for (int i = 0; i < 8; i++) {
		CHECK_EQ(amana_status_reg_alloc(r, "small", &idx[i]), AMANA_OK);
		CHECK(idx[i] < 8 && !seen[idx[i]]);
		seen[idx[i] % 8] = true;
	}
	size_t extra = 0;
	CHECK_EQ(amana_status_reg_alloc(r, "small", &extra), AMANA_ERR_STATUS_FULL);
	CHECK_EQ(amana_status_reg_alloc(r, "nope", &extra), AMANA_ERR_NOT_FOUND);
	size_t a[20], inorder = 0;
	for (int i = 0; i < 20; i++) {
		CHECK_EQ(amana_status_reg_alloc(r, uri, &a[i]), AMANA_OK);
		inorder += i > 0 && a[i] == a[i - 1] + 1;
	}
	CHECK(inorder < 5);

	/* State rules. */
	unsigned st = 9;
	CHECK_EQ(amana_status_reg_set(r, uri, a[1], AMANA_STATUS_SUSPENDED), AMANA_OK);
	CHECK_EQ(amana_status_reg_set(r, uri, a[1], AMANA_STATUS_VALID), AMANA_OK);
	CHECK_EQ(amana_status_reg_get(r, uri, a[1], &st), AMANA_OK);
	CHECK_EQ(st, AMANA_STATUS_VALID);
	CHECK_EQ(amana_status_reg_set(r, "small", idx[0], AMANA_STATUS_SUSPENDED), AMANA_ERR_RANGE);
	size_t never = 0;
	while (never == a[0] || never == a[1] || never == a[2] || never == a[3])
		never++;
	bool allocated = false;
	for (int i = 0; i < 20; i++)
		allocated = allocated || a[i] == never;
	if (!allocated)
		CHECK_EQ(amana_status_reg_set(r, uri, never, AMANA_STATUS_INVALID), AMANA_ERR_NOT_FOUND);

	/* Publish, cache, check: valid. */
	amana_status_policy_t pol;
	amana_status_policy_default(&pol);
	amana_status_cache_t *c = NULL;
	CHECK_EQ(amana_status_cache_open(dir, &c), AMANA_OK);
	uint8_t *tok = NULL;
	size_t len = 0;
	uint64_t t0 = 1780000000;
	CHECK_EQ(pub(r, t0, 86400, &tok, &len), AMANA_OK);
	CHECK_EQ(amana_status_cache_put(c, tok, len, &key2, t0, &pol), AMANA_ERR_STATUS_SIG);
	CHECK_EQ(amana_status_cache_put(c, tok, len, &key, t0, &pol), AMANA_OK);
	uint8_t *old_tok = tok;
	size_t old_len = len;
	amana_status_result_t res;
	CHECK_EQ(amana_status_cache_check(c, uri, a[0], &key, t0 + 10, &pol, &res), AMANA_OK);
	CHECK_EQ(res.status, AMANA_STATUS_VALID);
	CHECK(!res.expired);
	CHECK_EQ(amana_status_cache_check(c, "other", a[0], &key, t0, &pol, &res), AMANA_ERR_STATUS_NONE);
	CHECK_EQ(amana_status_cache_check(c, uri, 1024, &key, t0, &pol, &res), AMANA_ERR_STATUS_INDEX);
	CHECK_EQ(amana_status_cache_check(c, uri, a[0], &key2, t0, &pol, &res), AMANA_ERR_STATUS_SIG);

	/* Revoke a[0], suspend a[2], publish an hour later: those fail, the
	 * others still pass. Revocation is final. */
	CHECK_EQ(amana_status_reg_set(r, uri, a[0], AMANA_STATUS_INVALID), AMANA_OK);
	CHECK_EQ(amana_status_reg_set(r, uri, a[2], AMANA_STATUS_SUSPENDED), AMANA_OK);
	CHECK_EQ(amana_status_reg_set(r, uri, a[0], AMANA_STATUS_VALID), AMANA_ERR_STATE);
	CHECK_EQ(pub(r, t0 + 3600, 86400, &tok, &len), AMANA_OK);
	/* Before the new list reaches the verifier, the old answer stands. */
	CHECK_EQ(amana_status_cache_check(c, uri, a[0], &key, t0 + 3700, &pol, &res), AMANA_OK);
	CHECK_EQ(amana_status_cache_put(c, tok, len, &key, t0 + 3700, &pol), AMANA_OK);
	CHECK_EQ(amana_status_cache_check(c, uri, a[0], &key, t0 + 3700, &pol, &res), AMANA_ERR_STATUS_REVOKED);
	CHECK_EQ(res.status, AMANA_STATUS_INVALID);
	CHECK_EQ(amana_status_cache_check(c, uri, a[2], &key, t0 + 3700, &pol, &res), AMANA_ERR_STATUS_SUSPENDED);
	size_t ok = 0;
	for (int i = 3; i < 20; i++)
		ok += amana_status_cache_check(c, uri, a[i], &key, t0 + 3700, &pol, &res) == AMANA_OK;
	CHECK_EQ(ok, 17);
	CHECK_EQ(amana_status_cache_check(c, uri, a[1], &key, t0 + 3700, &pol, &res), AMANA_OK);

	/* Two lists published within the same second: the second gets a later
	 * iat, so a verifier that holds it refuses the first. */
	amana_status_cache_t *c2 = NULL;
	CHECK_EQ(amana_status_cache_open(NULL, &c2), AMANA_OK);
	uint8_t *same1 = NULL, *same2 = NULL;
	size_t same1_len = 0, same2_len = 0;
	CHECK_EQ(pub(r, t0 + 3650, 86400, &same1, &same1_len), AMANA_OK);
	CHECK_EQ(pub(r, t0 + 3650, 86400, &same2, &same2_len), AMANA_OK);
	amana_status_list_t *l1 = NULL, *l2 = NULL;
	CHECK_EQ(amana_status_list_parse(same1, same1_len, &l1), AMANA_OK);
	CHECK_EQ(amana_status_list_parse(same2, same2_len, &l2), AMANA_OK);
	if (l1 != NULL && l2 != NULL)
		CHECK(amana_status_list_iat(l2) > amana_status_list_iat(l1));
	amana_status_list_free(&l1);
	amana_status_list_free(&l2);
	CHECK_EQ(amana_status_cache_put(c2, same2, same2_len, &key, t0 + 3700, &pol), AMANA_OK);
	CHECK_EQ(amana_status_cache_put(c2, same1, same1_len, &key, t0 + 3700, &pol), AMANA_ERR_STATUS_ROLLBACK);
	amana_status_cache_free(&c2);
	free(same1);
	free(same2);

	/* Replaying the older list (which says a[0] is valid) is refused. */
	CHECK_EQ(amana_status_cache_put(c, old_tok, old_len, &key, t0 + 3800, &pol), AMANA_ERR_STATUS_ROLLBACK);
	CHECK_EQ(amana_status_cache_check(c, uri, a[0], &key, t0 + 3800, &pol, &res), AMANA_ERR_STATUS_REVOKED);
	free(old_tok);
	/* A list issued an hour in the future is refused. */
	uint8_t *fut = NULL;
	size_t flen = 0;
	CHECK_EQ(pub(r, t0 + 9000, 86400, &fut, &flen), AMANA_OK);
	CHECK_EQ(amana_status_cache_put(c, fut, flen, &key, t0 + 5400, &pol), AMANA_ERR_STATUS_FUTURE);
	free(fut);
	/* A clock at the end of time does not wrap the skew into "future". */
	amana_status_cache_t *c3 = NULL;
	CHECK_EQ(amana_status_cache_open(NULL, &c3), AMANA_OK);
	CHECK_EQ(amana_status_cache_put(c3, tok, len, &key, UINT64_MAX - 10, &pol), AMANA_OK);
	amana_status_cache_free(&c3);

	/* Expired: the list said exp = t0 + 3600 + 86400. */
	uint64_t late = t0 + 3600 + 86400 + 60;
	CHECK_EQ(amana_status_cache_check(c, uri, a[5], &key, late, &pol, &res), AMANA_ERR_STATUS_EXPIRED);
	CHECK(res.expired);
	CHECK_EQ(res.exp, t0 + 3600 + 86400);
	pol.grace = 120;
	CHECK_EQ(amana_status_cache_check(c, uri, a[5], &key, late, &pol, &res), AMANA_OK);
	CHECK(!res.expired);
	pol.grace = 0;
	pol.on_expired = AMANA_STATUS_EXPIRED_WARN;
	CHECK_EQ(amana_status_cache_check(c, uri, a[5], &key, late, &pol, &res), AMANA_OK);
	CHECK(res.expired);
	/* Revocation wins over a lenient expiry policy. */
	CHECK_EQ(amana_status_cache_check(c, uri, a[0], &key, late, &pol, &res), AMANA_ERR_STATUS_REVOKED);
	amana_status_policy_default(&pol);
	amana_status_cache_free(&c);

	/* Reopened from disk: same answers. */
	CHECK_EQ(amana_status_cache_open(dir, &c), AMANA_OK);
	CHECK_EQ(amana_status_cache_check(c, uri, a[0], &key, t0 + 3700, &pol, &res), AMANA_ERR_STATUS_REVOKED);
	CHECK_EQ(amana_status_cache_check(c, uri, a[3], &key, t0 + 3700, &pol, &res), AMANA_OK);
	amana_status_cache_free(&c);

	/* The cache file replaced by a list signed with another key (which
	 * says every index is valid): the check catches it. */
	amana_status_bits_t *b = NULL;
	CHECK_EQ(amana_status_bits_new(2, 1024, &b), AMANA_OK);
	amana_status_claims_t cl = {uri, t0 + 7200, t0 + 90000, 0};
	uint8_t *forged = NULL;
	size_t forged_len = 0;
	CHECK_EQ(amana_status_token_sign(b, &cl, sk2, NULL, 0, &forged, &forged_len), AMANA_OK);
	amana_status_bits_free(&b);
	amana_status_cache_t *mem = NULL;
	CHECK_EQ(amana_status_cache_open(dir, &mem), AMANA_OK);
	CHECK_EQ(amana_status_cache_put(mem, forged, forged_len, &key2, t0 + 7200, &pol), AMANA_OK);
	amana_status_cache_free(&mem);
	CHECK_EQ(amana_status_cache_open(dir, &c), AMANA_OK);
	CHECK_EQ(amana_status_cache_check(c, uri, a[0], &key, t0 + 7300, &pol, &res), AMANA_ERR_STATUS_SIG);
	amana_status_cache_free(&c);
	free(forged);
	free(tok);
	amana_status_reg_close(&r);
}

/* A status list token for uri with index 5 valid (0) or revoked (1). */
static int token_idx5(unsigned value, uint64_t iat, uint8_t **tok, size_t *len)
{
	amana_status_bits_t *b = NULL;
	int r = amana_status_bits_new(1, 64, &b);
	if (r == AMANA_OK)
		r = amana_status_bits_set(b, 5, value);
	amana_status_claims_t c = {uri, iat, iat + 86400, 0};
	if (r == AMANA_OK)
		r = amana_status_token_sign(b, &c, sk, NULL, 0, tok, len);
	amana_status_bits_free(&b);
	return r;
}

static void write_file(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f != NULL) {
		CHECK_EQ(fwrite(p, 1, n, f), n);
		fclose(f);
	}
}

/* Two lists of one URI in the cache directory (the list before a
 * revocation copied in under another name): the later one counts, in
 * whatever order the directory lists them (both orders of writing and
 * several names, so some directory gives the older one first). */
static void stale_copy_in_directory(void)
{
	uint8_t *before = NULL, *after = NULL;
	size_t bl = 0, al = 0;
	CHECK_EQ(token_idx5(0, 1000, &before, &bl), AMANA_OK);
	CHECK_EQ(token_idx5(1, 2000, &after, &al), AMANA_OK);
	amana_status_policy_t pol;
	amana_status_policy_default(&pol);
	for (unsigned k = 0; before != NULL && after != NULL && k < 8; k++) {
		char dir[300], old_name[32], new_name[32];
		snprintf(dir, sizeof(dir), "%s/stale%u", tmpdir, k);
		CHECK_EQ(mkdir(dir, 0700), 0);
		snprintf(old_name, sizeof(old_name), "%c%u.cwt", 'a' + k, k);
		snprintf(new_name, sizeof(new_name), "%c%u.cwt", 'h' - k, k);
		if (k % 2 == 0) {
			write_file(dir, old_name, before, bl);
			write_file(dir, new_name, after, al);
		} else {
			write_file(dir, new_name, after, al);
			write_file(dir, old_name, before, bl);
		}
		amana_status_cache_t *c = NULL;
		amana_status_result_t res;
		CHECK_EQ(amana_status_cache_open(dir, &c), AMANA_OK);
		CHECK_EQ(amana_status_cache_count(c), 1);
		CHECK_EQ(amana_status_cache_check(c, uri, 5, &key, 3000, &pol, &res),
		    AMANA_ERR_STATUS_REVOKED);
		amana_status_cache_free(&c);
	}
	free(before);
	free(after);
}

int main(void)
{
	if (sodium_init() < 0 || mkdtemp(tmpdir) == NULL)
		return 1;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	memset(&key, 0, sizeof(key));
	key.kty = AMANA_COSE_KTY_OKP;
	key.crv = AMANA_COSE_CRV_ED25519;
	key2 = key;
	memcpy(key.x, pk, 32);
	memcpy(key2.x, pk2, 32);
	bits_basics();
	token_basics();
	registry_and_cache();
	stale_copy_in_directory();
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	CHECK_EQ(system(cmd), 0);
	return check_done();
}
