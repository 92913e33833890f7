/* bio_client.c: raw CTAP2 client for the bio tests (see bio_client.h).
 * PIN/UV auth protocol 2 as CTAP 2.1 section 6.5.7 defines it, on
 * libcrypto: ECDH P-256, HKDF-SHA-256 (salt 32 zero bytes, infos "CTAP2
 * HMAC key" / "CTAP2 AES key"), AES-256-CBC with a random IV in front,
 * HMAC-SHA-256 (all 32 bytes). */
#include "bio_client.h"

#include <cbor.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>

#include "amana/err.h"

void bc_head(bc_buf_t *w, uint8_t major, uint64_t v)
{
	uint8_t m = (uint8_t)(major << 5);
	if (w->n + 9 > sizeof(w->b))
		return;
	if (v < 24) {
		w->b[w->n++] = (uint8_t)(m | v);
	} else if (v <= 0xFF) {
		w->b[w->n++] = (uint8_t)(m | 24);
		w->b[w->n++] = (uint8_t)v;
	} else if (v <= 0xFFFF) {
		w->b[w->n++] = (uint8_t)(m | 25);
		w->b[w->n++] = (uint8_t)(v >> 8);
		w->b[w->n++] = (uint8_t)v;
	} else {
		w->b[w->n++] = (uint8_t)(m | 26);
		for (int i = 3; i >= 0; i--)
			w->b[w->n++] = (uint8_t)(v >> (8 * i));
	}
}

void bc_uint(bc_buf_t *w, uint64_t v)
{
	bc_head(w, 0, v);
}

void bc_raw(bc_buf_t *w, const uint8_t *p, size_t n)
{
	if (w->n + n <= sizeof(w->b)) {
		memcpy(w->b + w->n, p, n);
		w->n += n;
	}
}

void bc_bytes(bc_buf_t *w, const uint8_t *p, size_t n)
{
	bc_head(w, 2, n);
	bc_raw(w, p, n);
}

void bc_text(bc_buf_t *w, const char *s)
{
	bc_head(w, 3, strlen(s));
	bc_raw(w, (const uint8_t *)s, strlen(s));
}

int bc_open(bio_client_t *c, const char *sock)
{
	memset(c, 0, sizeof(*c));
	return amana_ctaphid_open(&c->h, sock, 20000);
}

void bc_close(bio_client_t *c)
{
	amana_ctaphid_free(&c->h);
	OPENSSL_cleanse(c->token, sizeof(c->token));
}

int bc_cmd(bio_client_t *c, uint8_t ctap_cmd, const bc_buf_t *req,
    uint8_t *status, uint8_t *resp, size_t cap, size_t *resp_len)
{
	*resp_len = 0;
	*status = 0xFF;
	int rc = amana_ctaphid_cbor(c->h, ctap_cmd, req != NULL ? req->b : NULL,
	    req != NULL ? req->n : 0, status, resp, cap, resp_len);
	if (rc == AMANA_OK && c->log_len + *resp_len <= sizeof(c->log)) {
		memcpy(c->log + c->log_len, resp, *resp_len);
		c->log_len += *resp_len;
	}
	return rc;
}

cbor_item_t *bc_map_find(cbor_item_t *map, uint64_t k)
{
	if (map == NULL || !cbor_isa_map(map))
		return NULL;
	struct cbor_pair *p = cbor_map_handle(map);
	for (size_t i = 0; i < cbor_map_size(map); i++)
		if (cbor_isa_uint(p[i].key) && cbor_get_int(p[i].key) == k)
			return p[i].value;
	return NULL;
}

static bool hkdf32(const uint8_t *z, size_t zn, const char *info, uint8_t out[32])
{
	uint8_t salt[32] = {0};
	EVP_PKEY_CTX *k = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	size_t n = 32;
	bool ok = k != NULL && EVP_PKEY_derive_init(k) > 0 &&
	    EVP_PKEY_CTX_set_hkdf_md(k, EVP_sha256()) > 0 &&
	    EVP_PKEY_CTX_set1_hkdf_salt(k, salt, sizeof(salt)) > 0 &&
	    EVP_PKEY_CTX_set1_hkdf_key(k, z, (int)zn) > 0 &&
	    EVP_PKEY_CTX_add1_hkdf_info(k, (const uint8_t *)info, (int)strlen(info)) > 0 &&
	    EVP_PKEY_derive(k, out, &n) > 0 && n == 32;
	EVP_PKEY_CTX_free(k);
	return ok;
}

