#!/usr/bin/env bash
# Journey 2: unlock, by the worker. An enrolled finger on the token's sensor
# opens the vault (the token matches it and releases the hmac-secret); so
# does the enrolled face; someone else's finger does not; after the token's
# retry limit the fingers are blocked and the token PIN is needed (which
# also unblocks them); the duress PIN opens the decoy, which shows nothing
# of the real vault.
. "$(dirname "$0")/lib.sh"
j_begin 2 "unlock"
j_require 1
P=$J_STATE/phone
token_start t1 || j_end "the token did not start"
T1=$(tsock t1)

party "worker: finger on the token"
say "the phone asks the token for the vault secret; the token waits for a finger"
if vault_open_finger t1 list "$AMANA" vault list "$P/vault"; then
	ok "enrolled finger: vault open"
	show
	grep -q mdoc-device-key "$J_OUT" && grep -q passport "$J_OUT" ||
		bad "the real vault should list the device key and the passport"
else
	bad "the enrolled finger did not open the vault"
fi

party "worker: face on the token"
sensor t1 face "$(face_img $FACE_SUBJ 2)" || bad "sensor refused the face image"
step "enrolled face (ORL $FACE_SUBJ/2.pgm, not the enrolment image): vault open" face \
	"$AMANA" vault list "$P/vault" --token "$T1"

party "someone else's finger"
left=$(uv_left t1)
sensor t1 finger "$(fimg $OTHER_FINGER 1)" || bad "sensor refused the image"
refused "finger ${OTHER_FINGER}_1 (never enrolled)" 1 "does not match" other \
	"$AMANA" vault list "$P/vault" --token "$T1"
now=$(uv_left t1)
[ "$now" = $((left - 1)) ] && ok "token's UV retries: $left -> $now" ||
	bad "UV retries should drop by one: $left -> $now"

party "retry limit: the fingers are blocked, the PIN is needed"
i=2
while [ "$(uv_left t1)" -gt 0 ] && [ $i -le 8 ]; do
	sensor t1 finger "$(fimg $OTHER_FINGER $i)"
	run block "$AMANA" vault list "$P/vault" --token "$T1"
	say "finger ${OTHER_FINGER}_$i: refused; UV retries left $(uv_left t1)"
	i=$((i + 1))
done
[ "$(uv_left t1)" = 0 ] && ok "UV blocked after 5 failed matches" || bad "UV not blocked"
sensor t1 finger "$(fimg $FINGER_A 7)"
refused "now even the enrolled finger ${FINGER_A}_7 (UV blocked on the token)" 1 "blocked: enter the PIN" blocked \
	"$AMANA" vault list "$P/vault" --token "$T1"
pins=$(pin_left t1)
refused "a wrong PIN (1234)" 1 "wrong PIN" wrongpin \
	"$AMANA" vault list "$P/vault" --token "$T1" --pin-fd 4 4< <(printf '1234\n')
[ "$(pin_left t1)" = $((pins - 1)) ] && ok "token's PIN retries: $pins -> $(pin_left t1) (locked at 0)" ||
	bad "PIN retries should drop by one: $pins -> $(pin_left t1)"
step "token PIN typed by the worker: vault open" pin \
	"$AMANA" vault list "$P/vault" --token "$T1" --pin-fd 4 4< <(printf '%s\n' "$TOKEN_PIN")
[ "$(uv_left t1)" = 5 ] && [ "$(pin_left t1)" = "$pins" ] &&
	ok "the correct PIN reset the UV retries to 5 and the PIN retries to $pins" ||
	bad "after the PIN: UV retries $(uv_left t1) (want 5), PIN retries $(pin_left t1) (want $pins)"
if vault_open_finger t1 after "$AMANA" vault list "$P/vault"; then
	ok "the finger works again"
else
	bad "finger after the PIN"
fi

party "under duress: the duress PIN"
say "(a duress *finger*, which DESIGN.md also names, would need the token to release a second"
say " secret for it; the firmware has no such enrolment (docs/0502): the duress PIN is the way)"
if run duress "$AMANA" vault list "$P/vault" --passphrase-fd 3 3< <(printf '%s\n' "$DURESS_PIN"); then
	show
	if grep -q contacts "$J_OUT" && ! grep -qE "device-key|credential|passport" "$J_OUT"; then
		ok "duress PIN: the decoy opens (a contacts note); no credential, no passport, no sign of another compartment"
	else
		bad "the duress view should show the decoy only"
	fi
else
	bad "duress PIN did not open the decoy"; show
fi
token_stop t1
j_end "finger and face open the vault, another finger is refused, 5 failures block UV until the PIN (a wrong PIN costs a PIN retry), the duress PIN opens only the decoy"
