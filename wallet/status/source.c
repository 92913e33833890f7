/* source.c: the status cache behind the verifier's status hook. The list
 * has to be signed by the key that signed the credential: an issuer
 * vouches for its own credentials' status, and a list signed by anyone
 * else (even another trusted issuer) says nothing about them. */
#include <string.h>

#include "amana/err.h"
#include "amana/verifier.h"
#include "status_internal.h"

void amana_status_source_init(amana_status_source_t *s,
    const amana_status_cache_t *c, const amana_status_policy_t *p)
{
	memset(s, 0, sizeof(*s));
	s->cache = c;
	if (p != NULL)
		s->policy = *p;
	else
		amana_status_policy_default(&s->policy);
}

int amana_status_source_fn(void *ctx, const struct amana_status_ref *ref, int64_t now)
{
	amana_status_source_t *s = ctx;
	if (s == NULL || ref == NULL || s->cache == NULL || now < 0)
		return AMANA_ERR_ARG;
	memset(&s->last, 0, sizeof(s->last));
	char uri[AMANA_STATUS_MAX_URI + 1];
	if (ref->uri == NULL || ref->uri_len == 0 || ref->uri_len > AMANA_STATUS_MAX_URI ||
	    memchr(ref->uri, 0, ref->uri_len) != NULL)
		return s->last_rc = AMANA_ERR_STATUS_URI;
	memcpy(uri, ref->uri, ref->uri_len);
	uri[ref->uri_len] = '\0';
	if (ref->issuer_key == NULL)
		return s->last_rc = AMANA_ERR_STATUS_SIG;
	if (ref->idx > SIZE_MAX)
		return s->last_rc = AMANA_ERR_STATUS_INDEX;
	s->last_rc = amana_status_cache_check(s->cache, uri, (size_t)ref->idx,
	    ref->issuer_key, (uint64_t)now, &s->policy, &s->last);
	return s->last_rc;
}
