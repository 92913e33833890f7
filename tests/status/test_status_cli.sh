#!/usr/bin/env bash
# The status list commands end to end: amana-issuer status create / alloc /
# revoke / suspend / reinstate / get / publish, and amana-verify status
# load / show (trusted signer only, no rollback, expiry shown); the token
# carried as QR codes (amana-verify qr encode, then scan) arrives intact.
set -u
issuer=$1 verify=$2
# Until both programs list these subcommands (they are added to the
# programs' command tables separately), there is nothing to test.
for p in "$issuer status" "$verify status" "$verify qr"; do
	$p --help >/dev/null 2>&1 || { echo "SKIP: '$p' is not a command yet"; exit 77; }
done
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect() { # expect CODE CMD...
	local want=$1; shift
	"$@" >"$w/out" 2>"$w/err"; local got=$?
	if [ "$got" = "$want" ]; then ok "$* -> $got"; else bad "$* -> $got (want $want)"; cat "$w/out" "$w/err"; fi
}
uri=https://issuer.amana.example/status/workers
t0=2026-11-01T00:00:00Z

expect 0 "$issuer" init --dir "$w/iss" --now $t0
expect 0 "$issuer" init --dir "$w/other" --now $t0
expect 0 "$issuer" status create --dir "$w/iss" --uri $uri --bits 2 --size 1024
expect 2 "$issuer" status create --dir "$w/iss" --uri $uri --bits 2 --size 1024 # exists: usage
a=$("$issuer" status alloc --dir "$w/iss" --uri $uri) || bad "alloc"
b=$("$issuer" status alloc --dir "$w/iss" --uri $uri) || bad "alloc"
[ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ] && ok "two distinct indices $a $b" || bad "indices '$a' '$b'"
expect 0 "$issuer" status revoke --dir "$w/iss" --uri $uri --idx "$a"
expect 0 "$issuer" status suspend --dir "$w/iss" --uri $uri --idx "$b"
expect 0 "$issuer" status reinstate --dir "$w/iss" --uri $uri --idx "$b"
expect 2 "$issuer" status reinstate --dir "$w/iss" --uri $uri --idx "$a" # revocation is final
[ "$("$issuer" status get --dir "$w/iss" --uri $uri --idx "$a")" = revoked ] && ok "get revoked" || bad "get $a"
[ "$("$issuer" status get --dir "$w/iss" --uri $uri --idx "$b")" = valid ] && ok "get valid" || bad "get $b"

expect 0 "$issuer" status publish --dir "$w/iss" --uri $uri --hours 24 --now 2026-11-02T00:00:00Z -o "$w/list-old.cwt"
expect 0 "$issuer" status publish --dir "$w/iss" --uri $uri --hours 24 --now 2026-11-03T00:00:00Z -o "$w/list.cwt"
# Only a list whose signer chains to a trusted root is taken.
expect 1 "$verify" status load --status-dir "$w/cache" --root "$w/other/root.crt" --now 2026-11-03T01:00:00Z "$w/list.cwt"
expect 0 "$verify" status load --status-dir "$w/cache" --root "$w/iss/root.crt" --now 2026-11-03T01:00:00Z "$w/list.cwt"
# An older list must not replace the newer one.
expect 1 "$verify" status load --status-dir "$w/cache" --root "$w/iss/root.crt" --now 2026-11-03T01:00:00Z "$w/list-old.cwt"
expect 0 "$verify" status show --status-dir "$w/cache" --now 2026-11-03T02:00:00Z
grep -q "1 revoked, 0 suspended" "$w/out" && ok "show counts" || { bad "show counts"; cat "$w/out"; }
grep -q EXPIRED "$w/out" && bad "fresh list shown expired" || ok "fresh list"
expect 0 "$verify" status show --status-dir "$w/cache" --now 2026-11-05T00:00:00Z
grep -q EXPIRED "$w/out" && ok "expired list reported" || bad "expired not reported"
expect 0 "$verify" status show --status-dir "$w/cache" --json --now 2026-11-05T00:00:00Z
grep -q '"expired": *true' "$w/out" && ok "json expired" || { bad "json"; cat "$w/out"; }

# The token as QR codes (small ones, to force a set) and back.
expect 0 "$verify" qr encode "$w/list.cwt" --max-version 5 --png "$w/code.png"
n=$(ls "$w"/code-*.png 2>/dev/null | wc -l)
[ "$n" -ge 2 ] && ok "$n codes" || bad "expected a multi-code set, got $n"
expect 0 "$verify" qr scan $(ls "$w"/code-*.png | sort -r) -o "$w/back.cwt"
cmp -s "$w/list.cwt" "$w/back.cwt" && ok "scanned token identical" || bad "scanned token differs"
rm -f "$w/code-1.png"
expect 4 "$verify" qr scan "$w"/code-*.png -o "$w/back2.cwt"
grep -q "missing part(s) of $n: 1" "$w/err" && ok "missing part named" || { bad "missing part message"; cat "$w/err"; }

# With the signer's certificate as shared dictionary: one smaller code,
# unreadable without the certificate.
expect 0 "$verify" qr encode "$w/list.cwt" --png "$w/plain.png"
v_plain=$(sed -n 's/^code 1\/1: version \([0-9]*\).*/\1/p' "$w/err")
expect 0 "$verify" qr encode "$w/list.cwt" --dict "$w/iss/ds.crt" --png "$w/dict.png"
v_dict=$(sed -n 's/^code 1\/1: version \([0-9]*\).*/\1/p' "$w/err")
[ -n "$v_dict" ] && [ -n "$v_plain" ] && [ "$v_dict" -lt "$v_plain" ] && ok "dictionary: version $v_plain -> $v_dict" || bad "dictionary versions '$v_plain' '$v_dict'"
expect 4 "$verify" qr scan "$w/dict.png" -o "$w/back3.cwt"
expect 0 "$verify" qr scan "$w/dict.png" --dict "$w/iss/ds.crt" -o "$w/back3.cwt"
cmp -s "$w/list.cwt" "$w/back3.cwt" && ok "dictionary round trip" || bad "dictionary round trip"

echo "$fails failed"
[ "$fails" = 0 ]
