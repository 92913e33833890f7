/* ctaphid.c: a raw CTAPHID client over the token's socket (contract in
 * amana/fido.h): for the vendor command libfido2 cannot send, and for tests
 * that must send what libfido2 never would. */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "amana/err.h"
#include "amana/fido.h"
#include "fido_sock.h"

#define CMD_INIT 0x86u
#define CMD_KEEPALIVE 0xBBu
#define CMD_ERROR 0xBFu
#define CMD_CBOR 0x90u
#define BROADCAST 0xFFFFFFFFu

struct amana_ctaphid {
	int fd;
	int timeout_ms;
	uint32_t cid;
};

static void put_cid(uint8_t *p, uint32_t cid)
{
	p[0] = (uint8_t)(cid >> 24);
	p[1] = (uint8_t)(cid >> 16);
	p[2] = (uint8_t)(cid >> 8);
	p[3] = (uint8_t)cid;
}

static uint32_t get_cid(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int amana_ctaphid_send_report(amana_ctaphid_t *h, const uint8_t report[64])
{
	return amana_sock_write_all(h->fd, report, AMANA_REPORT_LEN) == 0
	    ? AMANA_OK : AMANA_ERR_IO;
}

int amana_ctaphid_recv_report(amana_ctaphid_t *h, uint8_t report[64])
{
	int rc = amana_sock_read_report(h->fd, report, AMANA_REPORT_LEN, h->timeout_ms);
	return rc == 0 ? AMANA_OK : rc == -2 ? AMANA_ERR_TIMEOUT : AMANA_ERR_IO;
}

static int send_msg(amana_ctaphid_t *h, uint32_t cid, uint8_t cmd,
    const uint8_t *data, size_t len)
{
	uint8_t r[AMANA_REPORT_LEN];
	if (len > 7609)
		return AMANA_ERR_LIMIT;
	memset(r, 0, sizeof(r));
	put_cid(r, cid);
	r[4] = cmd;
	r[5] = (uint8_t)(len >> 8);
	r[6] = (uint8_t)len;
	size_t n = len < 57 ? len : 57;
	if (n > 0)
		memcpy(r + 7, data, n);
	int rc = amana_ctaphid_send_report(h, r);
	for (uint8_t seq = 0; rc == AMANA_OK && n < len; seq++) {
		size_t k = len - n < 59 ? len - n : 59;
		memset(r, 0, sizeof(r));
		put_cid(r, cid);
		r[4] = seq;
		memcpy(r + 5, data + n, k);
		rc = amana_ctaphid_send_report(h, r);
		n += k;
	}
	return rc;
}

/* Receives one whole message on cid (other channels' reports skipped). */
static int recv_msg(amana_ctaphid_t *h, uint32_t cid, uint8_t *cmd, uint8_t *buf,
    size_t cap, size_t *len)
{
	uint8_t r[AMANA_REPORT_LEN];
	int rc;
	do {
		if ((rc = amana_ctaphid_recv_report(h, r)) != AMANA_OK)
			return rc;
	} while (get_cid(r) != cid || (r[4] & 0x80) == 0);
	*cmd = r[4];
	size_t total = (size_t)r[5] << 8 | r[6];
	if (total > cap)
		return AMANA_ERR_BUFFER;
	size_t n = total < 57 ? total : 57;
	memcpy(buf, r + 7, n);
	for (uint8_t seq = 0; n < total; seq++) {
		if ((rc = amana_ctaphid_recv_report(h, r)) != AMANA_OK)
			return rc;
		if (get_cid(r) != cid || r[4] != seq)
			return AMANA_ERR_TOKEN_PROTOCOL;
		size_t k = total - n < 59 ? total - n : 59;
		memcpy(buf + n, r + 5, k);
		n += k;
	}
	*len = total;
	return AMANA_OK;
}

int amana_ctaphid_open(amana_ctaphid_t **out, const char *path, int timeout_ms)
{
	if (out == NULL || path == NULL)
		return AMANA_ERR_ARG;
	*out = NULL;
	amana_ctaphid_t *h = calloc(1, sizeof(*h));
	if (h == NULL)
		return AMANA_ERR_NOMEM;
	h->timeout_ms = timeout_ms;
	if ((h->fd = amana_sock_connect(path)) < 0) {
		free(h);
		return AMANA_ERR_TOKEN_CONNECT;
	}
	uint8_t nonce[8], resp[64], cmd = 0;
	size_t len = 0;
	if (getrandom(nonce, sizeof(nonce), 0) != (ssize_t)sizeof(nonce)) {
		amana_ctaphid_free(&h);
		return AMANA_ERR_CRYPTO;
	}
	int rc = send_msg(h, BROADCAST, CMD_INIT, nonce, sizeof(nonce));
	if (rc == AMANA_OK)
		rc = recv_msg(h, BROADCAST, &cmd, resp, sizeof(resp), &len);
	if (rc == AMANA_OK && (cmd != CMD_INIT || len < 17 ||
	    memcmp(resp, nonce, 8) != 0))
		rc = AMANA_ERR_TOKEN_PROTOCOL;
	if (rc != AMANA_OK) {
		amana_ctaphid_free(&h);
		return rc == AMANA_ERR_TIMEOUT ? AMANA_ERR_TOKEN_CONNECT : rc;
	}
	h->cid = get_cid(resp + 8);
	*out = h;
	return AMANA_OK;
}

void amana_ctaphid_free(amana_ctaphid_t **h)
{
	if (h == NULL || *h == NULL)
		return;
	if ((*h)->fd >= 0)
		close((*h)->fd);
	free(*h);
	*h = NULL;
}

uint32_t amana_ctaphid_cid(const amana_ctaphid_t *h)
{
	return h->cid;
}

int amana_ctaphid_xfer(amana_ctaphid_t *h, uint8_t cmd, const uint8_t *req,
    size_t len, uint8_t *resp_cmd, uint8_t *resp, size_t cap, size_t *resp_len)
{
	int rc = send_msg(h, h->cid, cmd, req, len);
	while (rc == AMANA_OK) {
		rc = recv_msg(h, h->cid, resp_cmd, resp, cap, resp_len);
		if (rc != AMANA_OK || *resp_cmd != CMD_KEEPALIVE)
			break;
	}
	return rc;
}

int amana_ctaphid_cbor(amana_ctaphid_t *h, uint8_t ctap_cmd, const uint8_t *cbor,
    size_t len, uint8_t *status, uint8_t *resp, size_t cap, size_t *resp_len)
{
	uint8_t msg[7609], in[7609], cmd = 0;
	size_t n = 0;
	if (len + 1 > sizeof(msg))
		return AMANA_ERR_LIMIT;
	msg[0] = ctap_cmd;
	if (len > 0)
		memcpy(msg + 1, cbor, len);
	int rc = amana_ctaphid_xfer(h, CMD_CBOR, msg, len + 1, &cmd, in, sizeof(in), &n);
	if (rc != AMANA_OK)
		return rc;
	if (cmd == CMD_ERROR)
		return AMANA_ERR_TOKEN_CTAPHID;
	if (cmd != CMD_CBOR || n < 1)
		return AMANA_ERR_TOKEN_PROTOCOL;
	if (n - 1 > cap)
		return AMANA_ERR_BUFFER;
	*status = in[0];
	if (n > 1)
		memcpy(resp, in + 1, n - 1);
	*resp_len = n - 1;
	return AMANA_OK;
}
