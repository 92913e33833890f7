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
step "the scanner finds a template planted in noise (self-test)" selftest "$SCAN" selftest "${needles[@]}"
say "$(head -1 "$J_OUT")"

# The token's inside: its flash (and the lost token's). Everything else is outside.
inside=() outside=()
while IFS= read -r -d '' f; do
	case $f in
	"$J_STATE"/token/*/flash | "$J_STATE"/lost/token/flash) inside+=("$f") ;;
	*) outside+=("$f") ;;
	esac
done < <(find "$J_STATE" -type f -print0)

party "positive control: the tokens' flash"
run inside "$SCAN" "${needles[@]}" -- "${inside[@]}"
[ $? = 1 ] && ok "the references are found where they live: $(tail -1 "$J_OUT" | sed 's/.*: //') (${#inside[@]} flash files)" ||
	bad "the scan does not find the templates in the token's flash (the check would be blind)"

scan_party() { # scan_party DESC FILE...
	local desc=$1; shift
	if [ $# = 0 ]; then bad "$desc: no files to scan"; return; fi
	if run "scan-$(echo "$desc" | tr -c 'a-z' '-')" "$SCAN" "${needles[@]}" -- "$@"; then
		ok "$desc: $# files, $(tail -1 "$J_OUT" | sed 's/scanned [0-9]* files (\([0-9]*\) bytes).*/\1 bytes/'), no template, no image bytes"
	else
		bad "$desc"
		grep FOUND "$J_OUT" | head -5 | sed 's/^/          /'
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
j_end "${#outside[@]} files outside the tokens hold no template, no ISO record and no image bytes of the worker; the tokens' flash does hold the references (control)"
