#!/usr/bin/env bash
# run.sh SCRIPT [ARGS]: runs one journey (or a journey test) on a fresh state
# directory, removed afterwards; the test suite's entry point. J_BUILD and
# AMANA_DATA come from the environment (tests/journeys/meson.build).
set -u
J_STATE=$(mktemp -d /tmp/amana-journey.XXXXXX) || exit 3
export J_STATE
script=$1; shift
bash "$script" "$@"
rc=$?
# Stop any token simulator the journey left (normally none).
for p in "$J_STATE"/token/*/pid "$J_STATE"/lost/token/pid; do
	[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
done
rm -rf "$J_STATE" "/tmp/amana-j-$(printf '%s' "$J_STATE" | sha256sum | cut -c1-12)"
exit $rc
