#!/usr/bin/env bash
# Revocation through the programs people run, with the response carried
# as QR codes: the NGO keeps a status list and issues a credential with a
# reference into it; the officer loads the published list while online;
# the worker presents as QR codes (amana present --qr), the officer scans
# them (amana-verify qr scan) and checks with the cached list: accepted.
# Then suspended, reinstated and revoked, each followed by publish + load:
# rejected, accepted, rejected. Finally an expired list: rejected, or
# accepted with a warning under --status-expired warn.
# Arguments: amana-issuer amana-verify amana.
set -u
ISSUER=$1 VERIFY=$2 AMANA=$3
for p in "$ISSUER status" "$VERIFY status" "$VERIFY qr"; do
	$p --help >/dev/null 2>&1 || { echo "SKIP: '$p' is not a command yet"; exit 77; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
step() { # step WANT_EXIT CMD...
	local want=$1; shift
	"$@" >"$T/out" 2>&1; local got=$?
	if [ "$got" = "$want" ]; then echo "ok ($got): ${*##*/}"; else
		fails=$((fails + 1)); echo "FAIL (exit $got, want $want): $*"; cat "$T/out"; fi
}
has() { if grep -q -- "$1" "$T/out"; then echo "ok: says '$1'"; else
	fails=$((fails + 1)); echo "FAIL: output lacks '$1'"; cat "$T/out"; fi; }

ID=org.amana.worker.identity.1
URI=https://ngo.example.org/status/workers
step 0 "$ISSUER" init --dir "$T/iss" --authority "Test Authority" --country MY
step 0 "$ISSUER" status create --dir "$T/iss" --uri $URI --bits 2 --size 8192
IDX=$("$ISSUER" status alloc --dir "$T/iss" --uri $URI)
step 0 "$AMANA" cred keygen --wallet "$T/w" -o "$T/dev.pub"
cat >"$T/claims" <<'CLAIMS'
family_name = Rahman
given_name = Nusrat
birth_date = 1994-03-17
nationality = BGD
id_document_type = passport
id_document_number = EB0123456
id_document_issuer = Department of Immigration and Passports, Dhaka
verification_level = 2
verification_date = 2026-09-01
verified_by = Migrant Help Desk
CLAIMS
step 0 "$ISSUER" issue --dir "$T/iss" --doctype $ID --device-key "$T/dev.pub" \
	--claims "$T/claims" --status-uri $URI --status-idx "$IDX" -o "$T/id.mdoc"
step 0 "$AMANA" cred import "$T/id.mdoc" --wallet "$T/w"

publish_and_load() {
	sleep 1 # each list must be newer than the cached one (iat in seconds)
	step 0 "$ISSUER" status publish --dir "$T/iss" --uri $URI --hours 24 -o "$T/list.cwt"
	step 0 "$VERIFY" status load --status-dir "$T/cache" --root "$T/iss/root.crt" "$T/list.cwt"
}
present_and_check() { # present_and_check WANT_EXIT [check options]
	local want=$1; shift
	rm -f "$T"/resp*.png "$T/resp.cbor"
	step 0 "$VERIFY" request --doctype $ID --element family_name --element given_name \
		--element birth_date --element nationality --verifier "Border post 7" -o "$T/req.cbor"
	step 0 "$AMANA" present "$T/req.cbor" --wallet "$T/w" --yes --qr "$T/resp.png"
	step 0 "$VERIFY" qr scan "$T"/resp*.png -o "$T/resp.cbor"
	step "$want" "$VERIFY" check "$T/resp.cbor" --request "$T/req.cbor" --root "$T/iss/root.crt" \
		--status-dir "$T/cache" --require-status "$@"
}

publish_and_load
present_and_check 0
has ACCEPTED
# status checked: the first line carries no "NOT checked" note
has "DeviceResponse: ACCEPTED$"
step 0 "$ISSUER" status suspend --dir "$T/iss" --uri $URI --idx "$IDX"
publish_and_load
present_and_check 1
has "credential suspended"
step 0 "$ISSUER" status reinstate --dir "$T/iss" --uri $URI --idx "$IDX"
publish_and_load
present_and_check 0
step 0 "$ISSUER" status revoke --dir "$T/iss" --uri $URI --idx "$IDX"
publish_and_load
present_and_check 1
has "credential revoked"
present_and_check 1 --json
has '"accepted":false'

# An expired list (published for 1 hour, checked 2 hours later).
step 0 "$ISSUER" init --dir "$T/iss2" --authority "Second Authority" --country MY
step 0 "$ISSUER" status create --dir "$T/iss2" --uri $URI --size 1024
IDX2=$("$ISSUER" status alloc --dir "$T/iss2" --uri $URI)
step 0 "$AMANA" cred keygen --wallet "$T/w2" -o "$T/dev2.pub"
step 0 "$ISSUER" issue --dir "$T/iss2" --doctype $ID --device-key "$T/dev2.pub" \
	--claims "$T/claims" --status-uri $URI --status-idx "$IDX2" -o "$T/id2.mdoc"
step 0 "$AMANA" cred import "$T/id2.mdoc" --wallet "$T/w2"
step 0 "$ISSUER" status publish --dir "$T/iss2" --uri $URI --hours 1 -o "$T/list2.cwt"
step 0 "$VERIFY" status load --status-dir "$T/cache2" --root "$T/iss2/root.crt" "$T/list2.cwt"
step 0 "$VERIFY" request --doctype $ID --element family_name --verifier "Border post 7" -o "$T/req2.cbor"
step 0 "$AMANA" present "$T/req2.cbor" --wallet "$T/w2" --yes -o "$T/resp2.cbor"
LATER=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)
CHECK2=("$VERIFY" check "$T/resp2.cbor" --request "$T/req2.cbor" --root "$T/iss2/root.crt" --status-dir "$T/cache2" --require-status)
step 0 "${CHECK2[@]}"
step 1 "${CHECK2[@]}" --now "$LATER"
has "status list expired"
step 0 "${CHECK2[@]}" --now "$LATER" --status-expired warn
has "expired"

echo "$fails failed"
[ "$fails" = 0 ]
