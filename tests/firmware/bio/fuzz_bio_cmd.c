/*
 * fuzz_bio_cmd.c: libFuzzer target over authenticatorBioEnrollment, the
 * face vendor command and built-in UV (token_bio_command,
 * token_face_command, token_uv_verify) with VALID authentication, so the
 * fuzzer gets past the MAC check into enrolment, selection, storage,
 * renaming and removal, with arbitrary sensor templates.
 *
 * The harness plays the platform: it holds a pinUvAuthToken with the "be"
 * permission and MACs whatever subCommandParams the fuzzer wrote. Input: a
 * sequence of operations
 *   h, sub, params length (u16 BE), params, sample length (u16 BE), sample
 * h bit 0: face command (else bioEnrollment); bit 1: with pinUvAuthParam;
 * bit 4: params := {1: the templateId the last enrollBegin returned}, with
 * bit 3 also {2: "fz"} (setFriendlyName); bit 5: the sample
 * is a face (else a finger); bit 6: run token_uv_verify after the command.
 * Checked after every operation: the response is one well-formed CBOR
 * item whose strings are all at most BIO_NAME_MAX bytes (IDs and names; a
 * reference, >= 80 bytes, cannot fit: references never leave the token),
 * and every enrolment the state lists parses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/md.h>

#include "bio_rec.h"
#include "bio_state.h"
#include "tcbor.h"
#include "host_port.h"
#include "token.h"
#include "uv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static token_t token;
static host_port_t port;
static uint64_t rng_state;
static uint8_t last_id[2];

static uint32_t fz_millis(void *ctx)
{
	(void)ctx;
	return 1000;
}

static int fz_rng(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++) {
		rng_state ^= rng_state << 13;
		rng_state ^= rng_state >> 7;
		rng_state ^= rng_state << 17;
		buf[i] = (uint8_t)rng_state;
	}
	return 0;
}

static void fz_send(void *arg, const uint8_t r[TOKEN_HID_REPORT_LEN])
{
	(void)arg;
	(void)r;
}

/* True when the CBOR item at r (consumed) has no string longer than
 * BIO_NAME_MAX bytes. */
static bool small_strings(tcbor_r_t *r, int depth)
{
	uint8_t major;
	uint64_t v;
	if (depth > 8 || tcbor_get_head(r, &major, &v) != 0)
		return false;
	switch (major) {
	case CBOR_BYTES:
	case CBOR_TEXT:
		if (v > BIO_NAME_MAX || v > r->n)
			return false;
		r->p += v;
		r->n -= (size_t)v;
		return true;
	case CBOR_ARRAY:
	case CBOR_MAP:
		for (uint64_t i = 0; i < (major == CBOR_MAP ? 2 * v : v); i++)
			if (!small_strings(r, depth + 1))
				return false;
		return true;
	case CBOR_TAG:
		return small_strings(r, depth + 1);
	default:
		return true;
	}
}

static void check_state(void)
{
	bio_state_t *b = bio_state(&token);
	for (uint8_t s = 0; s < BIO_MAX_FINGERS; s++) {
		bio_rec_view_t v;
		if ((b->fingers & (1u << s)) != 0 &&
		    bio_rec_load(&token, TOKEN_MODALITY_FINGER, s, &v) != 0)
			abort();
	}
	for (uint8_t s = 0; s < BIO_MAX_FACES; s++) {
		bio_rec_view_t v;
		if ((b->faces & (1u << s)) != 0 &&
		    bio_rec_load(&token, TOKEN_MODALITY_FACE, s, &v) != 0)
			abort();
	}
}

static void put_head(uint8_t *q, size_t *n, uint8_t major, size_t v)
{
	if (v < 24) {
		q[(*n)++] = (uint8_t)((size_t)major << 5 | v);
	} else if (v < 256) {
		q[(*n)++] = (uint8_t)((unsigned)major << 5 | 24u);
		q[(*n)++] = (uint8_t)v;
	} else {
		q[(*n)++] = (uint8_t)((unsigned)major << 5 | 25u);
		q[(*n)++] = (uint8_t)(v >> 8);
		q[(*n)++] = (uint8_t)v;
	}
}

