/*
 * selftest.c: on-target self-test of the cross-built mbedTLS (the crypto the
 * token uses), run under QEMU by tests/firmware/cm4. Exit code (semihosting):
 * 0 all passed, otherwise the number of failed checks.
 *
 * Known answers from independent sources: NIST SP 800-38A (AES-256-CBC),
 * RFC 4231 (HMAC-SHA-256), RFC 5869 (HKDF), RFC 6979 A.2.5 (deterministic
 * P-256 ECDSA), plus mbedTLS's own self-tests and sign/verify/ECDH round
 * trips with keys from the on-target random source. Prints the peak arena
 * and stack use and the clock ticks of one signature (instructions x 40
 * under -icount shift=0, where one instruction takes 1 ns of a 25 MHz clock).
 */
#include <string.h>

#include "board.h"
#include "cm4_crypto_arena.h"
#include "semihost.h"

#include "mbedtls/aes.h"
#include "mbedtls/bignum.h"
#include "mbedtls/cipher.h"
#include "mbedtls/ecdh.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/ecp.h"
#include "mbedtls/hkdf.h"
#include "mbedtls/hmac_drbg.h"
#include "mbedtls/md.h"
#include "mbedtls/sha256.h"
#include "mbedtls/version.h"

int main(void);

static int failures;

static void check(int ok, const char *what)
{
	cm4_semihost_puts(ok ? "ok   " : "FAIL ");
	cm4_semihost_puts(what);
	cm4_semihost_puts("\n");
	if (!ok)
		failures++;
}

static int unhex(const char *h, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t b = 0;
		for (int k = 0; k < 2; k++) {
			char c = h[2 * i + (size_t)k];
			uint8_t v;
			if (c >= '0' && c <= '9')
				v = (uint8_t)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v = (uint8_t)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v = (uint8_t)(c - 'A' + 10);
			else
				return -1;
			b = (uint8_t)(b << 4 | v);
		}
		out[i] = b;
	}
	return h[2 * n] == '\0' ? 0 : -1;
}

static int eq_hex(const uint8_t *got, size_t n, const char *want)
{
	uint8_t w[64];
	if (n > sizeof(w) || unhex(want, w, n) != 0)
		return 0;
	return memcmp(got, w, n) == 0;
}

static void test_aes_cbc(void)
{
	/* NIST SP 800-38A F.2.5, CBC-AES256.Encrypt, first two blocks. */
	uint8_t key[32], iv[16], pt[32], ct[32], back[32];
	size_t olen = 0, fin = 0;
	mbedtls_cipher_context_t c;
	int rc;

	(void)unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", key, 32);
	(void)unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
	(void)unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51", pt, 32);
	mbedtls_cipher_init(&c);
	rc = mbedtls_cipher_setup(&c, mbedtls_cipher_info_from_type(MBEDTLS_CIPHER_AES_256_CBC));
	rc = rc ? rc : mbedtls_cipher_set_padding_mode(&c, MBEDTLS_PADDING_NONE);
	rc = rc ? rc : mbedtls_cipher_setkey(&c, key, 256, MBEDTLS_ENCRYPT);
	rc = rc ? rc : mbedtls_cipher_crypt(&c, iv, 16, pt, 32, ct, &olen);
	check(rc == 0 && olen == 32 && eq_hex(ct, 32,
	    "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"),
	    "AES-256-CBC encrypt (SP 800-38A F.2.5)");
	rc = mbedtls_cipher_setkey(&c, key, 256, MBEDTLS_DECRYPT);
	rc = rc ? rc : mbedtls_cipher_crypt(&c, iv, 16, ct, 32, back, &fin);
	check(rc == 0 && fin == 32 && memcmp(back, pt, 32) == 0,
	    "AES-256-CBC decrypt round trip");
	mbedtls_cipher_free(&c);
}

