#!/usr/bin/env bash
# Journey 5: lose and reissue, at the NGO. The worker's token and phone are
# gone (taken by the employer, say). The NGO checks the worker in person
# again; a new token is enrolled; the vault comes back from the encrypted
# backup the NGO kept, opened with the recovery key from the worker's paper;
# the old token's slot is removed and the new token's added; a new device
# key gets the credentials reissued; the old ones are revoked through the
# registry and a new status list is published. At the checkpoint, the old
# response presented again is rejected as revoked; the new one is accepted.
. "$(dirname "$0")/lib.sh"
j_begin 5 "lose and reissue"
j_require 1 3
NGO=$J_STATE/ngo W=$J_STATE/wire P=$J_STATE/phone O=$J_STATE/officer
token_stop_all
# From here on the worker's first token and phone are gone: journeys 1-4
# no longer describe this state directory (a later run of them starts over).
rm -f "$J_STATE"/results/[1-4]
rm -rf "$J_STATE/token/t2" "$J_STATE/lost"
mkdir -p "$J_STATE/lost"

party "the worker's token and phone are gone"
# What a captor holds: the old token and the old phone's vault. Kept apart
# (lost/) so that nothing below can use them; the old response is what a
# captor could replay at a checkpoint.
mv "$J_STATE/token/t1" "$J_STATE/lost/token"
mv "$P/vault" "$J_STATE/lost/vault"
cp "$O/request.cbor" "$J_STATE/lost/old-request.cbor"
cp "$W"/response*.png "$J_STATE/lost/"
say "lost: the token (its templates are locked in it) and the phone (its vault is encrypted)"

party "NGO desk: the worker comes back (case $WORKER_CASE)"
say "the case worker must check, in person, before anything is reissued:"
say "  - the worker's face against the passport copy the worker still has, or the embassy's"
say "    emergency travel document; no reissue on a phone call or a relative's word"
say "  - the worker answers alone; the recruiter or employer is not in the room"
say "  - the worker knows the case: the registry rows below (types, dates), not their content"
say "  - the worker still has the recovery words on paper (without them the vault stays closed)"
say "no biometric comparison at the desk: the NGO keeps no reference of the worker (the"
say "protected-reference check of DESIGN.md is not built); the in-person check and the"
say "recovery words carry the proof, and the new token is enrolled afresh below"
step "registry rows the case worker goes through" reg "$ISSUER" registry list --dir "$NGO" --worker "$WORKER_CASE"
show
old_ids=$(awk '/case '"$WORKER_CASE"'/ && /active/ {print $1}' "$J_OUT" | paste -sd, -)

party "new token"
token_start t2 || j_end "the new token did not start"
T2=$(tsock t2)
step "new token PIN set by the worker" setpin "$JTOKEN" set-pin "$T2" "$TOKEN_PIN"
step "finger 'right index' enrolled on the new token" enrolA "$JTOKEN" enrol-finger "$T2" "$T2.ctl" \
	"$TOKEN_PIN" "right index" "$(fimg $FINGER_A 1)" "$(fimg $FINGER_A 2)" "$(fimg $FINGER_A 3)" \
	"$(fimg $FINGER_A 4)" "$(fimg $FINGER_A 8)"
step "finger 'left index' enrolled on the new token" enrolB "$JTOKEN" enrol-finger "$T2" "$T2.ctl" \
	"$TOKEN_PIN" "left index" "$(fimg $FINGER_B 1)" "$(fimg $FINGER_B 2)" "$(fimg $FINGER_B 3)" \
	"$(fimg $FINGER_B 4)" "$(fimg $FINGER_B 8)"
step "face enrolled on the new token" face "$JTOKEN" enrol-face "$T2" "$T2.ctl" "$TOKEN_PIN" face \
	"$(face_img $FACE_SUBJ 1)"

party "new phone: restore the vault"
crossed "NGO desk" "new phone" "encrypted vault backup" "$NGO/backups/$WORKER_CASE.amv"
rec() { "$@" 3<"$J_STATE/paper/recovery-words"; }
step "backup restored and every object checked, opened with the recovery words from paper" \
	import rec "$AMANA" vault import "$NGO/backups/$WORKER_CASE.amv" "$P/vault" --recovery-fd 3
show
rec "$AMANA" vault slots "$P/vault" list --recovery-fd 3 >"$J_STATE/log/5-slots" 2>&1
old_slot=$(awk '$3 == "token" {print $2; exit}' "$J_STATE/log/5-slots")
if [ -n "$old_slot" ]; then
	step "old token's slot $old_slot removed (the lost token can no longer open this vault)" \
		rmslot rec "$AMANA" vault slots "$P/vault" remove "$old_slot" --recovery-fd 3
else
	bad "no token slot found in the restored vault"
fi
step "new token's slot added" addtoken rec "$AMANA" vault slots "$P/vault" add-token "$T2" \
	--recovery-fd 3 --new-passphrase-fd 4 4< <(printf '%s\n' "$TOKEN_PIN")
if vault_open_finger t2 list "$AMANA" vault list "$P/vault"; then
	ok "the new token opens the restored vault"
	show
else
	bad "the new token does not open the restored vault"
fi

party "new phone: new device key"
# The restored vault still holds the old device key and the credentials
# bound to it: the old key may have been copied off the lost phone while it
# was open, so it is retired and a new one made.
rec "$AMANA" vault list "$P/vault" --json --recovery-fd 3 >"$J_STATE/log/5-entries" 2>&1
olds=$(grep -o '"name":"[^"]*","type":"record","kind":"\(device-key\|credential\)"' \
	"$J_STATE/log/5-entries" | cut -d'"' -f4)
