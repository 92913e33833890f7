#!/bin/bash
# The credential journey through the programs a person runs: the NGO issues,
# the worker imports and presents (refusing once), the officer checks with a
# signed trust list; then a tampered response, another session and the
# ISO 18013-5 Annex D example. Arguments: amana-issuer amana-verify amana.
set -u
ISSUER=$1 VERIFY=$2 AMANA=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 checks=0
ok() { checks=$((checks + 1)); if ! "$@" >"$T/last.out" 2>&1; then
	fails=$((fails + 1)); echo "FAILED: $*"; cat "$T/last.out"; fi; }
rc_is() { local want=$1; shift; checks=$((checks + 1)); "$@" >"$T/last.out" 2>&1
	local got=$?; if [ "$got" != "$want" ]; then fails=$((fails + 1))
	echo "FAILED (exit $got, want $want): $*"; cat "$T/last.out"; fi; }
has() { checks=$((checks + 1)); if ! grep -q -- "$1" "$T/last.out"; then
	fails=$((fails + 1)); echo "FAILED: output lacks '$1'"; cat "$T/last.out"; fi; }

ID=org.amana.worker.identity.1
ok "$ISSUER" init --dir "$T/iss" --authority "Test Authority" --country MY
ok "$AMANA" cred keygen --wallet "$T/w" -o "$T/dev.pub"
cat >"$T/claims" <<'CLAIMS'
# a worker verified in person
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
ok "$ISSUER" issue --dir "$T/iss" --doctype $ID --device-key "$T/dev.pub" \
	--claims "$T/claims" --status-uri https://status.example.org/1 --status-idx 3 -o "$T/id.mdoc"
rc_is 4 "$ISSUER" issue --dir "$T/iss" --doctype $ID --device-key "$T/dev.pub" \
	--claims "$T/claims" --claim shoe_size=42 -o "$T/bad.mdoc"
has "element unknown to the schema"
ok "$AMANA" cred import "$T/id.mdoc" --wallet "$T/w"
ok "$AMANA" cred list --wallet "$T/w" --json
has '"docType":"org.amana.worker.identity.1"'
# a credential for another wallet is refused on import
ok "$AMANA" cred keygen --wallet "$T/w2"
rc_is 1 "$AMANA" cred import "$T/id.mdoc" --wallet "$T/w2"
has "device key does not match"

ok "$ISSUER" trust-key -o "$T/tl.key"
ok "$ISSUER" trust-list --signer "$T/tl.key" --root "Test Authority=$T/iss/root.crt" -o "$T/trust.cbor"
ok "$VERIFY" request --doctype $ID --element family_name --element given_name \
	--element birth_date --element nationality --verifier "Border post 7" -o "$T/req.cbor"
echo n | rc_is 1 setsid -w "$AMANA" present "$T/req.cbor" --wallet "$T/w" -o "$T/resp.cbor"
has "Border post 7"
has "Date of birth"
checks=$((checks + 1)); [ -e "$T/resp.cbor" ] && { fails=$((fails + 1)); echo "FAILED: refused but written"; }
ok "$AMANA" present "$T/req.cbor" --wallet "$T/w" --yes -o "$T/resp.cbor"
checks=$((checks + 1)); grep -q EB0123456 "$T/resp.cbor" && { fails=$((fails + 1)); echo "FAILED: unrequested element sent"; }

CHECK=("$VERIFY" check --request "$T/req.cbor" --trust "$T/trust.cbor" --trust-key "$T/tl.key.pub")
ok "${CHECK[@]}" "$T/resp.cbor"
has "ACCEPTED"
# no status lists loaded: accepted, and the first line says what was not checked
has "ACCEPTED (revocation status NOT checked)"
ok "${CHECK[@]}" "$T/resp.cbor" --json
has '"accepted":true'
has '"status_checked":false'
# an element the credential does not hold: accepted (a holder may decline),
# and the officer is told what did not come
ok "$VERIFY" request --doctype $ID --element family_name --element sex \
	--verifier "Border post 7" -o "$T/req5.cbor"
