/* The verifier compares disclosed names whole: "given twice", "was it
 * requested" and the docType agree with the bytes as received, never with
 * the cut display copies (docs/0310). Every response here is crafted with
 * the CBOR writer and signed properly, so only the names are at stake. */
#include "check.h"
#include "craft.h"

#define DOCTYPE "org.example.test.1"
#define NS "org.example.test.1"
/* 70 characters: past the 63 a display copy holds, inside the 95 a
 * request may name */
#define LONG_NS "org.example.test.namespaces.that.share.a.very.long.common.prefix.000"
#define ID63 "identifier_of_exactly_sixty_three_characters_xxxxxxxxxxxxxxxxxx"

static fixture_t fx;
static amana_verify_result_t res;

/* Crafts c for the session of made_for, verifies it against checked. */
static int verify_for(const amana_request_t *made_for, const amana_request_t *checked,
    const craft_t *c)
{
	uint8_t *resp = NULL;
	size_t n = 0;
	int r = craft_response(c, made_for, &resp, &n);
	CHECK_EQ(r, AMANA_OK);
	if (r != AMANA_OK)
		return r;
	amana_verifier_t *v = NULL;
	if (amana_verifier_new(&v) != AMANA_OK) {
		free(resp);
		return AMANA_ERR_NOMEM;
	}
	amana_verifier_set_trust(v, fx.trust);
	amana_verifier_set_time(v, FX_NOW);
	r = amana_verifier_check(v, checked, resp, n, &res);
	amana_verifier_free(&v);
	free(resp);
	return r;
}

static int verify(const amana_request_t *req, const craft_t *c)
{
	return verify_for(req, req, c);
}

static bool ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), m = strlen(end);
	return n >= m && strcmp(s + n - m, end) == 0;
}

/* The crafting itself: plain short names verify and are accepted. */
static void test_plain(void)
{
	static const char *const want[][2] = {{NS, "name"}, {NS, "permit"}};
	amana_request_t *req = NULL;
	CHECK_EQ(craft_request(DOCTYPE, want, 2, &req), AMANA_OK);
	craft_t c;
	craft_init(&c, &fx, DOCTYPE);
	c.items[c.nitems++] = craft_text(NS, "name", "Nusrat Rahman", 3);
	c.items[c.nitems++] = craft_text(NS, "permit", "WP-2026-004211", 8);
	CHECK_EQ(verify(req, &c), AMANA_OK);
	CHECK(res.accepted);
	CHECK_EQ(res.docs[0].nelements, 2);
	amana_request_free(&req);
}

/* Two namespaces whose first 63 bytes agree, the same identifier in each:
 * two elements, both requested; was "given twice" (cut copies equal), and
 * the request check failed too (the request names the whole namespace). */
static void test_long_namespaces(void)
{
	static const char *const want[][2] = {{LONG_NS "a", "name"}, {LONG_NS "b", "name"}};
	CHECK(strlen(LONG_NS "a") > 63 && strlen(LONG_NS "a") < AMANA_MDOC_MAX_DOCTYPE);
	amana_request_t *req = NULL;
	CHECK_EQ(craft_request(DOCTYPE, want, 2, &req), AMANA_OK);
	craft_t c;
	craft_init(&c, &fx, DOCTYPE);
	c.items[c.nitems++] = craft_text(LONG_NS "a", "name", "Nusrat Rahman", 0);
	c.items[c.nitems++] = craft_text(LONG_NS "b", "name", "Green Valley Garments", 1);
	CHECK_EQ(verify(req, &c), AMANA_OK);
	CHECK(res.accepted);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_DIGESTS].state, AMANA_CHECK_PASS);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_REQUEST].state, AMANA_CHECK_PASS);
	CHECK_EQ(res.docs[0].nelements, 2);
	/* the display copy says it was cut */
	const char *shown = res.docs[0].elements[0].ns;
	CHECK_EQ(strlen(shown), sizeof(res.docs[0].elements[0].ns) - 1);
	CHECK(ends_with(shown, "..."));
	CHECK(strncmp(shown, LONG_NS, strlen(shown) - 3) == 0);
	amana_request_free(&req);
}