for r in $olds; do
	step "old record '$r' removed" "rm-$r" rec "$AMANA" vault rm "$P/vault" "$r" --recovery-fd 3
done
[ -n "$olds" ] || bad "no device key or credential found in the restored vault"
finger_step "new device key created inside the vault" t2 keygen \
	"$AMANA" cred keygen --vault "$P/vault" -o "$W/device2.pub"
crossed "new phone" "NGO desk" "new device public key" "$W/device2.pub"

party "NGO desk: revoke the old credentials, reissue to the new key"
step "old issuances revoked in the status list and the registry" revoke "$ISSUER" registry revoke \
	--dir "$NGO" --worker "$WORKER_CASE" --reason "token and phone lost"
show
for name in identity entitlement; do
	type=$ID_TYPE
	[ $name = entitlement ] && type=$ENT_TYPE
	old=$(awk -v t="$type" '$4 == t {print $1}' "$J_STATE/log/5-reg" | head -1)
	claims "$name" "$NGO/claims-$name"
	idx=$("$ISSUER" status alloc --dir "$NGO" --uri "$STATUS_URI")
	step "$name reissued to the new device key, status entry #$idx" "issue-$name" "$ISSUER" issue \
		--dir "$NGO" --doctype "$type" --device-key "$W/device2.pub" \
		--claims "$NGO/claims-$name" --status-uri "$STATUS_URI" --status-idx "$idx" \
		-o "$W/$name-2.mdoc"
	step "reissue recorded (replaces issuance $old)" "record-$name" "$ISSUER" registry record \
		--dir "$NGO" --worker "$WORKER_CASE" --credential "$W/$name-2.mdoc" \
		--status-uri "$STATUS_URI" --status-idx "$idx" --replaces "$old" --by "desk 3 (case worker A. Tan)"
	rm -f "$NGO/claims-$name"
	crossed "NGO desk" "new phone" "$name credential" "$W/$name-2.mdoc"
	finger_step "$name credential checked and kept in the vault" t2 "import-$name" \
		"$AMANA" cred import "$W/$name-2.mdoc" --vault "$P/vault"
done
sleep 1 # the new list must be newer than the cached one (iat in seconds)
step "new status list published" publish "$ISSUER" status publish --dir "$NGO" --uri "$STATUS_URI" \
	--hours 24 -o "$W/status-list-2"
crossed "NGO desk" officers "new status list" "$W/status-list-2"
step "registry of case $WORKER_CASE now" reg2 "$ISSUER" registry list --dir "$NGO" --worker "$WORKER_CASE"
show

party "new phone: a new backup for the NGO"
rm -f "$NGO/backups/$WORKER_CASE.amv"
vault_open_finger t2 export "$AMANA" vault export "$P/vault" "$NGO/backups/$WORKER_CASE.amv" ||
	bad "new backup"
crossed "new phone" "NGO desk" "new encrypted backup" "$NGO/backups/$WORKER_CASE.amv"

party "labour officer: next day, the new status list loaded while online"
step "new status list loaded (replaces the older one in the cache)" load "$VERIFY" status load \
	--status-dir "$O/kit/status" --trust "$O/kit/trust-list" --trust-key "$O/kit/trust.pub" \
	"$W/status-list-2"
C=$O/checkpoint2
rm -rf "$C" && mkdir -p "$C" && cp -r "$O/kit/." "$C/"
offline_in "$C"
party "checkpoint: the old response, presented again (by a captor with the old phone)"
cp "$J_STATE/lost/old-request.cbor" "$C/old-request.cbor"
n=0 photos=()
for f in "$J_STATE"/lost/response*.png; do n=$((n + 1)); cp "$f" "$C/old-$n.png"; photos+=("old-$n.png"); done
run scanold "${OFF[@]}" "$VERIFY" qr scan "${photos[@]}" -o old-response.cbor || bad "scan of the old response"
refused "old response (its own request, signatures valid)" 1 "revoked" checkold \
	"${OFF[@]}" "$VERIFY" check old-response.cbor --request old-request.cbor --trust trust-list \
	--trust-key trust.pub --status-dir status --require-status
show

party "checkpoint: the worker with the new token"
step "officer's request" request "$VERIFY" request --doctype $ENT_TYPE --element given_name \
	--element family_name --element right_to_work --element permit_valid_until \
	--verifier "Labour inspection, Klang checkpoint 4" -o "$C/request.cbor" --qr "$W/request-2.png"
rm -f "$W"/response-2*.png
finger_step "worker consents and puts a finger on the new token; the phone answers" t2 present \
	"$AMANA" present "$W/request-2.png" --vault "$P/vault" --yes --qr "$W/response-2.png"
n=0 photos=()
for f in "$W"/response-2*.png; do n=$((n + 1)); cp "$f" "$C/new-$n.png"; photos+=("new-$n.png"); done
run scannew "${OFF[@]}" "$VERIFY" qr scan "${photos[@]}" -o response.cbor || bad "scan of the new response"
if run checknew "${OFF[@]}" "$VERIFY" check response.cbor --request request.cbor --trust trust-list \
	--trust-key trust.pub --status-dir status --require-status; then
	ok "new credential: ACCEPTED"
else
	bad "the new credential was rejected"
fi
show
token_stop t2
j_end "vault restored with the recovery words onto a new token, old token slot removed, credentials reissued to a new device key, old ones revoked (registry ids $old_ids): old response rejected as revoked, new one accepted"
