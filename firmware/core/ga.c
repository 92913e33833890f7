/* ga.c: authenticatorGetAssertion and authenticatorGetNextAssertion
 * (CTAP 2.1 6.2, 6.3) with the hmac-secret (one or two salts) and
 * credProtect rules. */
#include <string.h>

#include "amana/err.h"
#include "tcbor.h"
#include "core.h"
#include "crypto.h"
#include "ctap.h"
#include "uv.h"

#define NEXT_WINDOW_MS 30000u

typedef struct ga_req {
	req_common_t c;
	const uint8_t *rpid;
	size_t rpid_len;
	tcbor_r_t allow;
	bool has_allow;
	size_t allow_n;
	bool hs;                       /* hmac-secret requested */
	const uint8_t *hs_ka, *hs_salt, *hs_auth;
	size_t hs_ka_len, hs_salt_len, hs_auth_len;
	uint64_t hs_proto;
} ga_req_t;

static int parse_ext(tcbor_r_t *r, ga_req_t *q)
{
	size_t pairs;
	int rc = tcbor_map_keys_unique(*r);
	if (rc == CTAP2_OK)
		rc = tcbor_get_map(r, &pairs);
	for (size_t i = 0; rc == CTAP2_OK && i < pairs; i++) {
		const uint8_t *k;
		size_t kn;
		if ((rc = tcbor_get_text(r, &k, &kn)) != CTAP2_OK)
			break;
		if (!tcbor_text_eq(k, kn, "hmac-secret")) {
			rc = tcbor_skip(r);
			continue;
		}
		size_t hp;
		q->hs = true;
		q->hs_proto = 1; /* the default when the platform says nothing */
		if ((rc = tcbor_map_keys_unique(*r)) != CTAP2_OK ||
		    (rc = tcbor_get_map(r, &hp)) != CTAP2_OK)
			break;
		for (size_t j = 0; rc == CTAP2_OK && j < hp; j++) {
			uint64_t hk;
			tcbor_r_t item;
			if ((rc = tcbor_get_uint(r, &hk)) != CTAP2_OK)
				break;
			if (hk == 1) {
				rc = tcbor_get_item(r, &item);
				q->hs_ka = item.p;
				q->hs_ka_len = item.n;
			} else if (hk == 2)
				rc = tcbor_get_bytes(r, &q->hs_salt, &q->hs_salt_len);
			else if (hk == 3)
				rc = tcbor_get_bytes(r, &q->hs_auth, &q->hs_auth_len);
			else if (hk == 4)
				rc = tcbor_get_uint(r, &q->hs_proto);
			else
				rc = tcbor_skip(r);
		}
	}
	return rc;
}

static int parse(const uint8_t *req, size_t n, ga_req_t *q)
{
	tcbor_r_t r = {req, n};
	size_t pairs;
	uint64_t prev = 0;
	memset(q, 0, sizeof(*q));
	q->c.up = true;
	int rc = tcbor_get_map(&r, &pairs);
	for (size_t i = 0; rc == CTAP2_OK && i < pairs; i++) {
		uint64_t k;
		if ((rc = tcbor_get_uint(&r, &k)) != CTAP2_OK)
			break;
		/* canonical requests: keys ascending, no duplicates */
		if (i > 0 && k <= prev) {
			rc = CTAP2_ERR_INVALID_CBOR;
			break;
		}
		prev = k;
		switch (k) {
		case 1:
			rc = tcbor_get_text(&r, &q->rpid, &q->rpid_len);
			break;
		case 2:
			rc = tcbor_get_bytes(&r, &q->c.cdh, &q->c.cdh_len);
			break;
		case 3: {
			rc = tcbor_get_item(&r, &q->allow);
			tcbor_r_t a = q->allow;
			if (rc == CTAP2_OK)
				rc = tcbor_get_array(&a, &q->allow_n);
			q->has_allow = q->allow_n > 0;
			break;
		}
		case 4:
			rc = parse_ext(&r, q);
			break;
		case 5:
			rc = req_options(&r, &q->c);
			break;
		case 6:
			rc = tcbor_get_bytes(&r, &q->c.auth, &q->c.auth_len);
			q->c.has_auth = true;
			break;
		case 7:
			rc = tcbor_get_uint(&r, &q->c.proto);
			q->c.has_proto = true;
			break;
		default:
			rc = tcbor_skip(&r);
			break;
		}
	}
	if (rc == CTAP2_OK && r.n != 0)
		rc = CTAP2_ERR_INVALID_CBOR;
	return rc;
}

typedef struct allow {
	token_t *t;
	const uint8_t *rpid_hash;
	bool uv;
	cred_t *c;
	bool found;
} allow_t;

static bool allow_visit(void *arg, const uint8_t *id, size_t n)
{
	allow_t *a = arg;
	if (cred_unwrap(a->t, id, n, a->rpid_hash, a->c) && (a->c->prot < 3 || a->uv))
		a->found = true;
	return a->found;
}

