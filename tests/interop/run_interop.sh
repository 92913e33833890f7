#!/usr/bin/env bash
# run_interop.sh MODE HELPER SCRIPTS SCHEMAS: one direction of the Node.js
# interop test (docs/0403-interop.md).
#   amana-to-animo: amana issues and presents; @animo-id/mdoc verifies.
#   animo-to-amana: @animo-id/mdoc issues and presents; amana verifies.
# Skips (77) when node or the pinned npm packages are missing
# (tools/setup.d/40-interop-npm installs them into $AMANA_CACHE/npm/interop).
set -u
mode=$1 helper=$2 scripts=$3 schemas=$4
export AMANA_NPM_INTEROP=${AMANA_NPM_INTEROP:-${AMANA_CACHE:-/var/cache/amana}/npm/interop}
if ! command -v node >/dev/null 2>&1; then
	echo "SKIP: node not found"; exit 77
fi
if [ ! -f "$AMANA_NPM_INTEROP/node_modules/@animo-id/mdoc/package.json" ]; then
	echo "SKIP: @animo-id/mdoc not installed in $AMANA_NPM_INTEROP (run tools/setup)"; exit 77
fi
echo "node $(node --version), @animo-id/mdoc $(node -p "require('$AMANA_NPM_INTEROP/node_modules/@animo-id/mdoc/package.json').version")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case $mode in
amana-to-animo)
	"$helper" amana-response "$schemas" "$work" || exit 1
	node "$scripts/verify_amana.mjs" "$work" || exit 1
	;;
animo-to-amana)
	"$helper" animo-setup "$work" || exit 1
	node "$scripts/issue_animo.mjs" "$work" || exit 1
	"$helper" animo-check "$work" || exit 1
	# Tampering must be caught by our verifier too: one byte of an
	# element value changed.
	python3 - "$work/response.cbor" <<'PY' || exit 1
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
i = b.find(b'elementValue')
b[i + len('elementValue') + 2] ^= 1
open(p, 'wb').write(b)
PY
	if "$helper" animo-check "$work" >/dev/null; then
		echo "FAIL: a tampered @animo-id/mdoc response was accepted"; exit 1
	fi
	echo "tampered response rejected"
	;;
*)
	echo "unknown mode $mode"; exit 2 ;;
esac