static void test_hmac_hkdf(void)
{
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	uint8_t out[42], ikm[22], salt[13], info[10];
	/* RFC 4231 test case 2. */
	int rc = mbedtls_md_hmac(md, (const unsigned char *)"Jefe", 4,
	    (const unsigned char *)"what do ya want for nothing?", 28, out);
	check(rc == 0 && eq_hex(out, 32,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
	    "HMAC-SHA-256 (RFC 4231 case 2)");
	/* RFC 5869 test case 1. */
	memset(ikm, 0x0b, sizeof(ikm));
	(void)unhex("000102030405060708090a0b0c", salt, sizeof(salt));
	(void)unhex("f0f1f2f3f4f5f6f7f8f9", info, sizeof(info));
	rc = mbedtls_hkdf(md, salt, sizeof(salt), ikm, sizeof(ikm), info,
	    sizeof(info), out, sizeof(out));
	check(rc == 0 && eq_hex(out, 42,
	    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	    "34007208d5b887185865"), "HKDF-SHA-256 (RFC 5869 case 1)");
}

static void test_ecdsa_kat(void)
{
	/* RFC 6979 A.2.5: P-256, SHA-256, message "sample". */
	mbedtls_ecp_group grp;
	mbedtls_mpi d, r, s, er, es;
	uint8_t hash[32];
	int rc;

	mbedtls_ecp_group_init(&grp);
	mbedtls_mpi_init(&d);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	mbedtls_mpi_init(&er);
	mbedtls_mpi_init(&es);
	rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
	rc = rc ? rc : mbedtls_mpi_read_string(&d, 16,
	    "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
	rc = rc ? rc : mbedtls_mpi_read_string(&er, 16,
	    "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716");
	rc = rc ? rc : mbedtls_mpi_read_string(&es, 16,
	    "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
	rc = rc ? rc : mbedtls_sha256_ret((const unsigned char *)"sample", 6, hash, 0);
	uint64_t t0 = cm4_clock_ticks();
	rc = rc ? rc : mbedtls_ecdsa_sign_det_ext(&grp, &r, &s, &d, hash, 32,
	    MBEDTLS_MD_SHA256, cm4_rng_mbedtls, NULL);
	uint64_t t1 = cm4_clock_ticks();
	check(rc == 0 && mbedtls_mpi_cmp_mpi(&r, &er) == 0 &&
	    mbedtls_mpi_cmp_mpi(&s, &es) == 0,
	    "ECDSA P-256 deterministic signature (RFC 6979 A.2.5)");
	cm4_semihost_puts("figure: ecdsa_sign_ticks ");
	cm4_semihost_putdec((uint32_t)(t1 - t0));
	cm4_semihost_puts("\n");
	mbedtls_ecp_group_free(&grp);
	mbedtls_mpi_free(&d);
	mbedtls_mpi_free(&r);
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&er);
	mbedtls_mpi_free(&es);
}

static void test_ecdsa_ecdh_roundtrip(void)
{
	mbedtls_ecdsa_context a;
	mbedtls_ecdh_context x, y;
	uint8_t hash[32], sig[MBEDTLS_ECDSA_MAX_LEN], za[32], zb[32], q[1 + 65]; /* TLS ECPoint: length byte + point */
	size_t siglen = 0, zl1 = 0, zl2 = 0, ql = 0;
	int rc;

	memset(hash, 0x5a, sizeof(hash));
	mbedtls_ecdsa_init(&a);
	rc = mbedtls_ecdsa_genkey(&a, MBEDTLS_ECP_DP_SECP256R1, cm4_rng_mbedtls, NULL);
	rc = rc ? rc : mbedtls_ecdsa_write_signature(&a, MBEDTLS_MD_SHA256, hash,
	    32, sig, &siglen, cm4_rng_mbedtls, NULL);
	check(rc == 0 && mbedtls_ecdsa_read_signature(&a, hash, 32, sig, siglen) == 0,
	    "ECDSA P-256 sign/verify with an on-target key");
	hash[0] ^= 1;
	check(mbedtls_ecdsa_read_signature(&a, hash, 32, sig, siglen) != 0,
	    "ECDSA P-256 rejects a changed hash");
	mbedtls_ecdsa_free(&a);

	/* Two parties, one shared secret: the PIN protocol's key agreement. */
	mbedtls_ecdh_init(&x);
	mbedtls_ecdh_init(&y);
	rc = mbedtls_ecdh_setup(&x, MBEDTLS_ECP_DP_SECP256R1);
	rc = rc ? rc : mbedtls_ecdh_setup(&y, MBEDTLS_ECP_DP_SECP256R1);
	rc = rc ? rc : mbedtls_ecdh_make_public(&x, &ql, q, sizeof(q), cm4_rng_mbedtls, NULL);
	rc = rc ? rc : mbedtls_ecdh_read_public(&y, q, ql);
	rc = rc ? rc : mbedtls_ecdh_make_public(&y, &ql, q, sizeof(q), cm4_rng_mbedtls, NULL);
	rc = rc ? rc : mbedtls_ecdh_read_public(&x, q, ql);
	rc = rc ? rc : mbedtls_ecdh_calc_secret(&x, &zl1, za, sizeof(za), cm4_rng_mbedtls, NULL);
	rc = rc ? rc : mbedtls_ecdh_calc_secret(&y, &zl2, zb, sizeof(zb), cm4_rng_mbedtls, NULL);
	check(rc == 0 && zl1 == 32 && zl2 == 32 && memcmp(za, zb, 32) == 0,
	    "ECDH P-256 both sides agree");
	mbedtls_ecdh_free(&x);
	mbedtls_ecdh_free(&y);
}

int main(void)
{
	cm4_stack_paint();
	cm4_clock_init();
	cm4_crypto_arena_init();
	cm4_semihost_puts("cm4 crypto self-test (mbedTLS " MBEDTLS_VERSION_STRING ")\n");

	uint8_t probe[16] = {0}, zero[16] = {0};
	check(cm4_rng_fill(probe, sizeof(probe)) == 0 &&
	    memcmp(probe, zero, sizeof(probe)) != 0, "random source");
	check(mbedtls_aes_self_test(0) == 0, "mbedtls_aes_self_test");
	check(mbedtls_sha256_self_test(0) == 0, "mbedtls_sha256_self_test");
	check(mbedtls_mpi_self_test(0) == 0, "mbedtls_mpi_self_test");
	check(mbedtls_ecp_self_test(0) == 0, "mbedtls_ecp_self_test");
	check(mbedtls_hmac_drbg_self_test(0) == 0, "mbedtls_hmac_drbg_self_test");
	test_aes_cbc();
	test_hmac_hkdf();
	test_ecdsa_kat();
	test_ecdsa_ecdh_roundtrip();

	size_t arena = cm4_crypto_arena_peak(), stack = cm4_stack_peak();
	cm4_semihost_puts("figure: crypto_arena_peak_bytes ");
	cm4_semihost_putdec((uint32_t)arena);
	cm4_semihost_puts(" of ");
	cm4_semihost_putdec(CM4_CRYPTO_ARENA_SIZE);
	cm4_semihost_puts("\nfigure: stack_peak_bytes ");
	cm4_semihost_putdec((uint32_t)stack);
	cm4_semihost_puts("\n");
	check(arena < CM4_CRYPTO_ARENA_SIZE, "arena never exhausted");
	cm4_semihost_puts(failures == 0 ? "cm4 self-test: all passed\n"
	                                : "cm4 self-test: FAILED\n");
	return failures;
}
