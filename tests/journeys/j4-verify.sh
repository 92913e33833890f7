#!/usr/bin/env bash
# Journey 4: verify offline, by the officer. The verifier runs in a
# directory holding only the officer's kit (trust list, pinned key, status
# cache), the request it made and the photos of the worker's QR codes, in
# a network namespace without any network (unshare -n, when the system
# allows it). It scans the codes, checks the certificate chain to the
# trust list, the issuer signature, the digests, the validity, the device
# signature over this session and the status entry, and shows exactly the
# disclosed elements.
. "$(dirname "$0")/lib.sh"
j_begin 4 "verify offline"
j_require 3
O=$J_STATE/officer W=$J_STATE/wire
C=$O/checkpoint
rm -rf "$C"
mkdir -p "$C"
cp -r "$O/kit/." "$C/"
cp "$O/request.cbor" "$C/request.cbor"
n=0 photos=()
for f in "$W"/response*.png; do n=$((n + 1)); cp "$f" "$C/photo-$n.png"; photos+=("photo-$n.png"); done

party "labour officer: what the verifier has (and nothing else)"
( cd "$C" && find . -type f -printf '%P  %s bytes\n' | sort ) | sed 's/^/          /' | { [ "$J_QUIET" = 1 ] && cat >/dev/null || cat; }
offline_in "$C"
say "run with $OFF_NET"
if run scan "${OFF[@]}" "$VERIFY" qr scan "${photos[@]}" -o response.cbor; then
	ok "QR photos scanned: $(bytes "$C/response.cbor") bytes of DeviceResponse (SHA-256 of the set checked)"
else
	bad "QR scan"; show
fi
if run check "${OFF[@]}" "$VERIFY" check response.cbor --request request.cbor --trust trust-list \
	--trust-key trust.pub --status-dir status --require-status; then
	ok "ACCEPTED"
else
	bad "the verifier rejected the response"
fi
show
grep -q ACCEPTED "$J_OUT" || bad "no ACCEPTED in the verifier's output"
run checkjson "${OFF[@]}" "$VERIFY" check response.cbor --request request.cbor --trust trust-list \
	--trust-key trust.pub --status-dir status --require-status --json
cp "$J_OUT" "$J_STATE/wire/verify-result.json"
# Exactly the requested elements, nothing else.
grep -o '"identifier":"[^"]*"' "$J_OUT" | cut -d'"' -f4 | sort >"$O/disclosed-elements"
disclosed=$(wc -l <"$O/disclosed-elements")
if [ "$disclosed" -gt 0 ] && cmp -s "$O/disclosed-elements" "$O/requested-elements"; then
	ok "disclosed exactly the $disclosed requested elements: $(tr '\n' ' ' <"$O/disclosed-elements")"
else
	bad "disclosed elements differ from the requested ones: $(tr '\n' ' ' <"$O/disclosed-elements")"
fi
party "what crossed at the checkpoint"
crossed officer phone "request, as a QR code (PNG)" "$W/request.png"
crossed phone officer "response, as QR code(s) (PNG)" "$W"/response*.png
j_end "accepted offline$([[ $OFF_NET == "no network at all"* ]] && echo ' in a namespace without network') from $n QR photo(s); trust chain, issuer signature, digests, validity, device signature, status checked"
