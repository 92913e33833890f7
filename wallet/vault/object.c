/* object.c: what an object is on disk.
 *
 * Names: hex(BLAKE2b-128(key = names key, u64 id)): random-looking, and only
 * the compartment that owns an object can compute its name, so the cleanup
 * of one compartment never touches another's objects.
 *
 * Sizes: every object is padded so that its size is a Padme bucket (at most
 * ~12% overhead, leaks O(log log n) bits of the size; Nikitin et al., PETS
 * 2019), never below a floor (4 KiB for documents and manifests, 512 bytes
 * for records).
 *
 * Records and manifests: nonce[24] | XChaCha20-Poly1305(u32 len | data |
 * zeros), associated data binding vault id, object id, version and type.
 * Documents: secretstream header[24] | chunks of 64 KiB (+17 bytes each),
 * the padding zeros in the last chunks, the final chunk tagged FINAL; each
 * chunk carries the same associated data; the key is derived per object id. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>

#include <sodium.h>

#include "vault_int.h"

void vkeys_derive(vkeys_t *k)
{
	crypto_kdf_derive_from_key(k->names, 32, 1, "amanavlt", k->key);
	crypto_kdf_derive_from_key(k->records, 32, 2, "amanavlt", k->key);
	crypto_kdf_derive_from_key(k->manifest, 32, 3, "amanavlt", k->key);
}

void obj_name(const vkeys_t *k, uint64_t id, char out[OBJ_NAME_LEN + 1])
{
	uint8_t msg[8], h[16];
	vle64(msg, id);
	crypto_generichash(h, sizeof(h), msg, sizeof(msg), k->names, 32);
	sodium_bin2hex(out, OBJ_NAME_LEN + 1, h, sizeof(h));
}

uint64_t obj_pad(uint64_t len, uint64_t min)
{
	if (len < min)
		len = min;
	if (len < 2)
		return len;
	unsigned e = 63u - (unsigned)__builtin_clzll(len);
	unsigned s = 32u - (unsigned)__builtin_clz(e);
	uint64_t mask = (1ull << (e - s)) - 1u;
	return (len + mask) & ~mask;
}

void obj_ad(const uint8_t vault_id[16], uint64_t id, uint64_t version, uint8_t type,
    uint8_t ad[OBJ_AD_LEN])
{
	memcpy(ad, "amana-vault-obj", 16); /* includes the NUL */
	memcpy(ad + 16, vault_id, 16);
	vle64(ad + 32, id);
	vle64(ad + 40, version);
	ad[48] = type;
}

int blob_seal(const uint8_t key[32], const uint8_t *ad, size_t adlen,
    const uint8_t *data, size_t len, uint64_t min, vbuf_t *out)
{
	const size_t over = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
	    crypto_aead_xchacha20poly1305_ietf_ABYTES;
	if (len > VAULT_MANIFEST_MAX)
		return AMANA_ERR_LIMIT;
	size_t total = (size_t)obj_pad(over + 4u + len, min);
	size_t ptlen = total - over;
	uint8_t *pt = calloc(ptlen, 1);
	if (pt == NULL)
		return AMANA_ERR_NOMEM;
	vle32(pt, (uint32_t)len);
	if (len > 0)
		memcpy(pt + 4, data, len);
	uint8_t *ct = malloc(ptlen + 16u);
	if (ct == NULL) {
		sodium_memzero(pt, ptlen);
		free(pt);
		return AMANA_ERR_NOMEM;
	}
	out->len = 0;
	uint8_t nonce[24];
	randombytes_buf(nonce, sizeof(nonce));
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, pt, ptlen, ad, adlen, NULL, nonce, key);
	vbuf_bytes(out, nonce, sizeof(nonce));
	vbuf_bytes(out, ct, ptlen + 16u);
	sodium_memzero(pt, ptlen);
	free(pt);
	free(ct);
	return out->oom ? AMANA_ERR_NOMEM : AMANA_OK;
}

int blob_open(const uint8_t key[32], const uint8_t *ad, size_t adlen,
    const uint8_t *buf, size_t len, uint8_t **data, size_t *dlen)
{
	*data = NULL;
	*dlen = 0;
	if (len < 24u + 16u + 4u)
		return AMANA_ERR_VERIFY;
	size_t ptlen = len - 40u;
	uint8_t *pt = sodium_malloc(ptlen);
	if (pt == NULL)
		return AMANA_ERR_NOMEM;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL, buf + 24, len - 24u,
	        ad, adlen, buf, key) != 0) {
		sodium_free(pt);
		return AMANA_ERR_VERIFY;
	}
	size_t n = vrd32(pt);
	if (n > ptlen - 4u) {
		sodium_free(pt);
		return AMANA_ERR_VERIFY; /* authentic but inconsistent: a bug or a forgery */
	}
	memmove(pt, pt + 4, n);
	sodium_memzero(pt + n, ptlen - n);
	*data = pt; /* sodium_malloc'd, ptlen bytes; the caller frees */
	*dlen = n;
	return AMANA_OK;
}

static size_t read_full(int fd, uint8_t *buf, size_t n, int *err)
{
	size_t got = 0;
	*err = AMANA_OK;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = AMANA_ERR_IO;
			break;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return got;
}

/* The caller's output: not a vault write, so no fault point. */
static int out_write(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno == ENOSPC ? AMANA_ERR_NOSPACE : AMANA_ERR_IO;
		p += w;
		n -= (size_t)w;
	}
	return AMANA_OK;
}

