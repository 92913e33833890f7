/* ctap.c: CTAP2 command dispatch, authenticatorGetInfo and
 * authenticatorReset. Every response is status byte + canonical CBOR. */
#include <string.h>

#include "amana/err.h"
#include "tcbor.h"
#include "core.h"
#include "crypto.h"
#include "ctap.h"
#include "uv.h"

#define RESET_WINDOW_MS 10000u
#define MAX_CRED_IN_LIST 8u

static size_t count_rks(token_t *t)
{
	size_t n = 0;
	for (uint16_t k = 0; k < TOKEN_RK_MAX; k++)
		if (store_len(&t->store, (uint16_t)(STORE_KEY_RK_FIRST + k)) > 0)
			n++;
	return n;
}

int ctap_get_info(token_t *t, uint8_t *resp, size_t cap, size_t *len)
{
	tcbor_w_t w;
	bool uv = token_uv_supported(t);
	bool enrolled = uv && token_uv_enrolled(t);
	bool fingers = uv && token_uv_fingers_enrolled(t);
	tcbor_w_init(&w, resp, cap);
	tcbor_put_map(&w, uv ? 14 : 13);

	tcbor_put_uint(&w, 0x01); /* versions */
	tcbor_put_array(&w, 2);
	tcbor_put_text(&w, "FIDO_2_0");
	tcbor_put_text(&w, "FIDO_2_1");
	tcbor_put_uint(&w, 0x02); /* extensions */
	tcbor_put_array(&w, 2);
	tcbor_put_text(&w, "credProtect");
	tcbor_put_text(&w, "hmac-secret");
	tcbor_put_uint(&w, 0x03);
	tcbor_put_bytes(&w, t->aaguid, sizeof(t->aaguid));

	tcbor_put_uint(&w, 0x04); /* options, in canonical key order */
	tcbor_put_map(&w, uv ? 8 : 5);
	tcbor_put_text(&w, "rk");
	tcbor_put_bool(&w, true);
	tcbor_put_text(&w, "up");
	tcbor_put_bool(&w, true);
	if (uv) {
		tcbor_put_text(&w, "uv");
		tcbor_put_bool(&w, enrolled);
	}
	tcbor_put_text(&w, "plat");
	tcbor_put_bool(&w, false);
	if (uv) {
		tcbor_put_text(&w, "bioEnroll");
		tcbor_put_bool(&w, fingers);
	}
	tcbor_put_text(&w, "clientPin");
	tcbor_put_bool(&w, token_pin_is_set(t));
	tcbor_put_text(&w, "pinUvAuthToken");
	tcbor_put_bool(&w, true);
	if (uv) {
		tcbor_put_text(&w, "userVerificationMgmtPreview");
		tcbor_put_bool(&w, fingers);
	}

	tcbor_put_uint(&w, 0x05);
	tcbor_put_uint(&w, TOKEN_MSG_MAX);
	tcbor_put_uint(&w, 0x06); /* pinUvAuthProtocols */
	tcbor_put_array(&w, 1);
	tcbor_put_uint(&w, 2);
	tcbor_put_uint(&w, 0x07);
	tcbor_put_uint(&w, MAX_CRED_IN_LIST);
	tcbor_put_uint(&w, 0x08);
	tcbor_put_uint(&w, CRED_ID_LEN);
	tcbor_put_uint(&w, 0x09);
	tcbor_put_array(&w, 1);
	tcbor_put_text(&w, "usb");
	tcbor_put_uint(&w, 0x0A); /* algorithms */
	tcbor_put_array(&w, 1);
	tcbor_put_map(&w, 2);
	tcbor_put_text(&w, "alg");
	tcbor_put_int(&w, -7);
	tcbor_put_text(&w, "type");
	tcbor_put_text(&w, "public-key");
	tcbor_put_uint(&w, 0x0D); /* minPINLength */
	tcbor_put_uint(&w, 4);
	tcbor_put_uint(&w, 0x0E); /* firmwareVersion */
	tcbor_put_uint(&w, 1);
	if (uv) {
		tcbor_put_uint(&w, 0x12); /* uvModality */
		tcbor_put_uint(&w, token_uv_modality(t));
	}
	tcbor_put_uint(&w, 0x14); /* remainingDiscoverableCredentials */
	tcbor_put_uint(&w, TOKEN_RK_MAX - count_rks(t));
	if (w.err)
		return CTAP1_ERR_OTHER;
	*len = w.len;
	return CTAP2_OK;
}

int ctap_reset(token_t *t)
{
	if (token_now(t) - t->boot_ms > RESET_WINDOW_MS)
		return CTAP2_ERR_NOT_ALLOWED;
	if (!token_user_presence(t))
		return token_cancelled(t) ? CTAP2_ERR_KEEPALIVE_CANCEL
					  : CTAP2_ERR_USER_ACTION_TIMEOUT;
	if (store_wipe(&t->store) != AMANA_OK || token_load_device(t) != AMANA_OK)
		return CTAP1_ERR_OTHER;
	/* A new key-agreement key, no pinUvAuthToken, no wrong-PIN count:
	 * the PIN they guarded no longer exists. */
	if (pin_power_up(t) != AMANA_OK)
		return CTAP1_ERR_OTHER;
	memset(&t->ga, 0, sizeof(t->ga));
	token_uv_on_reset(t);
	return CTAP2_OK;
}

size_t ctap_dispatch(token_t *t, const uint8_t *msg, size_t n, uint8_t *resp,
    size_t cap)
{
	uint8_t cmd = msg[0];
	const uint8_t *req = msg + 1;
	size_t rn = n - 1, len = 0;
	int rc;
	if (cmd != CTAP_CMD_GET_NEXT_ASSERTION)
		memset(&t->ga, 0, sizeof(t->ga));
	switch (cmd) {
	case CTAP_CMD_GET_INFO:
		rc = rn == 0 ? ctap_get_info(t, resp + 1, cap - 1, &len)
			     : CTAP1_ERR_INVALID_LENGTH;
		break;
	case CTAP_CMD_MAKE_CREDENTIAL:
		rc = ctap_make_credential(t, req, rn, resp + 1, cap - 1, &len);
		break;
	case CTAP_CMD_GET_ASSERTION:
		rc = ctap_get_assertion(t, req, rn, resp + 1, cap - 1, &len);
		break;
	case CTAP_CMD_GET_NEXT_ASSERTION:
		rc = ctap_get_next_assertion(t, resp + 1, cap - 1, &len);
		break;
	case CTAP_CMD_CLIENT_PIN:
		rc = ctap_client_pin(t, req, rn, resp + 1, cap - 1, &len);
		break;
	case CTAP_CMD_RESET:
		rc = ctap_reset(t);
		break;
	case CTAP_CMD_SELECTION:
		rc = token_user_presence(t) ? CTAP2_OK
		    : token_cancelled(t) ? CTAP2_ERR_KEEPALIVE_CANCEL
		    : CTAP2_ERR_USER_ACTION_TIMEOUT;
		break;
	case CTAP_CMD_BIO_ENROLLMENT:
	case CTAP_CMD_BIO_ENROLLMENT_PRE:
		rc = token_bio_command(t, cmd, req, rn, resp + 1, cap - 1, &len);
		break;
	case TOKEN_CMD_VENDOR_FACE:
		rc = token_face_command(t, req, rn, resp + 1, cap - 1, &len);
		break;
	default:
		rc = CTAP1_ERR_INVALID_COMMAND;
		break;
	}
	resp[0] = (uint8_t)rc;
	return rc == CTAP2_OK ? 1 + len : 1;
}
