/*
 * ctap.h: CTAPHID and CTAP2 constants (CTAP 2.1 sections 8.1 and 6) and the
 * core's internal command handlers. Handlers get the CBOR parameters after
 * the command byte and write the CBOR response (without the status byte);
 * they return a CTAP status.
 */
#ifndef TOKEN_CTAP_H
#define TOKEN_CTAP_H

#include <stddef.h>
#include <stdint.h>

#include "token.h"

/* CTAPHID commands (with the init-packet bit). */
#define CTAPHID_PING 0x81u
#define CTAPHID_MSG 0x83u
#define CTAPHID_LOCK 0x84u
#define CTAPHID_INIT 0x86u
#define CTAPHID_WINK 0x88u
#define CTAPHID_CBOR 0x90u
#define CTAPHID_CANCEL 0x91u
#define CTAPHID_KEEPALIVE 0xBBu
#define CTAPHID_ERROR 0xBFu
#define CTAPHID_BROADCAST 0xFFFFFFFFu

/* CTAPHID_ERROR codes. */
#define CTAPHID_ERR_INVALID_CMD 0x01u
#define CTAPHID_ERR_INVALID_PAR 0x02u
#define CTAPHID_ERR_INVALID_LEN 0x03u
#define CTAPHID_ERR_INVALID_SEQ 0x04u
#define CTAPHID_ERR_MSG_TIMEOUT 0x05u
#define CTAPHID_ERR_CHANNEL_BUSY 0x06u
#define CTAPHID_ERR_LOCK_REQUIRED 0x0Au
#define CTAPHID_ERR_INVALID_CHANNEL 0x0Bu
#define CTAPHID_ERR_OTHER 0x7Fu

#define CTAPHID_CAP_WINK 0x01u
#define CTAPHID_CAP_CBOR 0x04u
#define CTAPHID_CAP_NMSG 0x08u

#define CTAPHID_TIMEOUT_MS 500u

/* CTAP2 commands. */
#define CTAP_CMD_MAKE_CREDENTIAL 0x01u
#define CTAP_CMD_GET_ASSERTION 0x02u
#define CTAP_CMD_GET_INFO 0x04u
#define CTAP_CMD_CLIENT_PIN 0x06u
#define CTAP_CMD_RESET 0x07u
#define CTAP_CMD_GET_NEXT_ASSERTION 0x08u
#define CTAP_CMD_BIO_ENROLLMENT 0x09u
#define CTAP_CMD_SELECTION 0x0Bu
#define CTAP_CMD_BIO_ENROLLMENT_PRE 0x40u
/* 0x40 and 0x41 are the CTAP 2.1 prototypes of bioEnrollment and
 * credentialManagement that libfido2 sends to tokens without the final
 * commands: a vendor command must not sit there (docs/0653). */
#define TOKEN_CMD_VENDOR_FACE 0x50u

/* CTAP status codes. */
#define CTAP2_OK 0x00
#define CTAP1_ERR_INVALID_COMMAND 0x01
#define CTAP1_ERR_INVALID_PARAMETER 0x02
#define CTAP1_ERR_INVALID_LENGTH 0x03
#define CTAP1_ERR_INVALID_SEQ 0x04
#define CTAP1_ERR_TIMEOUT 0x05
#define CTAP1_ERR_CHANNEL_BUSY 0x06
#define CTAP2_ERR_CBOR_UNEXPECTED_TYPE 0x11
#define CTAP2_ERR_INVALID_CBOR 0x12
#define CTAP2_ERR_MISSING_PARAMETER 0x14
#define CTAP2_ERR_LIMIT_EXCEEDED 0x15
#define CTAP2_ERR_CREDENTIAL_EXCLUDED 0x19
#define CTAP2_ERR_PROCESSING 0x21
#define CTAP2_ERR_INVALID_CREDENTIAL 0x22
#define CTAP2_ERR_USER_ACTION_PENDING 0x23
#define CTAP2_ERR_OPERATION_PENDING 0x24
#define CTAP2_ERR_NO_OPERATIONS 0x25
#define CTAP2_ERR_UNSUPPORTED_ALGORITHM 0x26
#define CTAP2_ERR_OPERATION_DENIED 0x27
#define CTAP2_ERR_KEY_STORE_FULL 0x28
#define CTAP2_ERR_UNSUPPORTED_OPTION 0x2B
#define CTAP2_ERR_INVALID_OPTION 0x2C
#define CTAP2_ERR_KEEPALIVE_CANCEL 0x2D
#define CTAP2_ERR_NO_CREDENTIALS 0x2E
#define CTAP2_ERR_USER_ACTION_TIMEOUT 0x2F
#define CTAP2_ERR_NOT_ALLOWED 0x30
#define CTAP2_ERR_PIN_INVALID 0x31
#define CTAP2_ERR_PIN_BLOCKED 0x32
#define CTAP2_ERR_PIN_AUTH_INVALID 0x33
#define CTAP2_ERR_PIN_AUTH_BLOCKED 0x34
#define CTAP2_ERR_PIN_NOT_SET 0x35
#define CTAP2_ERR_PUAT_REQUIRED 0x36
#define CTAP2_ERR_PIN_POLICY_VIOLATION 0x37
#define CTAP2_ERR_REQUEST_TOO_LARGE 0x39
#define CTAP2_ERR_ACTION_TIMEOUT 0x3A
#define CTAP2_ERR_UP_REQUIRED 0x3B
#define CTAP2_ERR_UV_BLOCKED 0x3C
#define CTAP2_ERR_INTEGRITY_FAILURE 0x3D
#define CTAP2_ERR_INVALID_SUBCOMMAND 0x3E
#define CTAP2_ERR_UV_INVALID 0x3F
#define CTAP2_ERR_UNAUTHORIZED_PERMISSION 0x40
#define CTAP1_ERR_OTHER 0x7F

/* Handlers (ctap_*.c). */
int ctap_get_info(token_t *t, uint8_t *resp, size_t cap, size_t *len);
int ctap_make_credential(token_t *t, const uint8_t *req, size_t n,
    uint8_t *resp, size_t cap, size_t *len);
int ctap_get_assertion(token_t *t, const uint8_t *req, size_t n,
    uint8_t *resp, size_t cap, size_t *len);
int ctap_get_next_assertion(token_t *t, uint8_t *resp, size_t cap, size_t *len);
int ctap_client_pin(token_t *t, const uint8_t *req, size_t n, uint8_t *resp,
    size_t cap, size_t *len);
int ctap_reset(token_t *t);

/* Runs one CTAP2 command (cmd byte + CBOR) and writes status + CBOR into
 * resp; returns the response length. */
size_t ctap_dispatch(token_t *t, const uint8_t *msg, size_t n, uint8_t *resp,
    size_t cap);

#endif /* TOKEN_CTAP_H */
