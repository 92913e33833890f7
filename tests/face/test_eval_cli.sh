#!/bin/sh
# amana-eval face: usage errors and exit codes; with the models and ORL, a
# two-subject run whose --json, --scores and --det outputs are checked.
# usage: test_eval_cli.sh PATH-TO-amana-eval
ev=$1
fail=0
expect() { # expect CODE DESCRIPTION CMD...
	want=$1; what=$2; shift 2
	out=$("$@" 2>&1); got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit $got, expected $want"; echo "$out"; fail=1
	else
		echo "ok: $what (exit $got)"
	fi
	LAST=$out
}
expect 0 "face --help" "$ev" face --help
echo "$LAST" | grep -q "usage: amana-eval face DIR" || { echo "FAIL: no usage line"; fail=1; }
expect 2 "no directory" "$ev" face
expect 2 "unknown option" "$ev" face /tmp --frobnicate
expect 2 "bad --subjects" "$ev" face /tmp --subjects zero
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
expect 4 "no subject folders" "$ev" face "$tmp"
echo "$LAST" | grep -q "no subject folders" || { echo "FAIL: message: $LAST"; fail=1; }
mkdir -p "$tmp/d/s1" && printf 'P2\n2 2\n255\n0 1\n2 3\n' > "$tmp/d/s1/1.pgm"
expect 3 "missing models" "$ev" face "$tmp/d" --models "$tmp/none"
echo "$LAST" | grep -q "cannot load the models" || { echo "FAIL: message: $LAST"; fail=1; }

orl=${AMANA_DATA:-}/faces/orl
models=${AMANA_MODEL_DIR:-/var/cache/amana/models}
if [ ! -f "$orl/s3/1.pgm" ] || [ ! -f "$models/fr_feature.onnx" ]; then
	echo "SKIP: ORL or the face models are missing; usage checks only"
	[ $fail = 0 ] && exit 77
	exit 1
fi
expect 0 "json run" "$ev" face "$orl" --subjects 3 --per-subject 3 --json \
	--scores "$tmp/s.txt" --det "$tmp/d.svg"
json=$(echo "$LAST" | tail -n 1)
for k in eer fnmr_at_fmr1e3 fnmr_at_fmr1e4 detected images genuine impostor; do
	echo "$json" | grep -q "\"$k\":" || { echo "FAIL: --json lacks $k"; fail=1; }
done
echo "$json" | grep -q '"images":9,' || { echo "FAIL: images != 9: $json"; fail=1; }
echo "$json" | grep -q '"genuine":9,"impostor":27,' || { echo "FAIL: pair counts: $json"; fail=1; }
[ "$(wc -l < "$tmp/s.txt")" -eq 36 ] || { echo "FAIL: score file has $(wc -l < "$tmp/s.txt") lines"; fail=1; }
head -c 4 "$tmp/d.svg" | grep -q "<svg" || { echo "FAIL: DET is not SVG"; fail=1; }
# Same images, another process: the same scores to the last digit.
expect 0 "second run" "$ev" face "$orl" --subjects 3 --per-subject 3 --scores "$tmp/s2.txt"
cmp -s "$tmp/s.txt" "$tmp/s2.txt" || { echo "FAIL: scores differ between runs"; fail=1; }
exit $fail
