#!/bin/sh
# test_amana_token_cli.sh AMANA-TOKEN: the simulator follows the CLI
# conventions (docs/0002): help and version exit 0, usage errors 2, an
# unusable flash file or socket path 3.
set -u
prog=$1
fail=0
expect() {
	want=$1
	shift
	"$@" >/dev/null 2>&1
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: '$*' exited $got, expected $want"
		fail=1
	else
		echo "ok: '$*' -> $got"
	fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
expect 0 "$prog" --help
expect 0 "$prog" serve --help
expect 0 "$prog" --version
expect 2 "$prog"
expect 2 "$prog" serve
expect 2 "$prog" serve --socket "$tmp/s"
expect 2 "$prog" serve --socket "$tmp/s" --flash "$tmp/f" --bogus
expect 3 "$prog" serve --socket "$tmp/s" --flash "$tmp/no/such/dir/flash"
expect 3 "$prog" serve --socket "$tmp/no/such/dir/s" --flash "$tmp/f"
exit $fail