static bool aes_cbc(bool enc, const uint8_t key[32], const uint8_t iv[16],
    const uint8_t *in, size_t n, uint8_t *out)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int l1 = 0, l2 = 0;
	bool ok = x != NULL &&
	    EVP_CipherInit_ex(x, EVP_aes_256_cbc(), NULL, key, iv, enc ? 1 : 0) > 0 &&
	    EVP_CIPHER_CTX_set_padding(x, 0) > 0 &&
	    EVP_CipherUpdate(x, out, &l1, in, (int)n) > 0 &&
	    EVP_CipherFinal_ex(x, out + l1, &l2) > 0 && (size_t)(l1 + l2) == n;
	EVP_CIPHER_CTX_free(x);
	return ok;
}

/* The platform's key pair and the protocol 2 shared secret with the
 * authenticator's key-agreement key (x, y). */
static bool shared_secret(const uint8_t ax[32], const uint8_t ay[32],
    uint8_t shared[64], uint8_t px[32], uint8_t py[32])
{
	EVP_PKEY *mine = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *peer = NULL;
	EVP_PKEY_CTX *pc = NULL, *dc = NULL;
	uint8_t pub[65], z[32], mpub[65];
	size_t zn = sizeof(z), mn = 0;
	bool ok = false;
	pub[0] = 4;
	memcpy(pub + 1, ax, 32);
	memcpy(pub + 33, ay, 32);
	OSSL_PARAM prm[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-256", 0),
		OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub)),
		OSSL_PARAM_construct_end()};
	if (mine == NULL || (pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(pc) <= 0 ||
	    EVP_PKEY_fromdata(pc, &peer, EVP_PKEY_PUBLIC_KEY, prm) <= 0)
		goto out;
	if ((dc = EVP_PKEY_CTX_new(mine, NULL)) == NULL || EVP_PKEY_derive_init(dc) <= 0 ||
	    EVP_PKEY_derive_set_peer(dc, peer) <= 0 || EVP_PKEY_derive(dc, z, &zn) <= 0 ||
	    zn != 32)
		goto out;
	if (EVP_PKEY_get_octet_string_param(mine, OSSL_PKEY_PARAM_PUB_KEY, mpub,
	    sizeof(mpub), &mn) <= 0 || mn != 65)
		goto out;
	memcpy(px, mpub + 1, 32);
	memcpy(py, mpub + 33, 32);
	ok = hkdf32(z, zn, "CTAP2 HMAC key", shared) &&
	    hkdf32(z, zn, "CTAP2 AES key", shared + 32);
out:
	OPENSSL_cleanse(z, sizeof(z));
	EVP_PKEY_CTX_free(dc);
	EVP_PKEY_CTX_free(pc);
	EVP_PKEY_free(peer);
	EVP_PKEY_free(mine);
	return ok;
}

static void cose_key(bc_buf_t *w, const uint8_t x[32], const uint8_t y[32])
{
	bc_head(w, 5, 5);
	bc_uint(w, 1);
	bc_uint(w, 2);          /* kty EC2 */
	bc_uint(w, 3);
	bc_head(w, 1, 24);      /* alg -25 (ECDH-ES+HKDF-256) */
	bc_head(w, 1, 0);       /* -1: crv */
	bc_uint(w, 1);          /* P-256 */
	bc_head(w, 1, 1);       /* -2: x */
	bc_bytes(w, x, 32);
	bc_head(w, 1, 2);       /* -3: y */
	bc_bytes(w, y, 32);
}

