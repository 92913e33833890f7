/*
 * test_cm4_robust.c: malformed CTAPHID traffic against the Cortex-M4 image
 * under QEMU. The host port has a libFuzzer target over the same entry
 * point; this replays that target's corpus (tests/firmware/core/corpus/
 * fuzz_token_hid, each input in its own format: raw reports, or one framed
 * CTAP2 message on a fresh channel) and 500 reports of seeded random
 * garbage on the real UART, where alignment, stack and timing are the
 * target's own. The token must never fault (QEMU would exit 99) and must
 * still answer libfido2's getInfo at the end.
 *
 * Usage: test_cm4_robust TOKEN_ELF|none CORPUS_DIR
 */
#include <dirent.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fido.h>

#include "amana/fido.h"
#include "check.h"
#include "cm4_qemu.h"

static unsigned long reports_in, reports_out;
static const uint8_t *want_nonce;
static uint32_t got_cid;

/* The token blocks for up to 10 s inside a command that waits for the
 * sensor (BIO_CAPTURE_TIMEOUT_MS); longer than this without reading or
 * writing a byte is a hang. */
#define STALL_MS 15000

/* Takes in whatever the token has sent; returns bytes read, -1 on EOF. */
static int take(int fd)
{
	static uint8_t r[64];
	static size_t have;
	ssize_t n = read(fd, r + have, sizeof(r) - have);
	if (n <= 0)
		return -1;
	have += (size_t)n;
	if (have == sizeof(r)) {
		have = 0;
		reports_out++;
		/* An INIT answer to our nonce carries the new channel id. */
		if (want_nonce != NULL && r[4] == 0x86 &&
		    memcmp(r + 7, want_nonce, 8) == 0)
			got_cid = (uint32_t)r[15] << 24 | (uint32_t)r[16] << 16 |
			    (uint32_t)r[17] << 8 | r[18];
	}
	return (int)n;
}

/* Reads until quiet_ms pass without a byte. */
static void drain(int fd, int quiet_ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	while (poll(&p, 1, quiet_ms) > 0 && take(fd) > 0)
		;
}

/* Writes one report while reading what comes back: the token cannot take
 * input while its own output is stuck, so a blocking write could deadlock. */
static int send_report(int fd, const uint8_t r[64])
{
	size_t off = 0;
	reports_in++;
	while (off < 64) {
		struct pollfd p = {fd, POLLIN | POLLOUT, 0};
		if (poll(&p, 1, STALL_MS) <= 0)
			return -1;
		if ((p.revents & POLLIN) && take(fd) < 0)
			return -1;
		if (p.revents & POLLOUT) {
			ssize_t n = write(fd, r + off, 64 - off);
			if (n <= 0)
				return -1;
			off += (size_t)n;
		}
		if (p.revents & (POLLERR | POLLHUP))
			return -1;
	}
	return 0;
}

static int send_framed(int fd, uint32_t cid, uint8_t cmd, const uint8_t *p,
    size_t n)
{
	uint8_t r[64];
	memset(r, 0, sizeof(r));
	r[0] = (uint8_t)(cid >> 24);
	r[1] = (uint8_t)(cid >> 16);
	r[2] = (uint8_t)(cid >> 8);
	r[3] = (uint8_t)cid;
	r[4] = cmd;
	r[5] = (uint8_t)(n >> 8);
	r[6] = (uint8_t)n;
	size_t k = n < 57 ? n : 57;
	memcpy(r + 7, p, k);
	if (send_report(fd, r) != 0)
		return -1;
	for (uint8_t seq = 0; k < n && seq < 128; seq++) {
		size_t c = n - k < 59 ? n - k : 59;
		memset(r + 4, 0, 60);
		r[4] = seq;
		memcpy(r + 5, p + k, c);
		if (send_report(fd, r) != 0)
			return -1;
		k += c;
	}
	return 0;
}