/* The hmac-secret output for c: encrypt(shared, HMAC(CredRandom, salt1)
 * [|| HMAC(CredRandom, salt2)]). */
static int hmac_secret(token_t *t, const ga_req_t *q, const cred_t *c, bool uv,
    uint8_t *out, size_t *out_len)
{
	uint8_t shared[64], salts[64], outs[64], cr[32];
	size_t sn = 0;
	if (q->hs_ka == NULL || q->hs_salt == NULL || q->hs_auth == NULL)
		return CTAP2_ERR_MISSING_PARAMETER;
	if (q->hs_proto != 2)
		return CTAP1_ERR_INVALID_PARAMETER;
	if (q->hs_salt_len != 16 + 32 && q->hs_salt_len != 16 + 64)
		return CTAP1_ERR_INVALID_LENGTH;
	int rc = pin_shared_secret(t, q->hs_ka, q->hs_ka_len, shared);
	if (rc != CTAP2_OK)
		return rc;
	if (!pin_verify(shared, q->hs_salt, q->hs_salt_len, q->hs_auth, q->hs_auth_len))
		rc = CTAP2_ERR_PIN_AUTH_INVALID;
	if (rc == CTAP2_OK)
		rc = pin_decrypt(shared, q->hs_salt, q->hs_salt_len, salts, &sn);
	if (rc == CTAP2_OK) {
		cred_random(t, c, uv, cr);
		for (size_t i = 0; i < sn; i += 32)
			tc_hmac_sha256(cr, 32, salts + i, 32, NULL, 0, outs + i);
		rc = pin_encrypt(t, shared, outs, sn, out);
		*out_len = 16 + sn;
	}
	tc_wipe(shared, sizeof(shared));
	tc_wipe(salts, sizeof(salts));
	tc_wipe(outs, sizeof(outs));
	tc_wipe(cr, sizeof(cr));
	return rc;
}

/* Signs and writes one assertion response. */
static int respond(token_t *t, cred_t *c, uint8_t flags, const uint8_t cdh[32],
    const uint8_t *hs, size_t hs_len, bool user, size_t ncreds, tcbor_w_t *w)
{
	uint8_t ad[160], hash[32], sig[72];
	size_t sig_len = 0;
	uint32_t counter = 0;
	if (counter_next(t, &counter) != AMANA_OK)
		return CTAP1_ERR_OTHER;
	tcbor_w_t a;
	tcbor_w_init(&a, ad, sizeof(ad));
	tcbor_put_raw(&a, c->rpid_hash, 32);
	uint8_t hdr[5] = {(uint8_t)(flags | (hs != NULL ? 0x80 : 0)),
	    (uint8_t)(counter >> 24), (uint8_t)(counter >> 16),
	    (uint8_t)(counter >> 8), (uint8_t)counter};
	tcbor_put_raw(&a, hdr, sizeof(hdr));
	if (hs != NULL) {
		tcbor_put_map(&a, 1);
		tcbor_put_text(&a, "hmac-secret");
		tcbor_put_bytes(&a, hs, hs_len);
	}
	if (a.err)
		return CTAP1_ERR_OTHER;
	tc_sha256(ad, a.len, cdh, 32, hash);
	if (tc_p256_sign(token_rng, t, c->priv, hash, sig, &sig_len) != AMANA_OK)
		return CTAP1_ERR_OTHER;
	tcbor_put_map(w, 3 + (user ? 1u : 0u) + (ncreds > 1 ? 1u : 0u));
	tcbor_put_uint(w, 1);
	tcbor_put_map(w, 2);
	tcbor_put_text(w, "id");
	tcbor_put_bytes(w, c->id, CRED_ID_LEN);
	tcbor_put_text(w, "type");
	tcbor_put_text(w, "public-key");
	tcbor_put_uint(w, 2);
	tcbor_put_bytes(w, ad, a.len);
	tcbor_put_uint(w, 3);
	tcbor_put_bytes(w, sig, sig_len);
	if (user) {
		/* Names only to a verified user (CTAP 2.1 6.2.2 step 12). */
		bool names = (flags & 0x04) != 0;
		bool un = names && c->user_name[0] != '\0';
		bool dn = names && c->display_name[0] != '\0';
		tcbor_put_uint(w, 4);
		tcbor_put_map(w, 1 + (size_t)un + (size_t)dn);
		tcbor_put_text(w, "id");
		tcbor_put_bytes(w, c->user_id, c->user_id_len);
		if (un) {
			tcbor_put_text(w, "name");
			tcbor_put_text(w, c->user_name);
		}
		if (dn) {
			tcbor_put_text(w, "displayName");
			tcbor_put_text(w, c->display_name);
		}
	}
	if (ncreds > 1) {
		tcbor_put_uint(w, 5);
		tcbor_put_uint(w, ncreds);
	}
	return w->err ? CTAP1_ERR_OTHER : CTAP2_OK;
}