int bc_get_token(bio_client_t *c, const char *pin, uint8_t permissions)
{
	uint8_t resp[1024], status;
	size_t n;
	bc_buf_t q = {.n = 0};
	bc_head(&q, 5, 2);
	bc_uint(&q, 1);
	bc_uint(&q, 2);
	bc_uint(&q, 2);
	bc_uint(&q, 2); /* getKeyAgreement */
	if (bc_cmd(c, 0x06, &q, &status, resp, sizeof(resp), &n) != AMANA_OK)
		return -1;
	if (status != 0)
		return status;
	struct cbor_load_result lr;
	cbor_item_t *m = cbor_load(resp, n, &lr);
	cbor_item_t *k = bc_map_find(m, 1);
	uint8_t ax[32], ay[32], px[32], py[32], shared[64];
	bool ok = false;
	if (k != NULL && cbor_isa_map(k)) {
		struct cbor_pair *p = cbor_map_handle(k);
		int got = 0;
		for (size_t i = 0; i < cbor_map_size(k); i++) {
			if (!cbor_isa_negint(p[i].key) || !cbor_isa_bytestring(p[i].value) ||
			    cbor_bytestring_length(p[i].value) != 32)
				continue;
			uint64_t nk = cbor_get_int(p[i].key);
			if (nk == 1) {
				memcpy(ax, cbor_bytestring_handle(p[i].value), 32);
				got |= 1;
			} else if (nk == 2) {
				memcpy(ay, cbor_bytestring_handle(p[i].value), 32);
				got |= 2;
			}
		}
		ok = got == 3;
	}
	if (m != NULL)
		cbor_decref(&m);
	if (!ok || !shared_secret(ax, ay, shared, px, py))
		return -1;
	/* pinHashEnc = iv || AES-256-CBC(aes key, iv, SHA-256(pin)[0..16)) */
	uint8_t ph[32], enc[32];
	SHA256((const uint8_t *)pin, strlen(pin), ph);
	if (RAND_bytes(enc, 16) != 1 || !aes_cbc(true, shared + 32, enc, ph, 16, enc + 16))
		return -1;
	q.n = 0;
	bc_head(&q, 5, 5);
	bc_uint(&q, 1);
	bc_uint(&q, 2);
	bc_uint(&q, 2);
	bc_uint(&q, 9); /* getPinUvAuthTokenUsingPinWithPermissions */
	bc_uint(&q, 3);
	cose_key(&q, px, py);
	bc_uint(&q, 6);
	bc_bytes(&q, enc, sizeof(enc));
	bc_uint(&q, 9);
	bc_uint(&q, permissions);
	if (bc_cmd(c, 0x06, &q, &status, resp, sizeof(resp), &n) != AMANA_OK)
		return -1;
	if (status != 0)
		return status;
	m = cbor_load(resp, n, &lr);
	cbor_item_t *t = bc_map_find(m, 2);
	ok = t != NULL && cbor_isa_bytestring(t) && cbor_bytestring_length(t) == 48 &&
	    aes_cbc(false, shared + 32, cbor_bytestring_handle(t),
		cbor_bytestring_handle(t) + 16, 32, c->token);
	if (m != NULL)
		cbor_decref(&m);
	OPENSSL_cleanse(shared, sizeof(shared));
	c->have_token = ok;
	return ok ? 0 : -1;
}

int bc_bio(bio_client_t *c, uint8_t cmd, uint8_t modality, uint8_t sub,
    const bc_buf_t *params, bool with_auth, uint8_t *status, uint8_t *resp,
    size_t cap, size_t *resp_len)
{
	bc_buf_t q = {.n = 0}, msg = {.n = 0};
	size_t pairs = 2u + (params != NULL ? 1u : 0u) + (with_auth ? 2u : 0u);
	bc_head(&q, 5, pairs);
	bc_uint(&q, 1);
	bc_uint(&q, modality);
	bc_uint(&q, 2);
	bc_uint(&q, sub);
	if (params != NULL) {
		bc_uint(&q, 3);
		bc_raw(&q, params->b, params->n);
	}
	if (with_auth) {
		uint8_t mac[32];
		unsigned int ml = 0;
		msg.b[0] = modality;
		msg.b[1] = sub;
		msg.n = 2;
		if (params != NULL)
			bc_raw(&msg, params->b, params->n);
		HMAC(EVP_sha256(), c->token, sizeof(c->token), msg.b, msg.n, mac, &ml);
		bc_uint(&q, 4);
		bc_uint(&q, 2);
		bc_uint(&q, 5);
		bc_bytes(&q, mac, 32);
	}
	return bc_cmd(c, cmd, &q, status, resp, cap, resp_len);
}

bool bc_contains_window(const uint8_t *hay, size_t hay_len,
    const uint8_t *needle, size_t needle_len, size_t w)
{
	if (needle_len < w || hay_len < w)
		return false;
	for (size_t i = 0; i + w <= needle_len; i++)
		for (size_t j = 0; j + w <= hay_len; j++)
			if (hay[j] == needle[i] && memcmp(hay + j, needle + i, w) == 0)
				return true;
	return false;
}
