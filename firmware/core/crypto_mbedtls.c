/* crypto_mbedtls.c: crypto.h over mbedTLS 2.28 (Debian's libmbedcrypto on
 * the host, the cross-built library on the Cortex-M image). Thin wrappers
 * only; every temporary secret is zeroised before return. */
#include "crypto.h"

#include <string.h>

#include <mbedtls/aes.h>
#include <mbedtls/ecdh.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include "amana/err.h"

void tc_wipe(void *p, size_t n)
{
	mbedtls_platform_zeroize(p, n);
}

bool tc_ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	volatile uint8_t d = 0;
	for (size_t i = 0; i < n; i++)
		d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

void tc_sha256(const uint8_t *a, size_t an, const uint8_t *b, size_t bn,
    uint8_t out[32])
{
	mbedtls_sha256_context c;
	mbedtls_sha256_init(&c);
	(void)mbedtls_sha256_starts_ret(&c, 0);
	(void)mbedtls_sha256_update_ret(&c, a, an);
	if (bn > 0)
		(void)mbedtls_sha256_update_ret(&c, b, bn);
	(void)mbedtls_sha256_finish_ret(&c, out);
	mbedtls_sha256_free(&c);
}

void tc_hmac_sha256(const uint8_t *key, size_t klen, const uint8_t *a,
    size_t an, const uint8_t *b, size_t bn, uint8_t out[32])
{
	mbedtls_md_context_t c;
	mbedtls_md_init(&c);
	int rc = mbedtls_md_setup(&c, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1);
	if (rc == 0)
		rc = mbedtls_md_hmac_starts(&c, key, klen);
	if (rc == 0)
		rc = mbedtls_md_hmac_update(&c, a, an);
	if (rc == 0 && bn > 0)
		rc = mbedtls_md_hmac_update(&c, b, bn);
	if (rc == 0)
		rc = mbedtls_md_hmac_finish(&c, out);
	if (rc != 0) /* cannot happen short of memory: never leak a stale MAC */
		mbedtls_platform_zeroize(out, 32);
	mbedtls_md_free(&c);
}

int tc_hkdf_sha256(const uint8_t *salt, size_t slen, const uint8_t *ikm,
    size_t ilen, const uint8_t *info, size_t infolen, uint8_t *out, size_t olen)
{
	int rc = mbedtls_hkdf(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), salt,
	    slen, ikm, ilen, info, infolen, out, olen);
	return rc == 0 ? AMANA_OK : AMANA_ERR_CRYPTO;
}

int tc_aes256_cbc(bool encrypt, const uint8_t key[32], const uint8_t iv[16],
    const uint8_t *in, size_t len, uint8_t *out)
{
	if (len % 16 != 0)
		return AMANA_ERR_CRYPTO;
	mbedtls_aes_context c;
	uint8_t ivc[16];
	memcpy(ivc, iv, 16); /* mbedTLS updates the IV in place */
	mbedtls_aes_init(&c);
	int rc = encrypt ? mbedtls_aes_setkey_enc(&c, key, 256)
			 : mbedtls_aes_setkey_dec(&c, key, 256);
	if (rc == 0 && len > 0)
		rc = mbedtls_aes_crypt_cbc(&c,
		    encrypt ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT, len, ivc,
		    in, out);
	mbedtls_aes_free(&c);
	return rc == 0 ? AMANA_OK : AMANA_ERR_CRYPTO;
}

static int point_out(const mbedtls_ecp_group *g, const mbedtls_ecp_point *q,
    uint8_t pub[64])
{
	uint8_t buf[65];
	size_t olen = 0;
	int rc = mbedtls_ecp_point_write_binary(g, q, MBEDTLS_ECP_PF_UNCOMPRESSED,
	    &olen, buf, sizeof(buf));
	if (rc != 0 || olen != 65)
		return AMANA_ERR_CRYPTO;
	memcpy(pub, buf + 1, 64);
	return AMANA_OK;
}