int ctap_get_assertion(token_t *t, const uint8_t *req, size_t n, uint8_t *resp,
    size_t cap, size_t *len)
{
	ga_req_t q;
	uint8_t rpid_hash[32], flags = 0;
	cred_t c;
	uint16_t keys[TOKEN_RK_MAX];
	size_t nk = 0;
	*len = 0;
	int rc = parse(req, n, &q);
	if (rc != CTAP2_OK)
		return rc;
	if (q.c.has_auth && q.c.auth_len == 0)
		return req_verify_user(t, &q.c, TOKEN_PERM_GA, rpid_hash, &flags);
	if (q.rpid == NULL || q.c.cdh == NULL)
		return CTAP2_ERR_MISSING_PARAMETER;
	if (q.c.cdh_len != 32)
		return CTAP1_ERR_INVALID_LENGTH;
	if (q.c.rk_given)
		return CTAP2_ERR_UNSUPPORTED_OPTION;
	tc_sha256(q.rpid, q.rpid_len, NULL, 0, rpid_hash);
	if ((rc = req_verify_user(t, &q.c, TOKEN_PERM_GA, rpid_hash, &flags)) != CTAP2_OK)
		return rc;
	bool uv = (flags & 0x04) != 0;

	/* From here c may hold an unwrapped private key (also one the checks
	 * below then refuse): every path leaves through out, which wipes it. */
	tcbor_w_t w;
	uint8_t hs[16 + 64];
	size_t hs_len = 0;
	bool with_hs = false;
	memset(&c, 0, sizeof(c));
	if (q.has_allow) {
		allow_t a = {t, rpid_hash, uv, &c, false};
		if ((rc = req_cred_list(q.allow, allow_visit, &a)) != CTAP2_OK)
			goto out;
		if (!a.found) {
			rc = CTAP2_ERR_NO_CREDENTIALS;
			goto out;
		}
	} else {
		uint16_t all[TOKEN_RK_MAX];
		size_t na = cred_find_rks(t, rpid_hash, all);
		for (size_t i = 0; i < na; i++) {
			if (cred_load_rk(t, all[i], &c) != AMANA_OK)
				continue;
			if (c.prot == 1 || uv) /* levels 2 and 3 need UV here */
				keys[nk++] = all[i];
		}
		if (nk == 0) {
			rc = CTAP2_ERR_NO_CREDENTIALS;
			goto out;
		}
		if (cred_load_rk(t, keys[0], &c) != AMANA_OK) {
			rc = CTAP1_ERR_OTHER;
			goto out;
		}
	}
	if (q.c.up) {
		if (!token_user_presence(t)) {
			rc = token_cancelled(t) ? CTAP2_ERR_KEEPALIVE_CANCEL
						: CTAP2_ERR_OPERATION_DENIED;
			goto out;
		}
		flags |= 0x01;
	}
	with_hs = q.hs && c.hmac_secret;
	if (with_hs && (rc = hmac_secret(t, &q, &c, uv, hs, &hs_len)) != CTAP2_OK)
		goto out;
	tcbor_w_init(&w, resp, cap);
	rc = respond(t, &c, flags, q.c.cdh, with_hs ? hs : NULL, hs_len,
	    !q.has_allow, nk, &w);
	if (rc != CTAP2_OK)
		goto out;
	*len = w.len;
	if (nk > 1) {
		token_ga_state_t *g = &t->ga;
		g->total = (uint8_t)nk;
		g->n = (uint8_t)(nk - 1);
		memcpy(g->keys, keys + 1, (nk - 1) * sizeof(keys[0]));
		memcpy(g->client_data_hash, q.c.cdh, 32);
		memcpy(g->rpid_hash, rpid_hash, 32);
		g->flags = flags;
		g->ms = token_now(t);
	}
out:
	tc_wipe(&c, sizeof(c));
	return rc;
}

int ctap_get_next_assertion(token_t *t, uint8_t *resp, size_t cap, size_t *len)
{
	token_ga_state_t *g = &t->ga;
	cred_t c;
	*len = 0;
	if (g->n == 0)
		return CTAP2_ERR_NOT_ALLOWED;
	if (token_now(t) - g->ms > NEXT_WINDOW_MS) {
		memset(g, 0, sizeof(*g));
		return CTAP2_ERR_NOT_ALLOWED;
	}
	uint16_t key = g->keys[g->total - g->n - 1];
	g->n--;
	if (cred_load_rk(t, key, &c) != AMANA_OK) {
		tc_wipe(&c, sizeof(c)); /* a key may be half unwrapped */
		return CTAP1_ERR_OTHER;
	}
	tcbor_w_t w;
	tcbor_w_init(&w, resp, cap);
	int rc = respond(t, &c, g->flags, g->client_data_hash, NULL, 0, true, 0, &w);
	tc_wipe(&c, sizeof(c));
	if (rc == CTAP2_OK) {
		*len = w.len;
		g->ms = token_now(t);
	}
	return rc;
}
