/* ctaphid.c: CTAPHID framing (CTAP 2.1 section 11.2): channel allocation,
 * reassembly with sequence and length checks, one transaction at a time,
 * the 500 ms continuation timeout, and fragmentation of responses.
 *
 * Channels are allocated by counting up from 1: a channel is valid iff
 * 0 < cid < next_cid, so no table is needed and a stale or made-up cid is
 * answered with ERR_INVALID_CHANNEL. */
#include <string.h>

#include "ctap.h"
#include "core.h"
#include "token.h"

#define INIT_DATA 57u
#define CONT_DATA 59u

static uint32_t rd_cid(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr_cid(uint8_t *p, uint32_t cid)
{
	p[0] = (uint8_t)(cid >> 24);
	p[1] = (uint8_t)(cid >> 16);
	p[2] = (uint8_t)(cid >> 8);
	p[3] = (uint8_t)cid;
}

static void send_msg(token_t *t, uint32_t cid, uint8_t cmd, const uint8_t *data,
    size_t len)
{
	uint8_t r[TOKEN_HID_REPORT_LEN];
	memset(r, 0, sizeof(r));
	wr_cid(r, cid);
	r[4] = cmd;
	r[5] = (uint8_t)(len >> 8);
	r[6] = (uint8_t)len;
	size_t n = len < INIT_DATA ? len : INIT_DATA;
	if (n > 0)
		memcpy(r + 7, data, n);
	t->hal.hid_send(t->hal.ctx, r);
	for (uint8_t seq = 0; n < len; seq++) {
		size_t k = len - n < CONT_DATA ? len - n : CONT_DATA;
		memset(r, 0, sizeof(r));
		wr_cid(r, cid);
		r[4] = seq;
		memcpy(r + 5, data + n, k);
		t->hal.hid_send(t->hal.ctx, r);
		n += k;
	}
}

static void send_error(token_t *t, uint32_t cid, uint8_t code)
{
	send_msg(t, cid, CTAPHID_ERROR, &code, 1);
}

void token_keepalive(token_t *t, uint8_t status)
{
	send_msg(t, t->hid.cid, CTAPHID_KEEPALIVE, &status, 1);
}

static bool cid_valid(const token_t *t, uint32_t cid)
{
	return cid != 0 && cid != CTAPHID_BROADCAST && cid < t->hid.next_cid;
}

static void do_init(token_t *t, uint32_t cid, const uint8_t *nonce)
{
	uint8_t r[17];
	uint32_t ncid = cid;
	if (cid == CTAPHID_BROADCAST) {
		ncid = t->hid.next_cid++;
		if (t->hid.next_cid == CTAPHID_BROADCAST) /* 4 billion INITs */
			t->hid.next_cid = 1;
	}
	memcpy(r, nonce, 8);
	wr_cid(r + 8, ncid);
	r[12] = 2; /* CTAPHID protocol version */
	r[13] = 1; /* device version major.minor.build */
	r[14] = 0;
	r[15] = 0;
	r[16] = CTAPHID_CAP_WINK | CTAPHID_CAP_CBOR | CTAPHID_CAP_NMSG;
	send_msg(t, cid, CTAPHID_INIT, r, sizeof(r));
}

static void process(token_t *t, uint32_t cid, uint8_t cmd, const uint8_t *msg,
    size_t len)
{
	t->hid.cid = cid; /* keepalives go here while the command runs */
	switch (cmd) {
	case CTAPHID_PING:
		send_msg(t, cid, CTAPHID_PING, msg, len);
		break;
	case CTAPHID_WINK:
		if (len != 0) {
			send_error(t, cid, CTAPHID_ERR_INVALID_LEN);
			break;
		}
		if (t->hal.wink != NULL)
			t->hal.wink(t->hal.ctx);
		send_msg(t, cid, CTAPHID_WINK, NULL, 0);
		break;
	case CTAPHID_CBOR: {
		if (len < 1) {
			send_error(t, cid, CTAPHID_ERR_INVALID_LEN);
			break;
		}
		t->hid.busy = true;
		t->hid.cancelled = false;
		size_t n = ctap_dispatch(t, msg, len, t->hid.resp, sizeof(t->hid.resp));
		t->hid.busy = false;
		send_msg(t, cid, CTAPHID_CBOR, t->hid.resp, n);
		break;
	}
	case CTAPHID_CANCEL:
		break; /* nothing is pending between reports: no answer */
	default: /* MSG (U2F), LOCK, KEEPALIVE/ERROR from a host, unknown */
		send_error(t, cid, CTAPHID_ERR_INVALID_CMD);
		break;
	}
}

static void abort_msg(token_t *t)
{
	t->hid.cmd = 0;
	t->hid.got = 0;
	t->hid.bcnt = 0;
}

void token_hid_report_in(token_t *t, const uint8_t report[TOKEN_HID_REPORT_LEN])
{
	token_hid_t *h = &t->hid;
	uint32_t cid = rd_cid(report);
	uint32_t now = t->hal.millis(t->hal.ctx);

	if (report[4] & 0x80) {
		uint8_t cmd = report[4];
		uint16_t bcnt = (uint16_t)(report[5] << 8 | report[6]);
		if (cid == 0) {
			send_error(t, cid, CTAPHID_ERR_INVALID_CHANNEL);
			return;
		}
		if (cmd == CTAPHID_INIT) {
			if (bcnt != 8) {
				send_error(t, cid, CTAPHID_ERR_INVALID_LEN);
				return;
			}
			if (cid != CTAPHID_BROADCAST && !cid_valid(t, cid)) {
				send_error(t, cid, CTAPHID_ERR_INVALID_CHANNEL);
				return;
			}
			if (h->cmd != 0 && h->cid == cid)
				abort_msg(t); /* resync of the busy channel */
			do_init(t, cid, report + 7);
			return;
		}
		if (!cid_valid(t, cid)) {
			send_error(t, cid, CTAPHID_ERR_INVALID_CHANNEL);
			return;
		}
		if (h->cmd != 0 && h->cid != cid) {
			send_error(t, cid, CTAPHID_ERR_CHANNEL_BUSY);
			return;
		}
		if (h->cmd != 0) { /* an init packet in the middle of a message */
			abort_msg(t);
			if (cmd != CTAPHID_CANCEL)
				send_error(t, cid, CTAPHID_ERR_INVALID_SEQ);
			return;
		}
		if (bcnt > TOKEN_MSG_MAX) {
			send_error(t, cid, CTAPHID_ERR_INVALID_LEN);
			return;
		}
		size_t n = bcnt < INIT_DATA ? bcnt : INIT_DATA;
		memcpy(h->msg, report + 7, n);
		if (n == bcnt) {
			process(t, cid, cmd, h->msg, bcnt);
			return;
		}
		h->cid = cid;
		h->cmd = cmd;
		h->bcnt = bcnt;
		h->got = (uint16_t)n;
		h->seq = 0;
		h->last_ms = now;
		return;
	}

	/* A continuation packet: only for the message being assembled. */
	if (h->cmd == 0 || cid != h->cid)
		return; /* spurious: ignored, as the spec asks */
	if (report[4] != h->seq) {
		abort_msg(t);
		send_error(t, cid, CTAPHID_ERR_INVALID_SEQ);
		return;
	}
	size_t k = (size_t)(h->bcnt - h->got);
	if (k > CONT_DATA)
		k = CONT_DATA;
	memcpy(h->msg + h->got, report + 5, k);
	h->got = (uint16_t)(h->got + k);
	h->seq++;
	h->last_ms = now;
	if (h->got == h->bcnt) {
		uint8_t cmd = h->cmd;
		uint16_t bcnt = h->bcnt;
		abort_msg(t);
		process(t, cid, cmd, h->msg, bcnt);
	}
}


void token_hid_tick(token_t *t, uint32_t now_ms)
{
	if (t->hid.cmd != 0 && now_ms - t->hid.last_ms > CTAPHID_TIMEOUT_MS) {
		uint32_t cid = t->hid.cid;
		abort_msg(t);
		send_error(t, cid, CTAPHID_ERR_MSG_TIMEOUT);
	}
}

bool token_hid_report_while_busy(token_t *t,
    const uint8_t report[TOKEN_HID_REPORT_LEN])
{
	uint32_t cid = rd_cid(report);
	if (!t->hid.busy) {
		token_hid_report_in(t, report);
		return false;
	}
	if ((report[4] & 0x80) == 0)
		return false; /* continuation: nothing is being assembled */
	if (report[4] == CTAPHID_CANCEL && cid == t->hid.cid) {
		t->hid.cancelled = true;
		return true;
	}
	uint32_t running = t->hid.cid;
	if (report[4] == CTAPHID_INIT && cid == CTAPHID_BROADCAST &&
	    report[5] == 0 && report[6] == 8) {
		do_init(t, cid, report + 7);
	} else if (cid != running) {
		send_error(t, cid, cid_valid(t, cid) ? CTAPHID_ERR_CHANNEL_BUSY
						     : CTAPHID_ERR_INVALID_CHANNEL);
	} else {
		send_error(t, cid, CTAPHID_ERR_CHANNEL_BUSY);
	}
	t->hid.cid = running; /* keepalives keep going to the running channel */
	return false;
}

bool token_cancelled(const token_t *t)
{
	return t->hid.cancelled;
}
