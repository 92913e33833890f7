/*
 * amana/fido.h: the wallet's way to the worker's token.
 *
 * The token (the host simulator amana-token, or the Cortex-M4 image under
 * QEMU with its UART on a socket) speaks CTAPHID in raw 64-byte reports over
 * a UNIX stream socket (docs/0601-token-transport.md). This module plugs
 * that socket into libfido2 with fido_dev_set_io_functions(), so the wallet
 * and the tests use the ordinary libfido2 API (fido_dev_make_cred,
 * fido_dev_get_assert, fido_dev_set_pin, ...) end to end.
 *
 * It also offers a raw CTAPHID channel for what libfido2 has no API for
 * (the token's vendor command for face enrolment) and for protocol tests.
 */
#ifndef AMANA_FIDO_H
#define AMANA_FIDO_H

#include <stddef.h>
#include <stdint.h>

#ifndef AMANA_WUR
#define AMANA_WUR __attribute__((warn_unused_result))
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct fido_dev; /* libfido2's fido_dev_t */

/* Installs the socket transport on dev (before fido_dev_open); afterwards
 * fido_dev_open(dev, PATH) connects to the token's socket at PATH.
 * Errors: AMANA_ERR_ARG, AMANA_ERR_TOKEN_FIDO. */
int amana_fido_dev_use_socket(struct fido_dev *dev) AMANA_WUR;

/* fido_dev_new + amana_fido_dev_use_socket + fido_dev_open(path).
 * Free with fido_dev_close and fido_dev_free. Errors: AMANA_ERR_ARG,
 * AMANA_ERR_NOMEM, AMANA_ERR_TOKEN_CONNECT (libfido2 could not open it). */
int amana_fido_token_open(const char *path, struct fido_dev **dev) AMANA_WUR;

/* ---- raw CTAPHID over the same socket. */
typedef struct amana_ctaphid amana_ctaphid_t;

/* Connects and allocates a channel (CTAPHID_INIT). timeout_ms bounds every
 * later wait for a reply. Errors: AMANA_ERR_TOKEN_CONNECT, _PROTOCOL. */
int amana_ctaphid_open(amana_ctaphid_t **h, const char *path, int timeout_ms)
    AMANA_WUR;
void amana_ctaphid_free(amana_ctaphid_t **h);

/* The allocated channel id. */
uint32_t amana_ctaphid_cid(const amana_ctaphid_t *h);

/* One 64-byte report out / in (in: waits up to the timeout;
 * AMANA_ERR_TIMEOUT when nothing came). */
int amana_ctaphid_send_report(amana_ctaphid_t *h, const uint8_t report[64]);
int amana_ctaphid_recv_report(amana_ctaphid_t *h, uint8_t report[64]);

/* Sends message cmd (e.g. 0x90 CBOR) on the channel and receives the reply,
 * skipping KEEPALIVEs: *resp_cmd gets the reply's command (0xBF for a
 * CTAPHID error), resp the payload. */
int amana_ctaphid_xfer(amana_ctaphid_t *h, uint8_t cmd, const uint8_t *req,
    size_t len, uint8_t *resp_cmd, uint8_t *resp, size_t cap, size_t *resp_len);

/* A CTAP2 command: ctap_cmd + CBOR parameters; *status gets the CTAP
 * status byte, resp the CBOR after it. AMANA_ERR_TOKEN_CTAPHID when the
 * token answered a CTAPHID error instead. */
int amana_ctaphid_cbor(amana_ctaphid_t *h, uint8_t ctap_cmd, const uint8_t *cbor,
    size_t len, uint8_t *status, uint8_t *resp, size_t cap, size_t *resp_len);

#ifdef __cplusplus
}
#endif
#endif /* AMANA_FIDO_H */
