#!/usr/bin/env bash
# Journey 1: enrol and issue, at the NGO desk. The NGO checks the worker in
# person; the worker's new token gets a PIN, two fingers and a face (images
# go to the token's sensor, templates stay on the token); the worker's
# phone creates the vault (passphrase, recovery key on paper, token slot,
# duress PIN with a decoy) and a device key inside the vault; the NGO issues an identity and
# an entitlement credential bound to that key, each with a status-list
# entry, and records both in its registry; the phone keeps them in the
# vault and hands the NGO an encrypted backup it cannot open.
. "$(dirname "$0")/lib.sh"
j_begin 1 "enrol and issue"
token_stop_all
rm -rf "${J_STATE:?}"/{ngo,token,phone,paper,officer,wire,authority,results}/* "$J_STATE"/log/1-*
mkdir -p "$J_STATE/authority" "$J_STATE/ngo/backups"
NGO=$J_STATE/ngo W=$J_STATE/wire P=$J_STATE/phone AUTH=$J_STATE/authority

party "trust-list authority (labour ministry): once"
step "trust-list signing key created" trustkey "$ISSUER" trust-key -o "$AUTH/trust.key"
party "NGO desk: issuing authority set-up (once)"
step "authority root and document signer created" init "$ISSUER" init --dir "$NGO" \
	--authority "Migrant Help Desk" --signer-name "MHD document signer 1" --country MY
say "$(grep -o 'root certificate SHA-256 .*' "$J_OUT" | cut -c1-48)..."
step "status list created (131072 entries, 1 bit each)" stcreate "$ISSUER" status create \
	--dir "$NGO" --uri "$STATUS_URI" --size 131072
step "authority signs the trust list naming the NGO's root (valid 3 years)" trustlist "$ISSUER" trust-list \
	--signer "$AUTH/trust.key" --root "Migrant Help Desk=$NGO/root.crt" --days 1100 -o "$W/trust-list"
crossed authority officers "trust list" "$W/trust-list"
crossed authority officers "trust-list key to pin (hex)" "$AUTH/trust.key.pub"

party "NGO desk: in-person check of case $WORKER_CASE"
say "the case worker checks, and the registry records only the case reference:"
say "  - passport EB0123456 (Bangladesh) seen, photo page compared with the worker's face"
say "  - the worker answers alone, without the recruiter in the room"
say "  - contract terms read aloud in Bengali; recruitment fees: none paid"
say "  verification level 2 (documents seen)"

party "worker's token: new, enrolled at the desk"
token_start t1 || j_end "the token did not start"
T1=$(tsock t1)
step "token PIN set by the worker" setpin "$JTOKEN" set-pin "$T1" "$TOKEN_PIN"
enrol_finger() { # enrol_finger FINGER NAME: impressions 1-4 (8 as a spare)
	local f=$1 name=$2
	if run "enrol-$f" "$JTOKEN" enrol-finger "$T1" "$T1.ctl" "$TOKEN_PIN" "$name" \
		"$(fimg "$f" 1)" "$(fimg "$f" 2)" "$(fimg "$f" 3)" "$(fimg "$f" 4)" "$(fimg "$f" 8)"; then
		ok "finger '$name' enrolled through bioEnrollment (images ${f}_1..4 on the sensor)"
	else
		bad "finger '$name' not enrolled"
	fi
	show
}
enrol_finger $FINGER_A "right index"
enrol_finger $FINGER_B "left index"
if run enrol-face "$JTOKEN" enrol-face "$T1" "$T1.ctl" "$TOKEN_PIN" "face" "$(face_img $FACE_SUBJ 1)"; then
	ok "face enrolled through the vendor command 0x41 (ORL $FACE_SUBJ/1.pgm on the sensor)"
else
	bad "face not enrolled"
fi
show
step "what the desk can read back from the token: IDs and names only" list "$JTOKEN" list "$T1" "$TOKEN_PIN"
show
grep -q "fingers on the token: 2" "$J_OUT" && grep -q "faces on the token: 1" "$J_OUT" ||
	bad "the token does not hold 2 fingers and 1 face"

party "worker's phone: the vault"
if run vinit with_pass "$AMANA" vault init "$P/vault" --passphrase-fd 3 \
	--recovery-png "$J_STATE/paper/recovery.png"; then
	# The recovery key is shown once: the worker writes it on paper.
	awk '/^Recovery key/ {on=1; next} on && NF == 0 && n > 0 {exit} on && NF > 0 {printf "%s ", $0; n++}' \
		"$J_OUT" | sed 's/ *$//' >"$J_STATE/paper/recovery-words"
	echo >>"$J_STATE/paper/recovery-words"
	echo "(not kept: vault init shows the recovery key)" >"$J_OUT" # no copy of the words in the log
	ok "vault created: passphrase slot (Argon2id) and recovery slot"
	say "recovery key shown once: $(wc -w <"$J_STATE/paper/recovery-words") words and a QR code, written on paper (paper/)"
else
	bad "vault init"; show
fi
# The token slot: makeCredential (hmac-secret, credProtect UV required) and
# one getAssertion, both with the token PIN typed by the worker.
if run addtoken with_pass "$AMANA" vault slots "$P/vault" add-token "$T1" \
	--passphrase-fd 3 --new-passphrase-fd 4 4< <(printf '%s\n' "$TOKEN_PIN"); then
	ok "token slot added (hmac-secret of a UV-only credential on the token)"
else
	bad "token slot"; show
fi
if vault_open_finger t1 addduress "$AMANA" vault slots "$P/vault" add-duress \
	--new-passphrase-fd 4 4< <(printf '%s\n' "$DURESS_PIN"); then
	ok "duress PIN slot added: it opens a decoy compartment"
else
	bad "duress slot"; show
fi
printf 'Contacts\nAmir (cousin) +880 1711 000000\n' >"$J_STATE/log/decoy-note.txt"
if vault_open_finger t1 decoyadd "$AMANA" vault add "$P/vault" "$J_STATE/log/decoy-note.txt" \
	--name contacts --kind note --decoy; then
	ok "decoy filled with a harmless note"
else
	bad "decoy content"; show
fi
rm -f "$J_STATE/log/decoy-note.txt"
printf 'PASSPORT\nBangladesh EB0123456\nRAHMAN, NUSRAT\n' >"$J_STATE/log/passport-copy.txt"
if vault_open_finger t1 addpassport "$AMANA" vault add "$P/vault" "$J_STATE/log/passport-copy.txt" \
	--name passport --kind passport --number EB0123456 --country BGD; then
	ok "copy of the passport kept in the vault"
else
	bad "vault add passport"; show
fi
rm -f "$J_STATE/log/passport-copy.txt"

party "worker's phone: device key"
# The device key is a vault record (docs/0306): made in guarded memory,
# stored encrypted; only its public half leaves the phone.
finger_step "device key created (Ed25519) inside the vault" t1 keygen \
	"$AMANA" cred keygen --vault "$P/vault" -o "$W/device.pub"
crossed phone "NGO desk" "device public key (hex)" "$W/device.pub"

party "NGO desk: issue"
claims identity "$NGO/claims-identity"
claims entitlement "$NGO/claims-entitlement"
issue_one() { # issue_one TYPE NAME
	local type=$1 name=$2 idx
	if ! idx=$("$ISSUER" status alloc --dir "$NGO" --uri "$STATUS_URI" 2>"$J_STATE/log/1-alloc"); then
		bad "status entry for $name"; return 1
	fi
	step "$name credential issued ($type), status entry #$idx" "issue-$name" "$ISSUER" issue \
		--dir "$NGO" --doctype "$type" --device-key "$W/device.pub" \
		--claims "$NGO/claims-$name" --status-uri "$STATUS_URI" --status-idx "$idx" \
		-o "$W/$name.mdoc" || return 1
	step "issuance recorded in the registry" "record-$name" "$ISSUER" registry record \
		--dir "$NGO" --worker "$WORKER_CASE" --credential "$W/$name.mdoc" \
		--status-uri "$STATUS_URI" --status-idx "$idx" --by "desk 3 (case worker A. Tan)"
	crossed "NGO desk" phone "$name credential (mdoc)" "$W/$name.mdoc"
}
issue_one $ID_TYPE identity
issue_one $ENT_TYPE entitlement
rm -f "$NGO"/claims-*  # the registry row is what the NGO keeps

party "worker's phone: keep the credentials in the vault"
finger_step "identity credential checked (digests, bound to this device key) and kept in the vault" \
	t1 imp-id "$AMANA" cred import "$W/identity.mdoc" --vault "$P/vault"
finger_step "entitlement credential checked and kept in the vault" \
	t1 imp-ent "$AMANA" cred import "$W/entitlement.mdoc" --vault "$P/vault"
if vault_open_finger t1 list "$AMANA" vault list "$P/vault"; then show; fi
if vault_open_finger t1 export "$AMANA" vault export "$P/vault" "$NGO/backups/$WORKER_CASE.amv"; then
	ok "encrypted backup written"
else
	bad "vault export"; show
fi
crossed phone "NGO desk" "encrypted vault backup (the NGO cannot open it)" "$NGO/backups/$WORKER_CASE.amv"

party "NGO desk: the registry"
step "registry rows of case $WORKER_CASE" reglist "$ISSUER" registry list --dir "$NGO" --worker "$WORKER_CASE"
show
say "a row holds: case reference, type, time, desk, SHA-256 of the signer certificate, of the"
say "device key and of the credential, validity, status entry, state; no name, no claim, no"
say "biometric data, no image (docs/0701: text columns of bounded length, no BLOB)"
rows=$(grep -c "case $WORKER_CASE" "$J_OUT")
[ "$rows" = 2 ] || bad "the registry should hold 2 issuances, holds $rows"
token_stop t1
j_end "2 fingers and 1 face on the token, vault with passphrase/recovery/token/duress slots, 2 credentials issued and recorded ($rows registry rows), encrypted backup at the NGO"
