/* uv_absent.c: uv.h for a token without a sensor (firmware A's placeholder
 * until firmware B's uv.c, bio*.c and face*.c replace it in the build).
 * This is the honest behaviour of such a token: no built-in UV, nothing
 * enrolled, bio and face commands unknown. */
#include "uv.h"

#include "ctap.h"

void token_uv_init(token_t *t)
{
	(void)t;
}

void token_uv_on_reset(token_t *t)
{
	(void)t;
}

void token_uv_pin_ok(token_t *t)
{
	(void)t;
}

bool token_uv_supported(const token_t *t)
{
	(void)t;
	return false;
}

bool token_uv_enrolled(const token_t *t)
{
	(void)t;
	return false;
}

bool token_uv_fingers_enrolled(const token_t *t)
{
	(void)t;
	return false;
}

uint32_t token_uv_modality(const token_t *t)
{
	(void)t;
	return 0;
}

uint8_t token_uv_retries(const token_t *t)
{
	(void)t;
	return 0;
}

int token_uv_verify(token_t *t, uint8_t *modality)
{
	(void)t;
	(void)modality;
	return CTAP2_ERR_NOT_ALLOWED;
}

int token_bio_command(token_t *t, uint8_t cmd, const uint8_t *req, size_t len,
    uint8_t *resp, size_t cap, size_t *resp_len)
{
	(void)t;
	(void)cmd;
	(void)req;
	(void)len;
	(void)resp;
	(void)cap;
	*resp_len = 0;
	return CTAP1_ERR_INVALID_COMMAND;
}

int token_face_command(token_t *t, const uint8_t *req, size_t len,
    uint8_t *resp, size_t cap, size_t *resp_len)
{
	(void)t;
	(void)req;
	(void)len;
	(void)resp;
	(void)cap;
	*resp_len = 0;
	return CTAP1_ERR_INVALID_COMMAND;
}
