/* test_vault.c: the vault's behaviour through its public API (test build:
 * fast Argon2id parameters). Round trips of documents of edge-case sizes and
 * records; wrong secrets; recovery words; duress; passwd and slot removal;
 * a flipped byte in every file and a missing object each give a specific
 * error while every other object stays readable; and a scan of every byte
 * written finds no plaintext of documents, metadata, keys or passphrases. */
#define _GNU_SOURCE /* memfd_create, memmem */
#include "amana/vault.h"
#include "check.h"
#include "vault_test.h"
#include "vt_util.h"

#define NDOCS 7
static const size_t doc_sizes[NDOCS] = {0, 1, 4095, 65535, 65536, 65537, 300001};
static uint8_t *docs[NDOCS];
static const char *pass = "correct horse battery staple";
static const char *duress = "tea with milk";

static int get_doc(amana_vault_t *v, const char *name, uint8_t **out, size_t *len)
{
	int fd = memfd_create("get", MFD_CLOEXEC);
	int err = amana_vault_doc_get(v, name, fd);
	*out = vt_slurp_fd(fd, len);
	close(fd);
	return err;
}

static void check_docs(amana_vault_t *v, int skip)
{
	char name[32];
	for (int i = 0; i < NDOCS; i++) {
		if (i == skip)
			continue;
		uint8_t *got = NULL;
		size_t len = 0;
		snprintf(name, sizeof(name), "doc-%d", i);
		CHECK_EQ(get_doc(v, name, &got, &len), AMANA_OK);
		CHECK(got != NULL && len == doc_sizes[i] && memcmp(got, docs[i], len) == 0);
		free(got);
	}
}

static amana_vault_t *open_pass(const char *dir, const char *p, int *err)
{
	amana_vault_t *v = NULL;
	*err = amana_vault_open(dir, AMANA_VAULT_PASSPHRASE, (const uint8_t *)p, strlen(p), &v);
	return v;
}

static int contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
	return m > 0 && memmem(hay, n, needle, m) != NULL;
}

