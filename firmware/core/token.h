/*
 * token.h: the worker's token, a CTAP2.1 authenticator core.
 *
 * All state lives in one caller-provided token_t (no heap): the port
 * allocates it (statically on the Cortex-M image), fills a token_hal_t and
 * calls token_init(). Then it feeds every 64-byte HID report it receives to
 * token_hid_report_in() and calls token_tick() every few milliseconds (and
 * at least every 100 ms) so that reassembly timeouts fire. Responses leave
 * through hal->hid_send, synchronously, from inside those calls.
 *
 * A command runs to completion inside token_hid_report_in() (the core is
 * single-threaded): it sends CTAPHID_KEEPALIVE before it waits for user
 * presence or a sensor sample.
 *
 * token_init() is a power-up: it mounts the store, creates the device
 * secrets on the first boot, and forgets everything volatile (channels,
 * PIN/UV auth tokens, the key-agreement key, the count of consecutive wrong
 * PINs). authenticatorReset is allowed only within 10 s of token_init().
 */
#ifndef TOKEN_TOKEN_H
#define TOKEN_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"
#include "store.h"

/* Largest CTAPHID message (CBOR request or response) we assemble. */
#define TOKEN_MSG_MAX 2048u
/* Bytes reserved in token_t for firmware B's state (bio*.c, uv.c, face*.c);
 * their struct must _Static_assert that it fits. */
#define TOKEN_BIO_STATE_SIZE 4096u
/* Resident credential slots. */
#define TOKEN_RK_MAX 32u

/* Volatile CTAPHID state: one transaction at a time. */
typedef struct token_hid {
	uint32_t next_cid;      /* next channel id to allocate */
	uint32_t cid;           /* channel of the message being assembled */
	uint8_t cmd;            /* its command (0 when idle) */
	uint16_t bcnt;          /* its announced length */
	uint16_t got;           /* bytes received so far */
	uint8_t seq;            /* next expected sequence number */
	uint32_t last_ms;       /* time of its last packet */
	bool busy;              /* a CBOR command is running */
	bool cancelled;         /* ...and the host sent CTAPHID_CANCEL */
	uint8_t msg[TOKEN_MSG_MAX];
	uint8_t resp[TOKEN_MSG_MAX];
} token_hid_t;

/* Volatile PIN/UV auth protocol 2 state. */
typedef struct token_pin_state {
	uint8_t ka_priv[32];    /* key-agreement key (regenerated per power-up) */
	uint8_t ka_pub[64];     /* its public point x||y */
	uint8_t puat[32];       /* pinUvAuthToken */
	bool puat_valid;
	uint8_t permissions;    /* TOKEN_PERM_* granted to puat */
	bool rpid_set;
	uint8_t rpid_hash[32];  /* rpId the token is bound to */
	uint32_t puat_ms;       /* when puat was issued */
	bool uv_by_bio;         /* puat came from built-in UV */
	uint8_t wrong_in_row;   /* consecutive wrong PINs since power-up */
} token_pin_state_t;

/* getNextAssertion state. */
typedef struct token_ga_state {
	uint8_t n;              /* credentials left to return */
	uint8_t total;
	uint16_t keys[TOKEN_RK_MAX];
	uint8_t client_data_hash[32];
	uint8_t rpid_hash[32];
	uint8_t flags;          /* UP/UV of the original request */
	uint32_t ms;
} token_ga_state_t;

typedef struct token {
	token_hal_t hal;
	store_t store;
	token_hid_t hid;
	token_pin_state_t pin;
	token_ga_state_t ga;
	uint32_t boot_ms;       /* time of token_init */
	uint8_t cred_key[32];   /* wraps non-resident credential ids */
	uint8_t mac_key[32];    /* authenticates them */
	uint8_t cr_uv[32];      /* CredRandom derivation key, with UV */
	uint8_t cr_nouv[32];    /* ... without UV */
	uint8_t aaguid[16];
	_Alignas(8) uint8_t bio_state[TOKEN_BIO_STATE_SIZE]; /* firmware B */
} token_t;

/* Powers the token up. hal is copied. Errors: AMANA_ERR_ARG, AMANA_ERR_IO
 * (flash), AMANA_ERR_CRYPTO (RNG). */
int token_init(token_t *t, const token_hal_t *hal);

/* Feeds one received HID report (exactly 64 bytes). */
void token_hid_report_in(token_t *t, const uint8_t report[TOKEN_HID_REPORT_LEN]);

/* While a command runs (the core is inside hal.user_presence or
 * hal.sensor_take), a port that keeps reading its transport hands each
 * report here instead of to token_hid_report_in: INIT on broadcast is
 * answered, other channels get ERR_CHANNEL_BUSY, and CTAPHID_CANCEL on the
 * running channel returns true. The port's wait then gives up at once
 * (user_presence false, sensor_take AMANA_ERR_CANCELLED) and the command
 * answers CTAP2_ERR_KEEPALIVE_CANCEL. A port should also send
 * token_keepalive() at least every 100 ms while it waits. */
bool token_hid_report_while_busy(token_t *t,
    const uint8_t report[TOKEN_HID_REPORT_LEN]);

/* True when the host cancelled the running command. */
bool token_cancelled(const token_t *t);

/* Lets time pass: answers ERR_MSG_TIMEOUT to a message whose next packet
 * is more than 500 ms late, and expires the pinUvAuthToken. */
void token_tick(token_t *t, uint32_t now_ms);

/* Wipes secrets from RAM (the port calls it before it lets t go). */
void token_wipe(token_t *t);

/* ---- Services for command handlers (used by firmware B's bio/face code). */

/* pinUvAuthToken permissions (CTAP 2.1, 6.5.5.7). */
#define TOKEN_PERM_MC 0x01u
#define TOKEN_PERM_GA 0x02u
#define TOKEN_PERM_CM 0x04u
#define TOKEN_PERM_BE 0x08u
#define TOKEN_PERM_LBW 0x10u
#define TOKEN_PERM_ACFG 0x20u

/* Checks pinUvAuthParam (param, param_len) = authenticate(pinUvAuthToken,
 * msg) for PIN/UV auth protocol proto and that the token holds permission
 * perm. Returns a CTAP status: 0, CTAP2_ERR_PIN_AUTH_INVALID,
 * CTAP1_ERR_INVALID_PARAMETER (protocol), CTAP2_ERR_PIN_NOT_SET. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((warn_unused_result))
#endif
int token_pin_auth_check(token_t *t, uint8_t perm, uint64_t proto,
    const uint8_t *msg, size_t msg_len, const uint8_t *param, size_t param_len);

/* True when a PIN has been set. */
bool token_pin_is_set(token_t *t);

/* Sends CTAPHID_KEEPALIVE(status) on the current channel
 * (1 = processing, 2 = user presence needed). */
void token_keepalive(token_t *t, uint8_t status);

/* Asks for user presence (keepalive + HAL), true when given. */
bool token_user_presence(token_t *t);

#endif /* TOKEN_TOKEN_H */
