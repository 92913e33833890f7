#!/usr/bin/env bash
# What the parties never see. After the five journeys, the worker's
# fingerprint and face templates are computed the way the token computes
# them (journey-scan, with the simulator's own sensor code) and every file
# the journeys wrote outside the token is searched for any 16-byte window
# of them, of their ISO 19794-2 records and of the image files: the
# issuer's registry and keys, the verifier's inputs, the phone's vault and
# backup, everything that crossed, the logs. Positive control: the token's
# own flash, where the references do live, must be found to hold them.
. "$(dirname "$0")/lib.sh"
j_begin N "what the parties never see"
j_require 1 2 3 4 5
SCAN=$J_BUILD/tests/journeys/journey-scan
[ -x "$SCAN" ] || { echo "SKIP: journey-scan is not built (no sensor in this build)"; exit 77; }
needles=()
for f in $FINGER_A $FINGER_B $OTHER_FINGER; do
	for i in 1 2 3 4 5 6 7 8; do needles+=(--finger "$(fimg "$f" "$i")"); done
done
needles+=(--face "$(face_img $FACE_SUBJ 1)" --face "$(face_img $FACE_SUBJ 2)")
# The token's inside: its flash (and the lost token's). Everything else is outside.
inside=() outside=()
while IFS= read -r -d '' f; do
	case $f in
	"$J_STATE"/token/*/flash | "$J_STATE"/lost/token/flash) inside+=("$f") ;;
	*) outside+=("$f") ;;
	esac
done < <(find "$J_STATE" -type f -print0)
run scan "$SCAN" "${needles[@]}" -- "${inside[@]}" "${outside[@]}"
[ $? -le 1 ] || { bad "journey-scan failed"; show; j_end "not run"; }
SCANOUT=$J_STATE/log/N-scan-result
cp "$J_OUT" "$SCANOUT"
say "$(head -1 "$SCANOUT")"
grep -q "^selftest: a template planted" "$SCANOUT" && ok "self-test: a template planted in noise is found" ||
	bad "self-test"

party "positive control: the tokens' flash"
hits=0
for f in "${inside[@]}"; do grep -qxF "HIT $f" <(sed 's/ ([0-9]* windows)$//' "$SCANOUT") && hits=$((hits + 1)); done
[ $hits -gt 0 ] && ok "the references are found where they live: $hits of ${#inside[@]} flash files" ||
	bad "no template found in the tokens' flash: the scan would be blind"

scan_party() { # scan_party DESC FILE...
	local desc=$1; shift
	if [ $# = 0 ]; then bad "$desc: no files to scan"; return; fi
	local f n=0 total=0 dirty=()
	for f in "$@"; do
		if grep -q "^HIT $f (" "$SCANOUT"; then dirty+=("$f"); fi
		n=$((n + 1)); total=$((total + $(bytes "$f")))
	done
	if [ ${#dirty[@]} = 0 ]; then
		ok "$desc: $n files, $total bytes: no template, no image bytes"
	else
		bad "$desc: ${#dirty[@]} file(s) hold template or image bytes"
		for f in "${dirty[@]}"; do grep -F "FOUND  $f " "$SCANOUT" | head -2 | sed 's/^/          /'; done
	fi
}
party "NGO (issuer)"
scan_party "issuer's registry" "$J_STATE/ngo/registry.db"
mapfile -t ngo < <(find "$J_STATE/ngo" -type f)
scan_party "all the issuer's files (keys, status.db, registry.db, backups)" "${ngo[@]}"
party "officer (verifier)"
mapfile -t off < <(find "$J_STATE/officer" -type f)
scan_party "the verifier's inputs (trust list, status cache, requests, QR photos, responses)" "${off[@]}"
party "phone and paper"
mapfile -t ph < <(find "$J_STATE/phone" "$J_STATE/paper" -type f)
scan_party "vault, recovery words" "${ph[@]}"
party "everything outside the tokens"
scan_party "every file the journeys wrote outside the tokens (wire, logs, simulator logs)" "${outside[@]}"
party "secrets typed or written on paper"
leaks=$(grep -rlF -- "$PASSPHRASE" "$J_STATE" 2>/dev/null | wc -l)
[ "$leaks" = 0 ] && ok "the vault passphrase is in no file" || bad "the vault passphrase is in $leaks file(s)"
words=$(cut -d' ' -f1-4 "$J_STATE/paper/recovery-words")
leaks=$(grep -rlF -- "$words" "$J_STATE" 2>/dev/null | grep -v "^$J_STATE/paper/" | wc -l)
[ -n "$words" ] && [ "$leaks" = 0 ] && ok "the recovery words are on paper only" ||
	bad "the recovery words are in $leaks file(s) besides the paper"
[ $J_FAILS -gt 0 ] && j_end "template or image bytes found outside the tokens (see above)"
j_end "${#outside[@]} files outside the tokens hold no template, no ISO record and no image bytes of the worker; the tokens' flash does hold the references (control)"