int main(void)
{
	char dir[4096], path[4200];
	uint8_t rk[32], rk2[32], key[32], dkey[32];
	char words[AMANA_VAULT_WORDS_STRLEN];
	amana_vault_kdf_t kdf = amana_vault_test_kdf_fast();
	amana_vault_kdf_t weak = {1, 8192};
	int err;
	if (sodium_init() < 0)
		return 1;
	vt_tmpdir(dir, sizeof(dir), "unit");

	/* the shipped floor is MODERATE; the test build accepts less */
	amana_vault_kdf_t d = amana_vault_kdf_default();
	CHECK(d.opslimit >= crypto_pwhash_OPSLIMIT_MODERATE && d.memlimit >= crypto_pwhash_MEMLIMIT_MODERATE);
	weak.memlimit = 1000; /* not a multiple of 1 KiB, below any floor */
	CHECK(amana_vault_create(dir, (const uint8_t *)pass, strlen(pass), &weak, rk) != AMANA_OK);
	CHECK_EQ(amana_vault_create(dir, (const uint8_t *)pass, strlen(pass), &kdf, rk), AMANA_OK);
	CHECK_EQ(amana_vault_create(dir, (const uint8_t *)pass, strlen(pass), &kdf, rk2), AMANA_ERR_EXISTS);

	/* recovery words round trip, typo and checksum */
	amana_vault_words_encode(rk, words);
	CHECK_EQ(amana_vault_words_decode(words, rk2), AMANA_OK);
	CHECK(memcmp(rk, rk2, 32) == 0);
	char typo[AMANA_VAULT_WORDS_STRLEN];
	memcpy(typo, words, sizeof(typo));
	typo[1] = typo[1] == 'a' ? 'o' : 'a'; /* still a word, wrong checksum (p = 1/256) */
	CHECK_EQ(amana_vault_words_decode(typo, rk2), AMANA_ERR_VAULT_WORDS);
	CHECK_EQ(amana_vault_words_decode("bako bako", rk2), AMANA_ERR_VAULT_WORDS);
	typo[0] = 'x';
	CHECK_EQ(amana_vault_words_decode(typo, rk2), AMANA_ERR_VAULT_WORDS);

	/* wrong secrets */
	amana_vault_t *v = open_pass(dir, "wrong", &err);
	CHECK_EQ(err, AMANA_ERR_VAULT_SECRET);
	CHECK(v == NULL);
	memset(rk2, 7, 32);
	CHECK_EQ(amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk2, 32, &v), AMANA_ERR_VAULT_SECRET);
	CHECK_EQ(amana_vault_open(dir, AMANA_VAULT_TOKEN, rk, 32, &v), AMANA_ERR_VAULT_SECRET);
	CHECK_EQ(amana_vault_open("/nonexistent/vault", AMANA_VAULT_RECOVERY, rk, 32, &v),
	    AMANA_ERR_VAULT_NOT_VAULT);

	v = open_pass(dir, pass, &err);
	CHECK_EQ(err, AMANA_OK);
	if (v == NULL)
		return check_done();
	CHECK_EQ(amana_vault_count(v), 0);

	/* documents of edge-case sizes */
	amana_vault_meta_t meta = {"passport", "P-QX7731902", "Nepal", "2031-04-30",
	    "kept by recruiter Sunrise Manpower"};
	for (int i = 0; i < NDOCS; i++) {
		char name[32];
		docs[i] = malloc(doc_sizes[i] + 1);
		vt_fill(docs[i], doc_sizes[i], (uint64_t)i + 1u);
		if (doc_sizes[i] > 64) /* a recognisable phrase for the scan */
			memcpy(docs[i] + 10, "PLAINTEXT-PASSPORT-SCAN", 23);
		snprintf(name, sizeof(name), "doc-%d", i);
		int fd = vt_memfd(docs[i], doc_sizes[i]);
		CHECK_EQ(amana_vault_doc_add(v, name, &meta, fd), AMANA_OK);
		close(fd);
	}
	int fd0 = vt_memfd(docs[0], 0);
	CHECK_EQ(amana_vault_doc_add(v, "doc-1", NULL, fd0), AMANA_ERR_EXISTS);
	close(fd0);
	CHECK_EQ(amana_vault_count(v), NDOCS);
	check_docs(v, -1);

	/* records: the mdoc device key and a credential; replacing one */
	uint8_t pk[32], sk[64];
	crypto_sign_keypair(pk, sk);
	CHECK_EQ(amana_vault_put_record(v, "device-key", "mdoc-device-key", sk, 64), AMANA_OK);
	CHECK_EQ(amana_vault_put_record(v, "credential", "right-to-work",
	             (const uint8_t *)"CRED-BLOB-V1-RIGHT-TO-WORK", 26), AMANA_OK);
	CHECK_EQ(amana_vault_put_record(v, "credential", "right-to-work",
	             (const uint8_t *)"CRED-BLOB-V2-RIGHT-TO-WORK", 26), AMANA_OK);
	CHECK_EQ(amana_vault_put_record(v, "credential", "doc-1", sk, 1), AMANA_ERR_EXISTS);
	uint8_t *rec = NULL;
	size_t rlen = 0;
	CHECK_EQ(amana_vault_get_record(v, "device-key", "mdoc-device-key", &rec, &rlen), AMANA_OK);
	CHECK(rec != NULL && rlen == 64 && sodium_memcmp(rec, sk, 64) == 0);
	amana_vault_secret_free(&rec, rlen);
	CHECK_EQ(amana_vault_get_record(v, NULL, "right-to-work", &rec, &rlen), AMANA_OK);
	CHECK(rec != NULL && rlen == 26 && memcmp(rec, "CRED-BLOB-V2", 12) == 0);
	amana_vault_secret_free(&rec, rlen);
	CHECK_EQ(amana_vault_get_record(v, "device-key", "right-to-work", &rec, &rlen),
	    AMANA_ERR_VAULT_NAME);
	CHECK_EQ(amana_vault_count(v), NDOCS + 2);
	CHECK_EQ(amana_vault_rm(v, "nope"), AMANA_ERR_VAULT_NAME);

	/* duress: a second passphrase opens the decoy, not the real vault */
	unsigned didx = 99;
	CHECK_EQ(amana_vault_slot_add_duress(v, (const uint8_t *)pass, strlen(pass), &kdf, &didx),
	    AMANA_ERR_VAULT_SAME_SECRET);
	CHECK_EQ(amana_vault_slot_add_duress(v, (const uint8_t *)duress, strlen(duress), &kdf, &didx), AMANA_OK);
	amana_vault_t *dv = NULL;
	CHECK_EQ(amana_vault_open_decoy(v, &dv), AMANA_OK);
	if (dv != NULL) {
		int fd = vt_memfd((const uint8_t *)"harmless bus timetable", 22);
		CHECK_EQ(amana_vault_doc_add(dv, "timetable", NULL, fd), AMANA_OK);
		close(fd);
		amana_vault_free(&dv);
	}
	amana_vault_test_key(v, key);
	amana_vault_free(&v);
	dv = open_pass(dir, duress, &err);
	CHECK_EQ(err, AMANA_OK);
	if (dv != NULL) {
		CHECK_EQ(amana_vault_count(dv), 1);
		CHECK_EQ(amana_vault_find(dv, "doc-1"), AMANA_ERR_VAULT_NAME);
		amana_vault_slot_info_t si;
		unsigned visible = 0;
		for (unsigned i = 0; i < AMANA_VAULT_NSLOTS; i++)
			if (amana_vault_slot_info(dv, i, &si) == AMANA_OK && si.type != AMANA_VAULT_SLOT_FREE &&
			    si.type != AMANA_VAULT_SLOT_HIDDEN) {
				visible++;
				CHECK_EQ(si.type, AMANA_VAULT_SLOT_PASSPHRASE); /* not "duress" */
			}
		CHECK_EQ(visible, 1);
		CHECK_EQ(amana_vault_open_decoy(dv, &v), AMANA_ERR_STATE);
		/* the captor changes the duress passphrase and adds a slot: the
		 * real vault's ways in survive */
		CHECK_EQ(amana_vault_passwd(dv, amana_vault_slot_opened(dv), (const uint8_t *)"captor1", 7, &kdf), AMANA_OK);
		unsigned ci = 0;
		CHECK_EQ(amana_vault_slot_add_passphrase(dv, (const uint8_t *)"captor2", 7, &kdf, &ci), AMANA_OK);
		CHECK(ci != 0 && ci != 1);
		amana_vault_test_key(dv, dkey);
		amana_vault_free(&dv);
	}
	v = open_pass(dir, pass, &err);
	CHECK_EQ(err, AMANA_OK);
	if (v == NULL)
		return check_done();
	CHECK_EQ(amana_vault_count(v), NDOCS + 2);
	check_docs(v, -1);
	/* one handle per directory at a time, across processes (flock): a second
	 * open waits a moment, then says the vault is busy */
	CHECK_EQ(amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &dv), AMANA_ERR_VAULT_BUSY);
	CHECK(dv == NULL);
	amana_vault_free(&v);
	CHECK_EQ(amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &dv), AMANA_OK);
	amana_vault_free(&dv);
	v = open_pass(dir, pass, &err);
	CHECK_EQ(err, AMANA_OK);
	if (v == NULL)
		return check_done();

	/* passwd in place; slot removal; never the last way in */
	unsigned pidx = amana_vault_slot_opened(v);
	CHECK_EQ(amana_vault_passwd(v, pidx, (const uint8_t *)"new pass", 8, &kdf), AMANA_OK);
	amana_vault_free(&v);
	CHECK(open_pass(dir, pass, &err) == NULL && err == AMANA_ERR_VAULT_SECRET);
	v = open_pass(dir, "new pass", &err);
	CHECK_EQ(err, AMANA_OK);
	if (v == NULL)
		return check_done();
	CHECK_EQ(amana_vault_slot_remove(v, 1), AMANA_OK); /* the recovery slot */
	CHECK_EQ(amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &dv), AMANA_ERR_VAULT_SECRET);
	CHECK_EQ(amana_vault_slot_remove(v, pidx), AMANA_ERR_VAULT_LAST_SLOT);
	CHECK_EQ(amana_vault_slot_add_recovery(v, rk, NULL), AMANA_OK);
	amana_vault_free(&v);
	CHECK_EQ(amana_vault_open(dir, AMANA_VAULT_RECOVERY, rk, 32, &v), AMANA_OK);
	if (v == NULL)
		return check_done();
	CHECK_EQ(amana_vault_rm(v, "doc-3"), AMANA_OK);
	CHECK_EQ(amana_vault_find(v, "doc-3"), AMANA_ERR_VAULT_NAME);
	check_docs(v, 3);
	amana_vault_free(&v);

	/* every file damaged in turn: a specific error for that object only */
	char names[256][64];
	int nf = vt_list(dir, names, 256);
	int bad_objects = 0, repaired = 0;
	CHECK(nf > 10);
	for (int f = 0; f < nf; f++) {
		size_t len = 0;
		vt_path(path, sizeof(path), dir, names[f]);
		uint8_t *orig = vt_slurp(path, &len);
		if (orig == NULL || len == 0) {
			CHECK(0);
			continue;
		}
		orig[len / 2] ^= 0x20;
		CHECK(vt_spit(path, orig, len) == 0);
		orig[len / 2] ^= 0x20;
		v = open_pass(dir, "new pass", &err);
		if (strcmp(names[f], "slots") == 0) {
			CHECK_EQ(err, AMANA_ERR_VAULT_SLOTS);
		} else {
			CHECK_EQ(err, AMANA_OK);
		}
		if (v != NULL) {
			int nbad = amana_vault_check(v, NULL, NULL);
			CHECK(nbad == 0 || nbad == 1);
			bad_objects += nbad;
			repaired += amana_vault_repaired(v);
			if (nbad == 1) {
				/* the others read back byte-identical */
				int ok = 0;
				for (int i = 0; i < NDOCS; i++) {
					char name[32];
					uint8_t *got = NULL;
					size_t gl = 0;
					if (i == 3)
						continue;
					snprintf(name, sizeof(name), "doc-%d", i);
					int e = get_doc(v, name, &got, &gl);
					CHECK(e == AMANA_OK || e == AMANA_ERR_VAULT_OBJECT);
					ok += e == AMANA_OK && gl == doc_sizes[i] && memcmp(got, docs[i], gl) == 0;
					free(got);
				}
				CHECK(ok >= NDOCS - 2);
			}
			amana_vault_free(&v);
		}
		CHECK(vt_spit(path, orig, len) == 0);
		free(orig);
	}
	CHECK_EQ(bad_objects, NDOCS - 1 + 2); /* each real object found once */
	CHECK_EQ(repaired, 1);                /* the primary manifest */

	/* a missing object is named by its error */
	v = open_pass(dir, "new pass", &err);
	if (v != NULL) {
		nf = vt_list(dir, names, 256);
		int missing = 0;
		for (int f = 0; f < nf && missing == 0; f++) {
			size_t len = 0;
			vt_path(path, sizeof(path), dir, names[f]);
			uint8_t *orig = vt_slurp(path, &len);
			unlink(path);
			int nbad = amana_vault_check(v, NULL, NULL);
			if (nbad == 1) {
				uint8_t *got = NULL;
				size_t gl = 0;
				int e = AMANA_OK;
				for (int i = 0; i < NDOCS && e == AMANA_OK; i++) {
					char name[32];
					snprintf(name, sizeof(name), "doc-%d", i);
					if (i != 3)
						e = get_doc(v, name, &got, &gl);
					free(got);
					got = NULL;
				}
				if (e == AMANA_OK)
					e = amana_vault_get_record(v, NULL, "right-to-work", &got, &gl);
				if (e == AMANA_OK) {
					amana_vault_secret_free(&got, gl);
					e = amana_vault_get_record(v, NULL, "mdoc-device-key", &got, &gl);
					amana_vault_secret_free(&got, gl);
				}
				CHECK_EQ(e, AMANA_ERR_VAULT_MISSING);
				missing = 1;
			}
			vt_spit(path, orig, len);
			free(orig);
		}
		CHECK_EQ(missing, 1);
		amana_vault_free(&v);
	}

	/* no plaintext anywhere on disk */
	nf = vt_list(dir, names, 256);
	uint8_t rkey[32];
	v = open_pass(dir, "new pass", &err);
	if (v != NULL) {
		amana_vault_test_key(v, rkey);
		amana_vault_free(&v);
	}
	const char *strs[] = {"PLAINTEXT-PASSPORT", "P-QX7731902", "Nepal", "2031-04-30",
	    "Sunrise Manpower", "passport", "mdoc-device-key", "right-to-work", "CRED-BLOB",
	    "harmless bus", "timetable", "doc-1", pass, duress, "new pass", "captor"};
	int leaks = 0;
	for (int f = 0; f < nf; f++) {
		size_t len = 0;
		vt_path(path, sizeof(path), dir, names[f]);
		uint8_t *buf = vt_slurp(path, &len);
		if (buf == NULL)
			continue;
		for (size_t s = 0; s < sizeof(strs) / sizeof(strs[0]); s++)
			leaks += contains(buf, len, (const uint8_t *)strs[s], strlen(strs[s]));
		leaks += contains(buf, len, key, 16) + contains(buf, len, rkey, 16) +
		    contains(buf, len, dkey, 16) + contains(buf, len, rk, 16) +
		    contains(buf, len, sk, 16) + contains(buf, len, sk + 32, 16);
		for (int i = 0; i < NDOCS; i++)
			for (size_t o = 0; o + 24 <= doc_sizes[i]; o += 4096)
				leaks += contains(buf, len, docs[i] + o, 24);
		free(buf);
	}
	CHECK_EQ(leaks, 0);
	CHECK(memcmp(key, rkey, 32) == 0);

	/* every object name is 32 hex digits; sizes are Padme buckets */
	for (int f = 0; f < nf; f++)
		CHECK(strcmp(names[f], "slots") == 0 || (strlen(names[f]) == 32 &&
		    strspn(names[f], "0123456789abcdef") == 32));

	for (int i = 0; i < NDOCS; i++)
		free(docs[i]);
	vt_rmrf(dir);

	/* a vault with a duress passphrase looks like one without: the same
	 * files, the same sizes, the slot file the same shape */
	char da[4096], db[4096];
	static char na[64][64], nb[64][64];
	long sa[64], sb[64];
	vt_tmpdir(da, sizeof(da), "plain");
	vt_tmpdir(db, sizeof(db), "duress");
	CHECK_EQ(amana_vault_create(da, (const uint8_t *)pass, strlen(pass), &kdf, rk), AMANA_OK);
	CHECK_EQ(amana_vault_create(db, (const uint8_t *)pass, strlen(pass), &kdf, rk2), AMANA_OK);
	v = open_pass(db, pass, &err);
	if (v != NULL) {
		CHECK_EQ(amana_vault_slot_add_duress(v, (const uint8_t *)duress, strlen(duress), &kdf, NULL), AMANA_OK);
		amana_vault_free(&v);
	}
	v = open_pass(da, pass, &err); /* both opened once: same cleanup history */
	amana_vault_free(&v);
	int ca = vt_list(da, na, 64), cb = vt_list(db, nb, 64);
	CHECK_EQ(ca, cb);
	for (int i = 0; i < ca && i < 64; i++) {
		struct stat st;
		vt_path(path, sizeof(path), da, na[i]);
		sa[i] = stat(path, &st) == 0 ? (long)st.st_size : -1;
		vt_path(path, sizeof(path), db, nb[i]);
		sb[i] = stat(path, &st) == 0 ? (long)st.st_size : -2;
	}
	long suma = 0, sumb = 0, maxa = 0, maxb = 0;
	for (int i = 0; i < ca && i < 64; i++) {
		suma += sa[i];
		sumb += sb[i];
		maxa = sa[i] > maxa ? sa[i] : maxa;
		maxb = sb[i] > maxb ? sb[i] : maxb;
	}
	CHECK_EQ(suma, sumb);
	CHECK_EQ(maxa, maxb);
	/* every slot entry carries the same Argon2id parameters, used or not */
	size_t sl = 0;
	vt_path(path, sizeof(path), db, "slots");
	uint8_t *sf = vt_slurp(path, &sl);
	CHECK(sf != NULL && sl == 80 + 8 * 256 + 32);
	if (sf != NULL && sl == 80 + 8 * 256 + 32)
		for (int i = 1; i < 8; i++)
			CHECK(memcmp(sf + 80 + 16, sf + 80 + i * 256 + 16, 8) == 0);
	free(sf);
	vt_rmrf(da);
	vt_rmrf(db);
	sodium_memzero(rk, sizeof(rk));
	return check_done();
}