static void one_op(uint8_t h, uint8_t sub, const uint8_t *prm, size_t plen)
{
	static uint8_t req[4096], msg[4096], resp[TOKEN_MSG_MAX], idp[16];
	uint8_t modality = (h & 1) ? TOKEN_MODALITY_FACE : TOKEN_MODALITY_FINGER;
	size_t n = 0;
	if (h & 0x10) {
		static const uint8_t name[] = {0x02, 0x62, 'f', 'z'};
		idp[0] = (h & 0x08) ? 0xA2 : 0xA1;
		idp[1] = 0x01;
		idp[2] = 0x42;
		idp[3] = last_id[0];
		idp[4] = last_id[1];
		plen = 5;
		if (h & 0x08) {
			memcpy(idp + 5, name, sizeof(name));
			plen += sizeof(name);
		}
		prm = idp;
	}
	put_head(req, &n, 5, 2u + (plen > 0) + ((h & 2) ? 2u : 0u));
	put_head(req, &n, 0, 1);
	put_head(req, &n, 0, modality);
	put_head(req, &n, 0, 2);
	put_head(req, &n, 0, sub);
	if (plen > 0) {
		put_head(req, &n, 0, 3);
		memcpy(req + n, prm, plen);
		n += plen;
	}
	if (h & 2) {
		uint8_t mac[32];
		msg[0] = modality;
		msg[1] = sub;
		if (plen > 0)
			memcpy(msg + 2, prm, plen);
		mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
		    token.pin.puat, sizeof(token.pin.puat), msg, 2 + plen, mac);
		put_head(req, &n, 0, 4);
		put_head(req, &n, 0, 2);
		put_head(req, &n, 0, 5);
		put_head(req, &n, 2, 32);
		memcpy(req + n, mac, 32);
		n += 32;
	}
	size_t rlen = 0;
	int st = (h & 1) ? token_face_command(&token, req, n, resp, sizeof(resp), &rlen)
			 : token_bio_command(&token, 0x09, req, n, resp, sizeof(resp), &rlen);
	if (st < 0 || st > 0xFF || rlen > sizeof(resp))
		abort();
	if (st == 0 && rlen > 0) {
		tcbor_r_t r = {resp, rlen};
		if (tcbor_skip(&r) != 0 || r.n != 0)
			abort(); /* not exactly one CBOR item */
		r.p = resp;
		r.n = rlen;
		if (!small_strings(&r, 0))
			abort(); /* something as long as a reference left the token */
		/* {4: templateId, ...} from enrollBegin */
		if (rlen >= 5 && resp[1] == 0x04 && resp[2] == 0x42)
			memcpy(last_id, resp + 3, 2);
	}
	if (h & 0x40) {
		uint8_t mod;
		st = token_uv_verify(&token, &mod);
		if (st < 0 || st > 0xFF)
			abort();
	}
	check_state();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool opened;
	token_hal_t hal;
	if (size > 16384)
		return 0;
	if (!opened) {
		if (host_port_open(&port, NULL) != 0)
			abort();
		opened = true;
	}
	memset(port.flash, 0xFF, (size_t)port.page_size * port.page_count);
	port.send = fz_send;
	port.sample_pending = false;
	host_port_hal(&port, &hal);
	hal.millis = fz_millis;
	hal.rng = fz_rng;
	rng_state = 0x9E3779B97F4A7C15ull;
	memset(last_id, 0, sizeof(last_id));
	if (token_init(&token, &hal) != 0)
		abort();
	/* The platform's pinUvAuthToken, as clientPIN would have issued it. */
	memset(token.pin.puat, 0x5A, sizeof(token.pin.puat));
	token.pin.puat_valid = true;
	token.pin.permissions = TOKEN_PERM_BE;

	size_t off = 0;
	for (int ops = 0; ops < 24 && size - off >= 6; ops++) {
		uint8_t h = data[off], sub = data[off + 1];
		size_t plen = (size_t)data[off + 2] << 8 | data[off + 3];
		off += 4;
		if (plen > size - off || plen > 2048)
			break;
		const uint8_t *prm = data + off;
		off += plen;
		if (size - off < 2)
			break;
		size_t slen = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (slen > size - off || slen > TOKEN_PROBE_MAX)
			break;
		if (slen > 0)
			(void)host_port_set_sample(&port, (h & 0x20) ? TOKEN_MODALITY_FACE
			    : TOKEN_MODALITY_FINGER, data + off, slen);
		off += slen;
		one_op(h, sub, prm, plen);
	}
	token_wipe(&token);
	return 0;
}