/* The same element twice (same whole names, two digest IDs) still fails:
 * the holder would choose which value the officer sees. */
static void test_really_twice(void)
{
	static const char *const want[][2] = {{LONG_NS "a", "name"}};
	amana_request_t *req = NULL;
	CHECK_EQ(craft_request(DOCTYPE, want, 1, &req), AMANA_OK);
	craft_t c;
	craft_init(&c, &fx, DOCTYPE);
	c.items[c.nitems++] = craft_text(LONG_NS "a", "name", "Nusrat Rahman", 0);
	c.items[c.nitems++] = craft_text(LONG_NS "a", "name", "Someone Else", 1);
	CHECK_EQ(verify(req, &c), AMANA_ERR_CBOR_DUPKEY);
	CHECK(!res.accepted);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_DIGESTS].reason, AMANA_ERR_CBOR_DUPKEY);
	CHECK(strstr(res.docs[0].checks[AMANA_CHECK_DIGESTS].detail, "given twice") != NULL);
	amana_request_free(&req);
}

/* An identifier longer than any request can name whose first 63 bytes are
 * a requested one: not requested (was accepted: the cut copy matched). */
static void test_long_identifier(void)
{
	static const char *const want[][2] = {{NS, ID63}};
	CHECK_EQ(strlen(ID63), 63);
	amana_request_t *req = NULL;
	CHECK_EQ(craft_request(DOCTYPE, want, 1, &req), AMANA_OK);
	craft_t c;
	craft_init(&c, &fx, DOCTYPE);
	c.items[c.nitems++] = craft_text(NS, ID63 "_and_then_something_else", "secret", 5);
	CHECK_EQ(verify(req, &c), AMANA_ERR_VERIFY_NOT_REQUESTED);
	CHECK(!res.accepted);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_DIGESTS].state, AMANA_CHECK_PASS);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_REQUEST].state, AMANA_CHECK_FAIL);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_REQUEST].reason, AMANA_ERR_VERIFY_NOT_REQUESTED);
	const char *shown = res.docs[0].elements[0].id;
	CHECK(ends_with(shown, "..."));
	CHECK(strcmp(shown, ID63) != 0);
	/* the identifier that was asked for passes */
	c.items[0] = craft_text(NS, ID63, "asked for", 5);
	CHECK_EQ(verify(req, &c), AMANA_OK);
	CHECK(strcmp(res.docs[0].elements[0].id, ID63) == 0);
	amana_request_free(&req);
}

/* A control character or a NUL inside a name shows as '?', so the
 * display copy of "family\x01name" is "family?name": a request for
 * "family?name" must not match it (it did: the copies were compared),
 * nor "family_name" match "family_name\0x". */
static void test_control_in_identifier(void)
{
	static const char *const want[][2] = {{NS, "family?name"}, {NS, "family_name"}};
	static const char nul_id[] = "family_name\0x";
	amana_request_t *req = NULL;
	CHECK_EQ(craft_request(DOCTYPE, want, 2, &req), AMANA_OK);
	craft_t c;
	craft_init(&c, &fx, DOCTYPE);
	c.items[c.nitems++] = craft_text(NS, "family\001name", "Rahman", 2);
	CHECK_EQ(verify(req, &c), AMANA_ERR_VERIFY_NOT_REQUESTED);
	CHECK(!res.accepted);
	CHECK(strcmp(res.docs[0].elements[0].id, "family?name") == 0);
	c.items[0] = craft_text(NS, nul_id, "Rahman", 2);
	c.items[0].id_len = sizeof(nul_id) - 1;
	CHECK_EQ(verify(req, &c), AMANA_ERR_VERIFY_NOT_REQUESTED);
	CHECK(strcmp(res.docs[0].elements[0].id, "family_name?x") == 0);
	amana_request_free(&req);
}

/* The same for the docType (in the document and its MSO alike, both
 * signed): a document of another type is not the one requested, however
 * it displays. */
