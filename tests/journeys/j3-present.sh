#!/usr/bin/env bash
# Journey 3: present at a checkpoint. The NGO publishes today's status list
# and the labour officer's verifier loads it while still online (with the
# trust list it was given). At the checkpoint the officer shows a request
# as a QR code; the worker's phone reads it and shows who asks for what;
# the worker consents and puts a finger on the token, which opens the vault
# holding the device key; the phone answers with a DeviceResponse holding
# only the requested elements, shown as QR codes. Journey 4 verifies it.
. "$(dirname "$0")/lib.sh"
j_begin 3 "present at a checkpoint"
j_require 1
NGO=$J_STATE/ngo W=$J_STATE/wire P=$J_STATE/phone O=$J_STATE/officer
rm -rf "${O:?}"/* "$W"/request* "$W"/response* "$W"/status-list
token_start t1 || j_end "the token did not start"

party "NGO desk: publishes today's status list"
step "status list signed with the document signer, valid 24 h" publish \
	"$ISSUER" status publish --dir "$NGO" --uri "$STATUS_URI" --hours 24 -o "$W/status-list"
crossed "NGO desk" officers "status list (all credentials of this list, 1 bit each)" "$W/status-list"

party "labour officer: before leaving the office (online)"
mkdir -p "$O/kit"
cp "$W/trust-list" "$O/kit/trust-list"
cp "$J_STATE/authority/trust.key.pub" "$O/kit/trust.pub"
step "status list checked against the trust list and cached" load \
	"$VERIFY" status load --status-dir "$O/kit/status" --trust "$O/kit/trust-list" \
	--trust-key "$O/kit/trust.pub" "$W/status-list"
say "the officer's kit: trust list, pinned trust-list key, status cache; nothing about any worker"

party "labour officer: at the checkpoint (offline)"
ELEMENTS=(family_name given_name right_to_work permit_valid_until employer_name work_location)
args=()
for e in "${ELEMENTS[@]}"; do args+=(--element "$e"); done
printf '%s\n' "${ELEMENTS[@]}" | sort >"$O/requested-elements"
step "request for ${#ELEMENTS[@]} elements of the work entitlement, fresh nonce and reader key" \
	request "$VERIFY" request --doctype $ENT_TYPE "${args[@]}" \
	--verifier "Labour inspection, Klang checkpoint 4" -o "$O/request.cbor" --qr "$W/request.png"
crossed officer phone "request ($(bytes "$O/request.cbor")-byte CBOR) shown as a QR code the phone's camera reads; PNG" "$W/request.png"

party "worker's phone: consent"
# amana present opens the vault (the worker's finger on the token) for the
# device key and credentials, closes it, then shows what will be shared.
if vault_open_finger t1 present "$AMANA" present "$W/request.png" --vault "$P/vault" --yes \
	--qr "$W/response.png" -o "$W/response.cbor"; then
	say "what the worker sees on the phone before saying yes:"
	show
	ok "worker consented; DeviceResponse signed by the device key for this request"
else
	bad "amana present"; show
fi
set -- "$W"/response*.png
if [ -f "$1" ]; then
	crossed phone officer "DeviceResponse ($(bytes "$W/response.cbor") bytes) shown as $# QR code(s); PNG" "$@"
	echo "$#" >"$J_STATE/wire/response-codes"
else
	bad "no response QR code written"
fi
token_stop t1
j_end "request as 1 QR code, consent screen shown, response with ${#ELEMENTS[@]} elements as $# QR code(s)"