static void doc_key(const vkeys_t *k, uint64_t id, uint8_t sub[32])
{
	crypto_kdf_derive_from_key(sub, 32, id, "amanadoc", k->key);
}

static uint64_t doc_padded(uint64_t len)
{
	return obj_pad(len + 1u, 4096u);
}

int doc_write(const vkeys_t *k, int dirfd, const char *name, const uint8_t ad[OBJ_AD_LEN],
    uint64_t id, int in, uint64_t *len)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	uint8_t sub[32];
	int fd = -1, err;
	uint8_t *pt = sodium_malloc(VAULT_CHUNK);
	uint8_t *ct = malloc(VAULT_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES);
	uint64_t total = 0, off = 0;
	if (pt == NULL || ct == NULL) {
		err = AMANA_ERR_NOMEM;
		goto out;
	}
	if ((err = vio_create(dirfd, name, &fd)))
		goto out;
	doc_key(k, id, sub);
	crypto_secretstream_xchacha20poly1305_init_push(&st, hdr, sub);
	sodium_memzero(sub, sizeof(sub));
	if ((err = vio_write_all(fd, hdr, sizeof(hdr))))
		goto out;
	size_t n;
	for (;;) {
		n = read_full(in, pt, VAULT_CHUNK, &err);
		if (err)
			goto out;
		total += n;
		if (total > AMANA_VAULT_DOC_MAX) {
			err = AMANA_ERR_VAULT_TOO_LARGE;
			goto out;
		}
		if (n < VAULT_CHUNK)
			break;
		/* a full chunk is never the last: padding always follows the data */
		crypto_secretstream_xchacha20poly1305_push(&st, ct, NULL, pt, VAULT_CHUNK, ad,
		    OBJ_AD_LEN, 0);
		if ((err = vio_write_all(fd, ct, VAULT_CHUNK + 17u)))
			goto out;
		off += VAULT_CHUNK;
	}
	memset(pt + n, 0, VAULT_CHUNK - n);
	uint64_t left = doc_padded(total) - off;
	while (left > VAULT_CHUNK) {
		crypto_secretstream_xchacha20poly1305_push(&st, ct, NULL, pt, VAULT_CHUNK, ad,
		    OBJ_AD_LEN, 0);
		if ((err = vio_write_all(fd, ct, VAULT_CHUNK + 17u)))
			goto out;
		memset(pt, 0, VAULT_CHUNK);
		left -= VAULT_CHUNK;
	}
	crypto_secretstream_xchacha20poly1305_push(&st, ct, NULL, pt, (size_t)left, ad, OBJ_AD_LEN,
	    crypto_secretstream_xchacha20poly1305_TAG_FINAL);
	if ((err = vio_write_all(fd, ct, (size_t)left + 17u)))
		goto out;
	err = vio_fsync(fd);
out:
	sodium_memzero(&st, sizeof(st));
	if (fd >= 0 && close(fd) != 0 && err == AMANA_OK)
		err = AMANA_ERR_IO;
	if (err != AMANA_OK && fd >= 0)
		(void)unlinkat(dirfd, name, 0);
	sodium_free(pt);
	free(ct);
	*len = total;
	return err;
}

int doc_read(const vkeys_t *k, int dirfd, const char *name, const uint8_t ad[OBJ_AD_LEN],
    uint64_t id, uint64_t len, int out)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	uint8_t sub[32], tag;
	struct stat sb;
	int err = AMANA_OK;
	uint64_t padded = doc_padded(len);
	uint64_t nchunks = (padded + VAULT_CHUNK - 1u) / VAULT_CHUNK;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? AMANA_ERR_VAULT_MISSING : AMANA_ERR_IO;
	uint8_t *pt = sodium_malloc(VAULT_CHUNK);
	uint8_t *ct = malloc(VAULT_CHUNK + 17u);
	if (pt == NULL || ct == NULL) {
		err = AMANA_ERR_NOMEM;
		goto out;
	}
	if (fstat(fd, &sb) != 0 || (uint64_t)sb.st_size != sizeof(hdr) + padded + 17u * nchunks) {
		err = AMANA_ERR_VAULT_OBJECT;
		goto out;
	}
	if (vio_read_all(fd, hdr, sizeof(hdr)) != AMANA_OK) {
		err = AMANA_ERR_VAULT_OBJECT;
		goto out;
	}
	doc_key(k, id, sub);
	int bad = crypto_secretstream_xchacha20poly1305_init_pull(&st, hdr, sub);
	sodium_memzero(sub, sizeof(sub));
	if (bad) {
		err = AMANA_ERR_VAULT_OBJECT;
		goto out;
	}
	uint64_t done = 0;
	for (uint64_t i = 0; i < nchunks; i++) {
		size_t clen = i + 1 < nchunks ? VAULT_CHUNK : (size_t)(padded - i * VAULT_CHUNK);
		if (vio_read_all(fd, ct, clen + 17u) != AMANA_OK ||
		    crypto_secretstream_xchacha20poly1305_pull(&st, pt, NULL, &tag, ct, clen + 17u,
		        ad, OBJ_AD_LEN) != 0 ||
		    (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) != (i + 1 == nchunks)) {
			err = AMANA_ERR_VAULT_OBJECT;
			goto out;
		}
		size_t give = len - done < clen ? (size_t)(len - done) : clen;
		if (give > 0 && (err = out_write(out, pt, give)))
			goto out;
		done += give;
	}
out:
	sodium_memzero(&st, sizeof(st));
	close(fd);
	sodium_free(pt);
	free(ct);
	return err;
}
