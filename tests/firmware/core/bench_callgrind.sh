#!/bin/sh
# bench_callgrind.sh BENCH_GA_INPROC: instructions executed inside one
# getAssertion (ctap_get_assertion and everything it calls) on the host
# build, counted by callgrind: a proxy for the cost on the Cortex-M4.
set -eu
prog=$1
if ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIP: valgrind not installed"
	exit 0
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out" \
	--toggle-collect=ctap_get_assertion "$prog" 1 >/dev/null 2>&1
ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out" | head -n 1)
if [ -z "$ir" ]; then
	ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out" | head -n 1)
fi
echo "callgrind: one getAssertion (ES256 sign, allowList unwrap, counter write) = $ir instructions (x86-64 host build)"