ok "$AMANA" present "$T/req5.cbor" --wallet "$T/w" --yes -o "$T/resp5.cbor"
ok "${CHECK[@]}" "$T/resp5.cbor" --request "$T/req5.cbor"
has "requested, NOT disclosed: sex"
ok "${CHECK[@]}" "$T/resp5.cbor" --request "$T/req5.cbor" --json
has '"not_disclosed":.{"namespace":"org.amana.worker.identity.1","identifier":"sex"}'
# tampered: one byte of the response
python3 - "$T/resp.cbor" "$T/tampered.cbor" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.find(b'Rahman'); b[i] ^= 0x20
open(sys.argv[2], 'wb').write(b)
PY
rc_is 1 "${CHECK[@]}" "$T/tampered.cbor"
has "fail  digests"
# another session
ok "$VERIFY" request --doctype $ID --all -o "$T/req2.cbor"
rc_is 1 "${CHECK[@]}" "$T/resp.cbor" --request "$T/req2.cbor"
has "fail  device_sig"
has "claimed, NOT verified"
# the verifier's clock: a trust list past its expiry, a credential past its own
rc_is 1 "${CHECK[@]}" "$T/resp.cbor" --now 2040-01-01
has "trust list expired"
ok "$ISSUER" issue --dir "$T/iss" --doctype $ID --device-key "$T/dev.pub" \
	--claims "$T/claims" --days 1 -o "$T/short.mdoc"
mkdir -p "$T/w3" && cp "$T/w/device.key" "$T/w3/"
ok "$AMANA" cred import "$T/short.mdoc" --wallet "$T/w3"
ok "$AMANA" present "$T/req.cbor" --wallet "$T/w3" --yes -o "$T/short.cbor"
ok "${CHECK[@]}" "$T/short.cbor"
rc_is 1 "${CHECK[@]}" "$T/short.cbor" --now "$(( $(date +%s) + 2 * 86400 ))"
has "credential expired"
# a trust list checked with the wrong pinned key
ok "$ISSUER" trust-key -o "$T/other.key"
rc_is 1 "$VERIFY" check "$T/resp.cbor" --request "$T/req.cbor" --trust "$T/trust.cbor" --trust-key "$T/other.key.pub"
has "trust list signature invalid"

# paper to phone and back: the request and the response as QR images
ok "$VERIFY" request --doctype $ID --element family_name --element given_name \
	--element birth_date --element nationality -o "$T/reqq.cbor" --qr "$T/reqq.png"
ok "$AMANA" present "$T/reqq.png" --wallet "$T/w" --yes --qr "$T/respq.png"
ok "${CHECK[@]}" "$T/respq.png" --request "$T/reqq.cbor"
has "ACCEPTED"

# identity and right to work in one request: two documents, one response
cat >"$T/ent" <<'CLAIMS'
family_name = Rahman
given_name = Nusrat
id_document_number = EB0123456
right_to_work = true
permit_number = WP-2026-004211
permit_valid_from = 2026-09-01
permit_valid_until = 2028-08-31
employer_name = Green Valley Garments
sector = garments
work_location = Shah Alam, Selangor
wage_amount = 180000
wage_currency = MYR
wage_period = month
hours_per_week = 48
recruitment_fees_paid_by_employer = true
entitled_services = health care, legal aid, remittance
CLAIMS
ENT=org.amana.worker.entitlement.1
ok "$ISSUER" issue --dir "$T/iss" --doctype $ENT --device-key "$T/dev.pub" --claims "$T/ent" -o "$T/ent.mdoc"
ok "$AMANA" cred import "$T/ent.mdoc" --wallet "$T/w"
ok "$AMANA" cred show "$(ls "$T/w/creds" | grep $ENT | sed 's/\.mdoc$//')" --wallet "$T/w"
has '"health care", "legal aid", "remittance"'
ok "$VERIFY" request --doctype $ID --element family_name --element given_name \
	--doctype $ENT --element right_to_work --element employer_name --element permit_valid_until \
	--retain -o "$T/req3.cbor"
ok "$AMANA" present "$T/req3.cbor" --wallet "$T/w" --yes -o "$T/resp3.cbor"
has "they will KEEP it"
ok "${CHECK[@]}" "$T/resp3.cbor" --request "$T/req3.cbor"
has "document $ENT"
has 'employer_name = "Green Valley Garments"'
has 'right_to_work = true'

# ISO 18013-5 Annex D: inspected (no trust anchor, deviceMac): not accepted,
# but the ES256 signature and every digest check
if [ -n "${AMANA_DATA:-}" ] && [ -e "$AMANA_DATA/iso18013-5/annexd-device-response.cbor" ]; then
	rc_is 1 "$VERIFY" check --no-trust --now 2020-10-02 "$AMANA_DATA/iso18013-5/annexd-device-response.cbor"
	has "pass  issuer_sig"
	has "pass  digests"
	has 'family_name = "Doe"'
	has 'utopia ds/C=US (NOT trusted)'
fi
rc_is 2 "$VERIFY" check "$T/resp.cbor"

echo "$checks checks, $fails failed"
[ "$fails" = 0 ]