static void test_control_in_doctype(void)
{
	static const char *const want[][2] = {{NS, "name"}};
	static const char nul_dt[] = "org.example.test.1\0x";
	amana_request_t *req = NULL;
	CHECK_EQ(craft_request("org.example.test?1", want, 1, &req), AMANA_OK);
	craft_t c;
	craft_init(&c, &fx, "org.example.test\0011");
	c.items[c.nitems++] = craft_text(NS, "name", "Nusrat Rahman", 0);
	CHECK(verify(req, &c) != AMANA_OK);
	CHECK(!res.accepted);
	CHECK(strcmp(res.docs[0].doctype, "org.example.test?1") == 0);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_DOCTYPE].state, AMANA_CHECK_FAIL);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_REQUEST].state, AMANA_CHECK_FAIL);
	amana_request_free(&req);
	CHECK_EQ(craft_request(DOCTYPE, want, 1, &req), AMANA_OK);
	c.doctype = nul_dt;
	c.doctype_len = sizeof(nul_dt) - 1;
	CHECK(verify(req, &c) != AMANA_OK);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_DOCTYPE].state, AMANA_CHECK_FAIL);
	amana_request_free(&req);
}

/* A requested element the holder did not disclose: accepted (a holder
 * may decline), and reported as not disclosed, by whole name. */
static void test_not_disclosed(void)
{
	static const char *const want[][2] = {{LONG_NS "a", "name"}, {LONG_NS "b", "name"},
		{NS, "permit"}};
	amana_request_t *req = NULL;
	CHECK_EQ(craft_request(DOCTYPE, want, 3, &req), AMANA_OK);
	craft_t c;
	craft_init(&c, &fx, DOCTYPE);
	c.items[c.nitems++] = craft_text(LONG_NS "a", "name", "Nusrat Rahman", 0);
	CHECK_EQ(verify(req, &c), AMANA_OK);
	CHECK(res.accepted);
	CHECK_EQ(res.docs[0].request_doc, 0);
	uint64_t want_missing = 0; /* bits in the parsed request's order */
	for (size_t j = 0; j < amana_request_elem_count(req, 0); j++)
		if (strcmp(amana_request_elem(req, 0, j)->ns, LONG_NS "a") != 0)
			want_missing |= (uint64_t)1 << j;
	CHECK_EQ(amana_request_elem_count(req, 0), 3);
	CHECK_EQ(res.docs[0].not_disclosed, want_missing);
	CHECK(want_missing != 0 && want_missing != 7);
	c.items[c.nitems++] = craft_text(LONG_NS "b", "name", "Green Valley Garments", 1);
	c.items[c.nitems++] = craft_text(NS, "permit", "WP-2026-004211", 2);
	CHECK_EQ(verify(req, &c), AMANA_OK);
	CHECK_EQ(res.docs[0].not_disclosed, 0);
	/* without a request nothing is answered */
	CHECK(verify_for(req, NULL, &c) != AMANA_OK);
	CHECK_EQ(res.docs[0].request_doc, -1);
	amana_request_free(&req);
}

/* Two documents requested, one answered: the response says which is
 * missing (docTypes matched whole). */
static void test_missing_document(void)
{
	amana_request_elem_t el[2];
	memset(el, 0, sizeof(el));
	snprintf(el[0].ns, sizeof(el[0].ns), "%s", NS);
	snprintf(el[0].id, sizeof(el[0].id), "name");
	snprintf(el[1].ns, sizeof(el[1].ns), "%s", AMANA_DOCTYPE_ENTITLEMENT);
	snprintf(el[1].id, sizeof(el[1].id), "right_to_work");
	amana_request_params_t p[2] = {{"Border post 7", DOCTYPE, &el[0], 1},
		{"Border post 7", AMANA_DOCTYPE_ENTITLEMENT, &el[1], 1}};
	uint8_t *buf = NULL;
	size_t len;
	amana_request_t *req = NULL;
	CHECK_EQ(amana_request_create_n(p, 2, &buf, &len), AMANA_OK);
	CHECK_EQ(amana_request_parse(buf, len, &req), AMANA_OK);
	free(buf);
	if (req == NULL)
		return;
	craft_t c;
	craft_init(&c, &fx, DOCTYPE);
	c.items[c.nitems++] = craft_text(NS, "name", "Nusrat Rahman", 0);
	CHECK_EQ(verify(req, &c), AMANA_ERR_MDOC_NO_CRED);
	CHECK(!res.accepted);
	CHECK_EQ(res.response.state, AMANA_CHECK_FAIL);
	CHECK(strstr(res.response.detail, AMANA_DOCTYPE_ENTITLEMENT " is missing") != NULL);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_DOCTYPE].state, AMANA_CHECK_PASS);
	amana_request_free(&req);
}

