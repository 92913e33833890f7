/* token.c: power-up, time and the small services the command handlers
 * share (contract in token.h). */
#include "token.h"

#include <string.h>

#include "amana/err.h"
#include "core.h"
#include "crypto.h"
#include "ctap.h"
#include "uv.h"

/* The model's AAGUID (one per authenticator model, not per device). */
static const uint8_t amana_aaguid[16] = {'A', 'M', 'A', 'N', 'A', '-', 'T',
    'O', 'K', 'E', 'N', '-', 'v', '0', '0', '1'};

#define DEVICE_REC_VERSION 1u
#define DEVICE_REC_LEN (1u + 4u * 32u)

int token_rng(void *ctx, uint8_t *buf, size_t len)
{
	token_t *t = ctx;
	return t->hal.rng(t->hal.ctx, buf, len) == 0 ? 0 : -1;
}

/* Device secrets: created once, kept until authenticatorReset. */
int token_load_device(token_t *t)
{
	uint8_t rec[DEVICE_REC_LEN];
	size_t n = 0;
	int rc = store_get(&t->store, STORE_KEY_DEVICE, rec, sizeof(rec), &n);
	if (rc == AMANA_OK && (n != DEVICE_REC_LEN || rec[0] != DEVICE_REC_VERSION))
		rc = AMANA_ERR_FORMAT;
	if (rc == AMANA_ERR_NOT_FOUND) {
		rec[0] = DEVICE_REC_VERSION;
		if (t->hal.rng(t->hal.ctx, rec + 1, DEVICE_REC_LEN - 1) != 0) {
			tc_wipe(rec, sizeof(rec));
			return AMANA_ERR_CRYPTO;
		}
		rc = store_put(&t->store, STORE_KEY_DEVICE, rec, sizeof(rec));
	}
	if (rc == AMANA_OK) {
		memcpy(t->cred_key, rec + 1, 32);
		memcpy(t->mac_key, rec + 33, 32);
		memcpy(t->cr_uv, rec + 65, 32);
		memcpy(t->cr_nouv, rec + 97, 32);
	}
	tc_wipe(rec, sizeof(rec));
	return rc;
}

int token_init(token_t *t, const token_hal_t *hal)
{
	if (t == NULL || hal == NULL || hal->hid_send == NULL || hal->rng == NULL ||
	    hal->millis == NULL)
		return AMANA_ERR_ARG;
	memset(t, 0, sizeof(*t));
	t->hal = *hal;
	int rc = store_mount(&t->store, &t->hal);
	if (rc != AMANA_OK)
		return rc;
	if ((rc = token_load_device(t)) != AMANA_OK)
		return rc;
	memcpy(t->aaguid, amana_aaguid, sizeof(t->aaguid));
	t->hid.next_cid = 1;
	t->boot_ms = t->hal.millis(t->hal.ctx);
	if ((rc = pin_power_up(t)) != AMANA_OK)
		return rc;
	token_uv_init(t);
	return AMANA_OK;
}

void token_tick(token_t *t, uint32_t now_ms)
{
	token_hid_tick(t, now_ms);
	pin_tick(t, now_ms);
}

void token_wipe(token_t *t)
{
	tc_wipe(t, sizeof(*t));
}

bool token_user_presence(token_t *t)
{
	if (t->hal.user_presence == NULL)
		return true; /* a port without a button: presence is implied */
	token_keepalive(t, 2);
	return t->hal.user_presence(t->hal.ctx, 30000);
}

uint32_t token_now(token_t *t)
{
	return t->hal.millis(t->hal.ctx);
}