int tc_p256_keygen(tc_rng_fn rng, void *rng_ctx, uint8_t priv[32],
    uint8_t pub[64])
{
	mbedtls_ecp_group g;
	mbedtls_mpi d;
	mbedtls_ecp_point q;
	mbedtls_ecp_group_init(&g);
	mbedtls_mpi_init(&d);
	mbedtls_ecp_point_init(&q);
	int rc = mbedtls_ecp_group_load(&g, MBEDTLS_ECP_DP_SECP256R1);
	if (rc == 0)
		rc = mbedtls_ecp_gen_keypair(&g, &d, &q, rng, rng_ctx);
	if (rc == 0)
		rc = mbedtls_mpi_write_binary(&d, priv, 32);
	if (rc == 0)
		rc = point_out(&g, &q, pub);
	mbedtls_ecp_point_free(&q);
	mbedtls_mpi_free(&d);
	mbedtls_ecp_group_free(&g);
	return rc == 0 ? AMANA_OK : AMANA_ERR_CRYPTO;
}

int tc_p256_public(tc_rng_fn rng, void *rng_ctx, const uint8_t priv[32],
    uint8_t pub[64])
{
	mbedtls_ecp_group g;
	mbedtls_mpi d;
	mbedtls_ecp_point q;
	mbedtls_ecp_group_init(&g);
	mbedtls_mpi_init(&d);
	mbedtls_ecp_point_init(&q);
	int rc = mbedtls_ecp_group_load(&g, MBEDTLS_ECP_DP_SECP256R1);
	if (rc == 0)
		rc = mbedtls_mpi_read_binary(&d, priv, 32);
	if (rc == 0)
		rc = mbedtls_ecp_check_privkey(&g, &d);
	if (rc == 0)
		rc = mbedtls_ecp_mul(&g, &q, &d, &g.G, rng, rng_ctx);
	if (rc == 0)
		rc = point_out(&g, &q, pub);
	mbedtls_ecp_point_free(&q);
	mbedtls_mpi_free(&d);
	mbedtls_ecp_group_free(&g);
	return rc == 0 ? AMANA_OK : AMANA_ERR_CRYPTO;
}

int tc_p256_ecdh(tc_rng_fn rng, void *rng_ctx, const uint8_t priv[32],
    const uint8_t peer[64], uint8_t z[32])
{
	mbedtls_ecp_group g;
	mbedtls_mpi d, zm;
	mbedtls_ecp_point q;
	uint8_t buf[65];
	buf[0] = 0x04;
	memcpy(buf + 1, peer, 64);
	mbedtls_ecp_group_init(&g);
	mbedtls_mpi_init(&d);
	mbedtls_mpi_init(&zm);
	mbedtls_ecp_point_init(&q);
	int rc = mbedtls_ecp_group_load(&g, MBEDTLS_ECP_DP_SECP256R1);
	if (rc == 0)
		rc = mbedtls_ecp_point_read_binary(&g, &q, buf, sizeof(buf));
	if (rc == 0)
		rc = mbedtls_ecp_check_pubkey(&g, &q); /* invalid-curve attacks */
	if (rc == 0)
		rc = mbedtls_mpi_read_binary(&d, priv, 32);
	if (rc == 0)
		rc = mbedtls_ecdh_compute_shared(&g, &zm, &q, &d, rng, rng_ctx);
	if (rc == 0)
		rc = mbedtls_mpi_write_binary(&zm, z, 32);
	mbedtls_ecp_point_free(&q);
	mbedtls_mpi_free(&zm);
	mbedtls_mpi_free(&d);
	mbedtls_ecp_group_free(&g);
	return rc == 0 ? AMANA_OK : AMANA_ERR_CRYPTO;
}

int tc_p256_sign(tc_rng_fn rng, void *rng_ctx, const uint8_t priv[32],
    const uint8_t hash[32], uint8_t sig[72], size_t *sig_len)
{
	mbedtls_ecdsa_context k;
	uint8_t der[MBEDTLS_ECDSA_MAX_LEN];
	size_t n = 0;
	mbedtls_ecdsa_init(&k);
	int rc = mbedtls_ecp_group_load(&k.grp, MBEDTLS_ECP_DP_SECP256R1);
	if (rc == 0)
		rc = mbedtls_mpi_read_binary(&k.d, priv, 32);
	if (rc == 0)
		rc = mbedtls_ecdsa_write_signature(&k, MBEDTLS_MD_SHA256, hash, 32,
		    der, &n, rng, rng_ctx);
	if (rc == 0 && n > 72)
		rc = -1;
	if (rc == 0) {
		memcpy(sig, der, n);
		*sig_len = n;
	}
	mbedtls_ecdsa_free(&k);
	return rc == 0 ? AMANA_OK : AMANA_ERR_CRYPTO;
}
