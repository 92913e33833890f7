#!/bin/bash
# test_cli.sh: `amana vault` end to end with the shipped library (Argon2id
# MODERATE): init prints the recovery words once, add/list/show/get/rm,
# wrong passphrase exit code, passwd, duress decoy, export/import, slots.
set -u
A=$1
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
V=$D/vault
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1" >&2; fails=$((fails + 1)); }
expect() { # expect CODE DESCRIPTION -- command...
	local want=$1 what=$2
	shift 3
	"$@" >"$D/out" 2>"$D/err"
	local got=$?
	if [ "$got" = "$want" ]; then ok "$what"; else bad "$what (exit $got, want $want): $(cat "$D/err")"; fi
}

echo "pw one" >"$D/p1"; echo "pw two" >"$D/p2"; echo "tea with milk" >"$D/pd"
expect 0 "init" -- "$A" vault init "$V" --passphrase-fd 3 --recovery-png "$D/rk.png" 3<"$D/p1"
cp "$D/out" "$D/init.out"
sed -n '3,6p' "$D/init.out" | tr '\n' ' ' >"$D/words"
[ "$(wc -w <"$D/words")" = 22 ] && ok "22 recovery words" || bad "recovery words: $(cat "$D/words")"
head -c 8 "$D/rk.png" | od -c | grep -q 'P   N   G' && ok "recovery QR png" || bad "recovery QR png"
expect 2 "init twice refused" -- "$A" vault init "$V" --passphrase-fd 3 3<"$D/p1"

printf 'PASSPORT SCAN of worker 4711\n' >"$D/scan.txt"
head -c 300000 /dev/urandom >"$D/photo.bin"
R=(--recovery-fd 3)
expect 0 "add" -- "$A" vault add "$V" "$D/scan.txt" --name passport --kind passport --number X1234567 \
	--country NP --expiry 2031-04-30 "${R[@]}" 3<"$D/words"
expect 0 "add binary" -- "$A" vault add "$V" "$D/photo.bin" "${R[@]}" 3<"$D/words"
expect 2 "add duplicate name" -- "$A" vault add "$V" "$D/photo.bin" "${R[@]}" 3<"$D/words"
expect 0 "list --json" -- "$A" vault list "$V" --json "${R[@]}" 3<"$D/words"
grep -q '"passport"' "$D/out" && grep -q 'photo.bin' "$D/out" && ok "list shows both" || bad "list: $(cat "$D/out")"
expect 0 "show" -- "$A" vault show "$V" passport "${R[@]}" 3<"$D/words"
grep -q 'X1234567' "$D/out" && ok "show metadata" || bad "show: $(cat "$D/out")"
expect 0 "get" -- "$A" vault get "$V" photo.bin -o "$D/photo.out" "${R[@]}" 3<"$D/words"
cmp -s "$D/photo.bin" "$D/photo.out" && ok "get byte-identical" || bad "get differs"
grep -rqa 'PASSPORT SCAN\|X1234567' "$V" && bad "plaintext on disk" || ok "no plaintext on disk"

expect 1 "wrong passphrase: exit 1" -- "$A" vault list "$V" --passphrase-fd 3 3<"$D/p2"
grep -q 'wrong passphrase' "$D/err" && ok "wrong passphrase message" || bad "message: $(cat "$D/err")"
expect 0 "passwd" -- "$A" vault passwd "$V" --passphrase-fd 3 --new-passphrase-fd 4 3<"$D/p1" 4<"$D/p2"
expect 1 "old passphrase refused" -- "$A" vault unlock "$V" --passphrase-fd 3 3<"$D/p1"
expect 0 "new passphrase opens" -- "$A" vault unlock "$V" --passphrase-fd 3 3<"$D/p2"

expect 0 "add duress" -- "$A" vault slots "$V" add-duress --new-passphrase-fd 4 "${R[@]}" 3<"$D/words" 4<"$D/pd"
expect 0 "decoy content" -- "$A" vault add "$V" "$D/scan.txt" --name bus-timetable --decoy "${R[@]}" 3<"$D/words"
expect 0 "duress opens" -- "$A" vault list "$V" --passphrase-fd 3 3<"$D/pd"
grep -q 'bus-timetable' "$D/out" && ! grep -q 'passport' "$D/out" && ok "duress shows the decoy only" \
	|| bad "duress list: $(cat "$D/out")"
expect 0 "duress slots" -- "$A" vault slots "$V" --passphrase-fd 3 3<"$D/pd"
grep -q duress "$D/out" && bad "decoy reveals duress" || ok "decoy shows a plain passphrase slot"
expect 0 "real slots" -- "$A" vault slots "$V" "${R[@]}" 3<"$D/words"
grep -q duress "$D/out" && grep -q recovery "$D/out" && ok "real vault lists duress" || bad "slots: $(cat "$D/out")"

expect 0 "export" -- "$A" vault export "$V" "$D/backup" "${R[@]}" 3<"$D/words"
expect 0 "import" -- "$A" vault import "$D/backup" "$D/restored" "${R[@]}" 3<"$D/words"
expect 0 "get from restored" -- "$A" vault get "$D/restored" photo.bin -o "$D/photo2.out" "${R[@]}" 3<"$D/words"
cmp -s "$D/photo.bin" "$D/photo2.out" && ok "restored byte-identical" || bad "restored differs"
# a failed import leaves nothing behind (it restores beside the target, checks, then renames)
size=$(stat -c %s "$D/backup")
head -c $((size - 1000)) "$D/backup" >"$D/truncated"
expect 4 "truncated backup refused" -- "$A" vault import "$D/truncated" "$D/r2" "${R[@]}" 3<"$D/words"
grep -q "nothing restored" "$D/err" && ok "says nothing was restored" || bad "truncated: $(cat "$D/err")"
echo "not the passphrase" >"$D/pwrong"
expect 1 "wrong passphrase refused" -- "$A" vault import "$D/backup" "$D/r3" --passphrase-fd 3 3<"$D/pwrong"
expect 2 "import over an existing directory refused" -- "$A" vault import "$D/backup" "$D/restored" "${R[@]}" 3<"$D/words"
leftover=$(find "$D" -maxdepth 1 -name 'r2*' -o -maxdepth 1 -name 'r3*' -o -maxdepth 1 -name '*.importing-*')
[ -z "$leftover" ] && ok "no partial vault left" || bad "left behind: $leftover"

expect 0 "rm" -- "$A" vault rm "$V" passport "${R[@]}" 3<"$D/words"
expect 1 "rm again: not found" -- "$A" vault rm "$V" passport "${R[@]}" 3<"$D/words"
# sessions: unlock keeps the key in the kernel session keyring, lock ends it
# (setsid: no controlling terminal, so a missing secret cannot prompt)
expect 0 "lock" -- "$A" vault lock "$V"
expect 2 "locked: no secret, no session" -- setsid -w "$A" vault list "$V"
expect 0 "unlock for 60 s" -- "$A" vault unlock "$V" --timeout 60 "${R[@]}" 3<"$D/words"
expect 0 "unlocked: no secret needed" -- setsid -w "$A" vault list "$V"
grep -q photo.bin "$D/out" && ok "session lists the real vault" || bad "session list: $(cat "$D/out")"
expect 0 "lock again" -- "$A" vault lock "$V"
expect 2 "locked again" -- setsid -w "$A" vault list "$V"
echo "$fails failed"
[ "$fails" = 0 ]