/* One corpus input, in fuzz_token_hid's format. */
static int replay(int fd, const uint8_t *d, size_t size)
{
	if (size < 1)
		return 0;
	if (d[0] & 1) {
		static const uint8_t nonce[8] = {'c', 'm', '4', 'r', 'o', 'b', 'u', 's'};
		want_nonce = nonce;
		got_cid = 0;
		if (send_framed(fd, 0xFFFFFFFFu, 0x86, nonce, sizeof(nonce)) != 0)
			return -1;
		struct pollfd p = {fd, POLLIN, 0};
		while (got_cid == 0 && poll(&p, 1, STALL_MS) > 0 && take(fd) > 0)
			;
		want_nonce = NULL;
		if (got_cid == 0)
			return -1; /* the token stopped answering INIT */
		size_t n = size - 1 > 2048 ? 2048 : size - 1;
		if (send_framed(fd, got_cid, 0x90, d + 1, n) != 0)
			return -1;
	} else {
		for (size_t off = 1; off < size; off += 64) {
			uint8_t r[64];
			size_t k = size - off < 64 ? size - off : 64;
			memset(r, 0, sizeof(r));
			memcpy(r, d + off, k);
			if (send_report(fd, r) != 0)
				return -1;
		}
	}
	return 0; /* replies are read while the next input is written */
}

int main(int argc, char **argv)
{
	cm4_qemu_t q;
	if (argc < 3 || strcmp(argv[1], "none") == 0)
		SKIP("Cortex-M4 token image not built: %s",
		    getenv("CM4_SKIP_REASON") && getenv("CM4_SKIP_REASON")[0]
		    ? getenv("CM4_SKIP_REASON") : "firmware core not in the build");
	if (system("command -v qemu-system-arm >/dev/null 2>&1") != 0)
		SKIP("qemu-system-arm not found");
	DIR *dir = opendir(argv[2]);
	if (dir == NULL)
		SKIP("no corpus at %s", argv[2]);
	/* No -icount: the token's 500 ms reassembly timeout runs in real time. */
	if (cm4_qemu_start(&q, argv[1], "", 0) != 0) {
		closedir(dir);
		CHECK(0);
		cm4_qemu_stop(&q);
		return check_done();
	}
	int fd = cm4_qemu_connect_hid(&q);
	CHECK(fd >= 0);
	size_t inputs = 0;
	struct dirent *e;
	static uint8_t buf[8192];
	while (fd >= 0 && (e = readdir(dir)) != NULL) {
		char path[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[2], e->d_name);
		FILE *f = fopen(path, "rb");
		if (f == NULL)
			continue;
		size_t n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (replay(fd, buf, n) != 0) {
			fprintf(stderr, "corpus input %s: the token stopped answering\n",
			    e->d_name);
			CHECK(0);
			break;
		}
		inputs++;
	}
	closedir(dir);
	/* Seeded garbage: random channels, commands, lengths, sequences. */
	uint64_t x = 0x243F6A8885A308D3ull;
	for (int i = 0; fd >= 0 && i < 500; i++) {
		uint8_t r[64];
		for (size_t k = 0; k < sizeof(r); k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			r[k] = (uint8_t)x;
		}
		if (i % 3 == 0) /* often the broadcast or the first channels */
			memcpy(r, (i % 2) ? "\xff\xff\xff\xff" : "\x00\x00\x00\x01", 4);
		if (send_report(fd, r) != 0) {
			fprintf(stderr, "random report %d: the token stopped reading\n", i);
			CHECK(0);
			break;
		}
	}
	drain(fd, 100);
	if (fd >= 0)
		close(fd);
	printf("replayed %zu corpus inputs and 500 random reports: %lu reports "
	    "in, %lu out\n", inputs, reports_in, reports_out);
	CHECK(inputs > 0);
	CHECK(reports_out > 0);

	/* Still alive, and a half-sent message has timed out: getInfo works. */
	struct timespec ts = {1, 200000000L};
	nanosleep(&ts, NULL);
	CHECK(cm4_qemu_alive(&q));
	fido_init(0);
	fido_dev_t *dev = fido_dev_new();
	int rc = -1;
	if (dev != NULL && amana_fido_dev_use_socket(dev) == 0 &&
	    fido_dev_open(dev, q.hid) == FIDO_OK) {
		fido_cbor_info_t *ci = fido_cbor_info_new();
		rc = fido_dev_get_cbor_info(dev, ci);
		fido_cbor_info_free(&ci);
		fido_dev_close(dev);
	}
	fido_dev_free(&dev);
	CHECK_EQ(rc, FIDO_OK);
	CHECK(cm4_qemu_alive(&q));
	cm4_qemu_stop(&q);
	return check_done();
}
