#!/bin/sh
# bench_callgrind.sh BENCH_BIO: instructions per fingerprint comparison as
# the token runs it (unpack of the stored reference + MCC comparison,
# bio_fp_score_ref), counted by callgrind on the host build: a proxy for the
# Cortex-M4 count (firmware C measures that under QEMU). Genuine and
# impostor pairs of FVC2002 DB1_B, through the simulator's sensor.
set -eu
bench=$1
data=${AMANA_DATA:-}
if [ -z "$data" ] || [ ! -r "$data/fvc2002/DB1_B/101_1.tif" ]; then
	echo "SKIP: no FVC2002 data (AMANA_DATA)"; exit 77
fi
if ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIP: valgrind is not installed"; exit 77
fi
n=20
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() { # probe reference label
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" \
		--collect-atstart=no --toggle-collect=bio_fp_score_ref \
		"$bench" --compare $n "$1" "$2" >"$tmp/out" 2>"$tmp/err" || {
		cat "$tmp/err" >&2; exit 1; }
	ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$tmp/cg")
	[ -n "$ir" ] || ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$tmp/cg")
	echo "$3: $((ir / n)) instructions per comparison ($(cat "$tmp/out"))"
}
d="$data/fvc2002/DB1_B"
count "$d/101_2.tif" "$d/101_1.tif" "genuine 101_2 vs 101_1"
count "$d/102_1.tif" "$d/101_1.tif" "impostor 102_1 vs 101_1"
count "$d/105_3.tif" "$d/105_6.tif" "genuine 105_3 vs 105_6"
