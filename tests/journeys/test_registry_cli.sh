#!/usr/bin/env bash
# amana-issuer registry: record, list (text and --json), revoke by id and by
# case, through the status list; exit codes of the refusals (docs/0701).
# Arguments: amana-issuer amana.
set -u
ISSUER=$1 AMANA=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
step() { # step WANT_EXIT CMD...
	local want=$1; shift
	"$@" >"$T/out" 2>&1; local got=$?
	if [ "$got" = "$want" ]; then echo "ok ($got): ${*:2:3}"; else
		fails=$((fails + 1)); echo "FAIL (exit $got, want $want): $*"; cat "$T/out"; fi
}
has() { if grep -q -- "$1" "$T/out"; then echo "ok: says '$1'"; else
	fails=$((fails + 1)); echo "FAIL: output lacks '$1'"; cat "$T/out"; fi; }

URI=https://ngo.example.org/status/w
step 0 "$ISSUER" init --dir "$T/iss"
step 0 "$ISSUER" status create --dir "$T/iss" --uri $URI --size 1024
step 0 "$AMANA" cred keygen --wallet "$T/w" -o "$T/dev.pub"
issue() { # issue NAME IDX
	step 0 "$ISSUER" issue --dir "$T/iss" --doctype org.amana.worker.identity.1 \
		--device-key "$T/dev.pub" --status-uri $URI --status-idx "$2" -o "$T/$1.mdoc" \
		--claim family_name=Rahman --claim given_name=Nusrat --claim birth_date=1994-03-17 \
		--claim nationality=BGD --claim id_document_type=passport \
		--claim id_document_number=EB0123456 --claim id_document_issuer=DIP \
		--claim verification_level=2 --claim verification_date=2026-11-30 --claim verified_by=MHD
}
i1=$("$ISSUER" status alloc --dir "$T/iss" --uri $URI)
i2=$("$ISSUER" status alloc --dir "$T/iss" --uri $URI)
issue a "$i1"
issue b "$i2"
step 0 "$ISSUER" registry record --dir "$T/iss" --worker CASE-1 --credential "$T/a.mdoc" \
	--status-uri $URI --status-idx "$i1"
has "issuance 1 recorded"
step 0 "$ISSUER" registry record --dir "$T/iss" --worker CASE-1 --credential "$T/b.mdoc" \
	--status-uri $URI --status-idx "$i2" --replaces 1 --by "desk 2"
# The same credential twice: already exists (exit 2, a caller's mistake).
step 2 "$ISSUER" registry record --dir "$T/iss" --worker CASE-1 --credential "$T/a.mdoc" \
	--status-uri $URI --status-idx 7
has "already exists"
# Not a credential.
step 4 "$ISSUER" registry record --dir "$T/iss" --worker CASE-1 --credential "$T/dev.pub" \
	--status-uri $URI --status-idx 9
step 2 "$ISSUER" registry record --dir "$T/iss" --worker CASE-1 --credential "$T/a.mdoc"
step 2 "$ISSUER" registry list
step 2 "$ISSUER" registry frobnicate --dir "$T/iss"
step 0 "$ISSUER" registry list --dir "$T/iss" --json
has '"worker":"CASE-1"'
has '"replaces":1'
has '"state":"active"'
has "\"status_idx\":$i2"
if grep -qi "rahman\|nusrat" "$T/out"; then fails=$((fails + 1)); echo "FAIL: the registry holds a claim"; else
	echo "ok: no claim (name) in the registry"; fi
step 0 "$ISSUER" registry revoke --dir "$T/iss" --id 1 --reason "token lost"
step 0 "$ISSUER" status get --dir "$T/iss" --uri $URI --idx "$i1"
has "^revoked$"
step 0 "$ISSUER" status get --dir "$T/iss" --uri $URI --idx "$i2"
has "^valid$"
step 1 "$ISSUER" registry revoke --dir "$T/iss" --id 1
has "already revoked"
step 1 "$ISSUER" registry revoke --dir "$T/iss" --id 99
step 0 "$ISSUER" registry revoke --dir "$T/iss" --worker CASE-1 --reason "case closed"
has "issuance 2 revoked"
step 1 "$ISSUER" registry revoke --dir "$T/iss" --worker CASE-1
step 0 "$ISSUER" registry list --dir "$T/iss" --worker CASE-1
has "revoked (case closed)"
echo "$fails failed"
[ "$fails" = 0 ]