/* An item whose own CBOR repeats a key (signed, its digest right): refused
 * as a duplicate before it names any element (found by fuzz_response: the
 * "given twice" report read the element before the first). */
static void test_duplicate_key_inside_item(void)
{
	static const uint8_t item[] = {
		0xd8, 0x18, 0x58, 0x51, 0xa4,
		0x68, 'd', 'i', 'g', 'e', 's', 't', 'I', 'D', 0x00,
		0x66, 'r', 'a', 'n', 'd', 'o', 'm', 0x50,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		0x71, 'e', 'l', 'e', 'm', 'e', 'n', 't', 'I', 'd', 'e', 'n', 't', 'i', 'f', 'i',
		'e', 'r', 0x64, 'n', 'a', 'm', 'e',
		0x71, 'e', 'l', 'e', 'm', 'e', 'n', 't', 'I', 'd', 'e', 'n', 't', 'i', 'f', 'i',
		'e', 'r', 0x64, 'n', 'a', 'm', 'e'};
	CHECK_EQ(sizeof(item), 4 + 0x51);
	static const char *const want[][2] = {{NS, "name"}};
	amana_request_t *req = NULL;
	CHECK_EQ(craft_request(DOCTYPE, want, 1, &req), AMANA_OK);
	craft_t c;
	craft_init(&c, &fx, DOCTYPE);
	c.items[c.nitems] = craft_text(NS, "name", "", 0);
	c.items[c.nitems].raw = item;
	c.items[c.nitems++].raw_len = sizeof(item);
	CHECK_EQ(verify(req, &c), AMANA_ERR_CBOR_DUPKEY);
	CHECK(!res.accepted);
	CHECK_EQ(res.docs[0].nelements, 0);
	CHECK(strstr(res.docs[0].checks[AMANA_CHECK_DIGESTS].detail, "item 0 of namespace") != NULL);
	amana_request_free(&req);
}

/* A value too long for its display copy ends visibly cut. */
static void test_long_value(void)
{
	static const char *const want[][2] = {{NS, "note"}};
	char value[400];
	memset(value, 'v', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	amana_request_t *req = NULL;
	CHECK_EQ(craft_request(DOCTYPE, want, 1, &req), AMANA_OK);
	craft_t c;
	craft_init(&c, &fx, DOCTYPE);
	c.items[c.nitems++] = craft_text(NS, "note", value, 0);
	CHECK_EQ(verify(req, &c), AMANA_OK);
	const char *shown = res.docs[0].elements[0].value;
	CHECK_EQ(strlen(shown), sizeof(res.docs[0].elements[0].value) - 1);
	CHECK(ends_with(shown, "vvv..."));
	amana_request_free(&req);
}

int main(void)
{
	int r = fx_init(&fx);
	if (r != AMANA_OK) {
		fprintf(stderr, "fixture: %s\n", amana_strerr(r));
		return 1;
	}
	test_plain();
	test_long_namespaces();
	test_really_twice();
	test_long_identifier();
	test_control_in_identifier();
	test_control_in_doctype();
	test_long_value();
	test_not_disclosed();
	test_missing_document();
	test_duplicate_key_inside_item();
	fx_free(&fx);
	return check_done();
}
