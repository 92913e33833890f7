#!/bin/sh
# run_qemu.sh IMAGE [--icount] [--expect N] [ARGS...]: runs a Cortex-M4 test image under QEMU
# (mps2-an386) and exits with the image's semihosting exit code.
# IMAGE "none" (cross build skipped) and a missing qemu-system-arm are SKIPs
# (exit 77) with the reason; CM4_SKIP_REASON carries meson's.
# The image's UARTs are not connected; ARGS reach it via -append.
# --icount: one instruction per virtual nanosecond (-icount shift=0).
# --expect N: the image must exit N (default 0); the script then exits 0.
set -u
img="$1"
shift
icount=""
expect=0
while :; do
	case "${1:-}" in
	--icount) icount="-icount shift=0"; shift ;;
	--expect) expect=$2; shift 2 ;;
	*) break ;;
	esac
done
if [ "$img" = none ]; then
	echo "SKIP: Cortex-M4 image not built: ${CM4_SKIP_REASON:-cross build skipped}"
	exit 77
fi
if ! command -v qemu-system-arm >/dev/null 2>&1; then
	echo "SKIP: qemu-system-arm not found (Debian qemu-system-arm)"
	exit 77
fi
# A hang (a polling loop with no input) becomes a failure, not a stuck suite.
timeout -k 5 "${CM4_TIMEOUT:-50}" qemu-system-arm -M mps2-an386 \
	-display none -monitor none -serial null -serial null \
	-semihosting-config enable=on,target=native $icount \
	-kernel "$img" -append "$*"
rc=$?
if [ "$rc" -ne "$expect" ]; then
	echo "FAIL: the image exited $rc, expected $expect"
	exit 1
fi
exit 0
