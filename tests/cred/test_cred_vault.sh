#!/bin/bash
# The holder keeps its device key and credentials in the vault
# (docs/0306-holder-in-vault.md): keygen in the vault, import, present
# through the vault and the verifier accepts; a scan of the vault's files
# finds no plaintext device key, claim value or record name; a wrong
# passphrase is a clear error, exit 1, and writes nothing (the vault's
# files byte-identical, no output file). Arguments: amana-issuer
# amana-verify amana. Uses what ships (Argon2id MODERATE, so the
# passphrase opens are counted: most steps use the recovery words).
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
lacks() { checks=$((checks + 1)); if grep -q -- "$1" "$T/last.out"; then
	fails=$((fails + 1)); echo "FAILED: output has '$1'"; cat "$T/last.out"; fi; }
truth() { checks=$((checks + 1)); if ! eval "$2"; then fails=$((fails + 1)); echo "FAILED: $1"; fi; }
# every file of the vault with its hash: a change of any byte shows
snapshot() { (cd "$V" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

V=$T/vault
ID=org.amana.worker.identity.1 ENT=org.amana.worker.entitlement.1
echo "correct horse battery" >"$T/pass"
echo "wrong horse battery" >"$T/wrong"
checks=$((checks + 1))
if ! "$AMANA" vault init "$V" --passphrase-fd 3 3<"$T/pass" >"$T/init.out" 2>"$T/init.err"; then
	fails=$((fails + 1)); echo "FAILED: vault init"; cat "$T/init.err"; fi
sed -n '3,6p' "$T/init.out" | tr '\n' ' ' >"$T/words"
truth "22 recovery words printed" '[ "$(wc -w <"$T/words")" = 22 ]'
R=(--vault "$V" --recovery-fd 3)

# keygen in the vault: the secret key is a vault record, never a file
ok "$AMANA" cred keygen "${R[@]}" -o "$T/dev.pub" 3<"$T/words"
has "vault record mdoc-device-key"
rc_is 2 "$AMANA" cred keygen "${R[@]}" 3<"$T/words"
has "already exists"
ok "$AMANA" cred device-key "${R[@]}" 3<"$T/words"
truth "device-key prints the public key keygen wrote" '[ "$(cat "$T/last.out")" = "$(cat "$T/dev.pub")" ]'
truth "no device.key file anywhere" '[ -z "$(find "$T" -name device.key)" ]'

# issue two credentials to that key; import both into the vault
ok "$ISSUER" init --dir "$T/iss" --authority "Test Authority" --country MY
cat >"$T/id.claims" <<'CLAIMS'
family_name = Rahmanova
given_name = Nusratjahan
birth_date = 1994-03-17
nationality = BGD
id_document_type = passport
id_document_number = EB7766554
id_document_issuer = Department of Immigration and Passports, Dhaka
verification_level = 2
verification_date = 2026-09-01
verified_by = Migrant Help Desk
CLAIMS
cat >"$T/ent.claims" <<'CLAIMS'
family_name = Rahmanova
given_name = Nusratjahan
id_document_number = EB7766554
right_to_work = true
permit_number = WP-2026-991177
permit_valid_from = 2026-09-01
permit_valid_until = 2028-08-31
employer_name = Kingfisher Textile Mills
sector = garments
work_location = Port Klang, Selangor
wage_amount = 180000
wage_currency = MYR
wage_period = month
hours_per_week = 48
recruitment_fees_paid_by_employer = true
entitled_services = health care, legal aid
CLAIMS
ok "$ISSUER" issue --dir "$T/iss" --doctype $ID --device-key "$T/dev.pub" \
	--claims "$T/id.claims" -o "$T/id.mdoc"
ok "$ISSUER" issue --dir "$T/iss" --doctype $ENT --device-key "$T/dev.pub" \
	--claims "$T/ent.claims" -o "$T/ent.mdoc"
ok "$AMANA" cred import "$T/id.mdoc" "${R[@]}" 3<"$T/words"
has "imported $ID"
ok "$AMANA" cred import "$T/ent.mdoc" "${R[@]}" 3<"$T/words"
ok "$AMANA" cred list "${R[@]}" --json 3<"$T/words"
has "\"docType\":\"$ID\""
has "\"docType\":\"$ENT\""
name=$(grep -o "\"name\":\"$ENT-[0-9a-f]*\"" "$T/last.out" | cut -d'"' -f4)
ok "$AMANA" cred show "$name" "${R[@]}" 3<"$T/words"
has "Kingfisher Textile Mills"
# the vault lists them as records of their kinds
ok "$AMANA" vault list "$V" --json --recovery-fd 3 3<"$T/words"
has '"name":"mdoc-device-key","type":"record","kind":"device-key"'
has "\"name\":\"$name\",\"type\":\"record\",\"kind\":\"credential\""
# a credential bound to another device is refused (wallet directory)
ok "$AMANA" cred keygen --wallet "$T/other"
rc_is 1 "$AMANA" cred import "$T/id.mdoc" --wallet "$T/other"
has "device key does not match"

# present through the vault (the passphrase, as a worker types it)
ok "$ISSUER" trust-key -o "$T/tl.key"
ok "$ISSUER" trust-list --signer "$T/tl.key" --root "Test Authority=$T/iss/root.crt" -o "$T/trust.cbor"
ok "$VERIFY" request --doctype $ENT --element family_name --element right_to_work \
	--element employer_name --element permit_valid_until --verifier "Checkpoint 4" -o "$T/req.cbor"
echo n | rc_is 1 setsid -w "$AMANA" present "$T/req.cbor" "${R[@]}" -o "$T/refused.cbor" 3<"$T/words"
has "Checkpoint 4"
truth "refused: no response written" '[ ! -e "$T/refused.cbor" ]'
ok "$AMANA" present "$T/req.cbor" --vault "$V" --passphrase-fd 3 --yes -o "$T/resp.cbor" 3<"$T/pass"
has "shared 4 element(s)"
CHECK=("$VERIFY" check --request "$T/req.cbor" --trust "$T/trust.cbor" --trust-key "$T/tl.key.pub")
ok "${CHECK[@]}" "$T/resp.cbor"
has "ACCEPTED"
has 'employer_name = "Kingfisher Textile Mills"'
truth "unrequested element not sent" '! grep -q EB7766554 "$T/resp.cbor"'
# two documents in one request, answered from the vault
ok "$VERIFY" request --doctype $ID --element given_name --doctype $ENT --element work_location \
	-o "$T/req2.cbor"
ok "$AMANA" present "$T/req2.cbor" "${R[@]}" --yes -o "$T/resp2.cbor" 3<"$T/words"
ok "${CHECK[@]}" "$T/resp2.cbor" --request "$T/req2.cbor"
has "ACCEPTED"

# scan: no plaintext of the device key, the claims or the record names in
# any vault file. libsodium's 64-byte secret key is seed | public key, so
# a plaintext copy of it would hold the raw public key.
python3 - "$V" "$(cat "$T/dev.pub")" >"$T/last.out" 2>&1 <<'PY'
import os, sys
root, pk = sys.argv[1], bytes.fromhex(sys.argv[2])
assert len(pk) == 32, 'no public key'
needles = [pk, sys.argv[2].encode(), pk.hex().upper().encode()]
for s in ['Rahmanova', 'Nusratjahan', 'EB7766554', 'WP-2026-991177', 'Kingfisher Textile',
          'Port Klang', '1994-03-17', 'mdoc-device-key', 'device-key', 'org.amana.worker',
          'Test Authority', 'credential']:
    needles += [s.encode(), s.encode('utf-16-le')]
files = hits = 0
for d, _, names in os.walk(root):
    for n in names:
        b = open(os.path.join(d, n), 'rb').read()
        files += 1
        for x in needles:
            if x in b:
                hits += 1
                print('HIT', n, x[:20])
print('scanned', files, 'files;', hits, 'hits')
sys.exit(1 if hits or files < 4 else 0)
PY
scan_rc=$?
truth "vault files hold no plaintext key, claim or name: $(tail -1 "$T/last.out")" '[ $scan_rc = 0 ]'
grep HIT "$T/last.out"
# the scanner finds what is there (the public key is in each credential)
truth "scan self-test: the public key is in the plaintext credential" \
	'python3 -c "import sys; sys.exit(0 if bytes.fromhex(open(\"$T/dev.pub\").read().strip()) in open(\"$T/id.mdoc\",\"rb\").read() else 1)"'

# a wrong passphrase: a clear error, exit 1, nothing written
snapshot >"$T/before"
W=(--vault "$V" --passphrase-fd 3)
rc_is 1 "$AMANA" cred import "$T/ent.mdoc" "${W[@]}" 3<"$T/wrong"
has "wrong passphrase"
rc_is 1 "$AMANA" cred keygen "${W[@]}" -o "$T/wrong.pub" 3<"$T/wrong"
has "wrong passphrase"
rc_is 1 "$AMANA" present "$T/req.cbor" "${W[@]}" --yes -o "$T/wrong.cbor" 3<"$T/wrong"
has "wrong passphrase"
lacks "Checkpoint 4" # nothing shown before the vault opened
truth "no public key file written" '[ ! -e "$T/wrong.pub" ]'
truth "no response written" '[ ! -e "$T/wrong.cbor" ]'
snapshot >"$T/after"
truth "vault files unchanged ($(wc -l <"$T/before") files)" 'cmp -s "$T/before" "$T/after"'

# the options: one store at a time; unlock options need a vault
rc_is 2 "$AMANA" cred list --vault "$V" --wallet "$T/other"
rc_is 2 "$AMANA" cred list --wallet "$T/other" --passphrase-fd 3 3<"$T/pass"
has "need a vault"
# no secret and no terminal (setsid): a usage error that says what to give
rc_is 2 setsid -w "$AMANA" cred list --vault "$V"
has "no secret to open the vault"
# a session left by `amana vault unlock` opens it for cred and present too
ok "$AMANA" vault unlock "$V" --timeout 60 --recovery-fd 3 3<"$T/words"
ok setsid -w "$AMANA" present "$T/req.cbor" --vault "$V" --yes -o "$T/resp-session.cbor"
ok "${CHECK[@]}" "$T/resp-session.cbor"
has "ACCEPTED"
ok "$AMANA" vault lock "$V"
rc_is 2 setsid -w "$AMANA" cred list --vault "$V"
# the duress passphrase opens the decoy: no credential, no device key there
echo "tea with milk" >"$T/duress"
ok "$AMANA" vault slots "$V" add-duress --new-passphrase-fd 4 --recovery-fd 3 3<"$T/words" 4<"$T/duress"
ok "$AMANA" cred list --vault "$V" --passphrase-fd 3 --json 3<"$T/duress"
has '"credentials":\[\]'
rc_is 1 "$AMANA" present "$T/req.cbor" --vault "$V" --passphrase-fd 3 --yes -o "$T/duress.cbor" 3<"$T/duress"
has "not found"
truth "duress: no response written" '[ ! -e "$T/duress.cbor" ]'
# the environment names the vault as well
AMANA_VAULT_DIR=$V ok "$AMANA" cred list --recovery-fd 3 3<"$T/words"
has "$ENT"
# no option, no variable: ~/.amana/vault when it is a vault, else the
# wallet directory ~/.amana/wallet (where unlock options make no sense)
mkdir -p "$T/home/.amana" "$T/bare"
cp -a "$V" "$T/home/.amana/vault"
HOME=$T/home ok "$AMANA" cred list --recovery-fd 3 3<"$T/words"
has "$ENT"
HOME=$T/bare rc_is 2 "$AMANA" cred list --recovery-fd 3 3<"$T/words"
has "need a vault"

# an older wallet directory moves into a vault; its plaintext key file goes
ok "$AMANA" cred keygen --wallet "$T/mw" -o "$T/mw.pub"
ok "$ISSUER" issue --dir "$T/iss" --doctype $ID --device-key "$T/mw.pub" \
	--claims "$T/id.claims" -o "$T/mw-id.mdoc"
ok "$AMANA" cred import "$T/mw-id.mdoc" --wallet "$T/mw"
checks=$((checks + 1))
if ! "$AMANA" vault init "$T/v2" --passphrase-fd 3 3<"$T/pass" >"$T/init2.out" 2>"$T/init2.err"; then
	fails=$((fails + 1)); echo "FAILED: vault init v2"; fi
sed -n '3,6p' "$T/init2.out" | tr '\n' ' ' >"$T/words2"
R2=(--vault "$T/v2" --recovery-fd 3)
ok "$AMANA" cred migrate --wallet "$T/mw" "${R2[@]}" 3<"$T/words2"
has "moved the device key and 1 credential"
truth "the wallet's device.key is gone" '[ ! -e "$T/mw/device.key" ] && [ ! -e "$T/mw" ]'
ok "$AMANA" cred device-key "${R2[@]}" 3<"$T/words2"
truth "the vault holds the wallet's key" '[ "$(cat "$T/last.out")" = "$(cat "$T/mw.pub")" ]'
ok "$VERIFY" request --doctype $ID --element given_name --element nationality -o "$T/req-mw.cbor"
ok "$AMANA" present "$T/req-mw.cbor" "${R2[@]}" --yes -o "$T/resp-mw.cbor" 3<"$T/words2"
ok "${CHECK[@]}" "$T/resp-mw.cbor" --request "$T/req-mw.cbor"
has "ACCEPTED"
rc_is 1 "$AMANA" cred migrate --wallet "$T/mw" "${R2[@]}" 3<"$T/words2"
has "not found"
# a vault with another device key refuses a wallet's; the wallet stays
rc_is 2 "$AMANA" cred migrate --wallet "$T/other" "${R[@]}" 3<"$T/words"
has "holds another one"
truth "refused: the wallet is untouched" '[ -s "$T/other/device.key" ]'

echo "$checks checks, $fails failed"
[ "$fails" = 0 ]
