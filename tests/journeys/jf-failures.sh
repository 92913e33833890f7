#!/usr/bin/env bash
# The journeys' failure paths, each rejected with its reason: a wrong
# finger at the token, an expired credential (the verifier's clock moved
# past the credential's validity), a revoked credential, a forged issuer
# (a second root that the trust list does not name), a response replayed
# to a second request, and a truncated QR set. Builds on journeys 1 and 3.
. "$(dirname "$0")/lib.sh"
j_begin F "failure paths"
j_require 1 3
NGO=$J_STATE/ngo W=$J_STATE/wire P=$J_STATE/phone O=$J_STATE/officer
C=$O/failures
rm -rf "$C" && mkdir -p "$C" && cp -r "$O/kit/." "$C/"
cp "$O/request.cbor" "$C/request.cbor"
run scan "$VERIFY" qr scan "$W"/response*.png -o "$C/response.cbor" || bad "scan of journey 3's response"
offline_in "$C"
CHECK=("${OFF[@]}" "$VERIFY" check response.cbor --trust trust-list --trust-key trust.pub)
step "journey 3's response, as a baseline: accepted" baseline "${CHECK[@]}" --request request.cbor \
	--status-dir status --require-status

party "wrong finger"
token_start t1 || j_end "the token did not start"
sensor t1 finger "$(fimg $OTHER_FINGER 3)"
refused "someone else's finger on the worker's token: the phone cannot answer" 1 "does not match" wrongfinger \
	"$AMANA" present "$C/request.cbor" --vault "$P/vault" --yes -o "$J_STATE/log/never-written" \
	--token "$(tsock t1)"
[ ! -e "$J_STATE/log/never-written" ] && ok "no response was written" || bad "a response was written"

party "expired credential (the verifier's clock set past its validity)"
refused "entitlement valid until 2028-11-29, checked on 2029-01-15" 1 "credential expired" expired \
	"${CHECK[@]}" --request request.cbor --now 2029-01-15T00:00:00Z

party "replayed response"
step "the officer makes a second request (new nonce, new reader key)" req2 \
	"$VERIFY" request --doctype $ENT_TYPE --element family_name --element given_name \
	--element right_to_work --element permit_valid_until --element employer_name \
	--element work_location --verifier "Labour inspection, Klang checkpoint 4" -o "$C/request-2.cbor"
refused "journey 3's response offered for the second request" 1 "device signature invalid" replay \
	"${CHECK[@]}" --request request-2.cbor --status-dir status --require-status

party "truncated QR set"
step "response drawn as a set of small QR codes" qrset "$VERIFY" qr encode "$C/response.cbor" \
	--png "$C/set" --max-version 10
parts=$(ls "$C"/set-*.png | wc -l)
say "$parts codes; the phone's camera misses code 2"
rm -f "$C/set-2.png"
refused "scan of $((parts - 1)) of $parts codes" 4 "missing part(s) of $parts: 2" truncated \
	"$VERIFY" qr scan "$C"/set-*.png -o "$C/truncated.cbor"
[ ! -e "$C/truncated.cbor" ] && ok "no response was written" || bad "a truncated response was written"

party "forged issuer (a second root, not in the trust list)"
step "a forger sets up an authority of the same name" forgeinit "$ISSUER" init --dir "$J_STATE/forger" \
	--authority "Migrant Help Desk" --signer-name "MHD document signer 1" --country MY
claims entitlement "$J_STATE/forger/claims"
sed -i 's/^employer_name = .*/employer_name = Any Employer Sdn Bhd/' "$J_STATE/forger/claims"
# The forger's credential must reach a wallet that will present it: a
# wallet of its own here (the worker's vault would also hold the genuine one).
step "a wallet's device key" forgekey "$AMANA" cred keygen --wallet "$J_STATE/forger/wallet" \
	-o "$J_STATE/forger/device.pub"
step "forged entitlement issued to that key" forgeissue "$ISSUER" issue \
	--dir "$J_STATE/forger" --doctype $ENT_TYPE --device-key "$J_STATE/forger/device.pub" \
	--claims "$J_STATE/forger/claims" -o "$J_STATE/forger/entitlement.mdoc"
step "the wallet accepts it (it is bound to its key; the wallet has no trust list)" forgeimport \
	"$AMANA" cred import "$J_STATE/forger/entitlement.mdoc" --wallet "$J_STATE/forger/wallet"
step "presented for the officer's second request" forgepresent "$AMANA" present "$C/request-2.cbor" \
	--wallet "$J_STATE/forger/wallet" --yes -o "$C/forged.cbor"
refused "the forged credential" 1 "issuer not in the trust list" forged "${OFF[@]}" "$VERIFY" check forged.cbor \
	--request request-2.cbor --trust trust-list --trust-key trust.pub
grep -E "fail +trust" "$J_OUT" | sed 's/^/          /'

party "revoked credential"
id=$(awk -v t=$ENT_TYPE '$4 == t && /active/ {print $1}' <("$ISSUER" registry list --dir "$NGO" --worker "$WORKER_CASE") | head -1)
step "the NGO revokes the entitlement (registry issuance $id)" revoke "$ISSUER" registry revoke \
	--dir "$NGO" --id "$id" --reason "permit cancelled"
sleep 1 # a newer list than the cached one (iat in seconds)
step "new status list published" publish "$ISSUER" status publish --dir "$NGO" --uri "$STATUS_URI" \
	--hours 24 -o "$C/status-list"
step "the officer loads it while online" load "$VERIFY" status load --status-dir "$C/status" \
	--trust "$C/trust-list" --trust-key "$C/trust.pub" "$C/status-list"
refused "journey 3's response, checked again" 1 "credential revoked" revoked \
	"${CHECK[@]}" --request request.cbor --status-dir status --require-status
token_stop t1
j_end "wrong finger, expired, replayed, truncated QR set, forged issuer and revoked credential each rejected with its reason"
