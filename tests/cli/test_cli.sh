#!/bin/sh
# The amana program's conventions: --help, --version, unknown command (exit 2).
# usage: test_cli.sh PATH-TO-amana
amana=$1
fail=0
expect() { # expect CODE DESCRIPTION CMD...
	want=$1; what=$2; shift 2
	out=$("$@" 2>&1); got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit $got, expected $want"; echo "$out"; fail=1
	else
		echo "ok: $what (exit $got)"
	fi
	LAST=$out
}
expect 0 "--help" "$amana" --help
echo "$LAST" | grep -q "usage: amana <command>" || { echo "FAIL: --help has no usage line"; fail=1; }
expect 0 "--version" "$amana" --version
echo "$LAST" | grep -Eq '^amana [0-9]+\.[0-9]+\.[0-9]+$' || { echo "FAIL: --version: '$LAST'"; fail=1; }
expect 2 "unknown command" "$amana" frobnicate
echo "$LAST" | grep -q "unknown command 'frobnicate'" || { echo "FAIL: unknown command message: '$LAST'"; fail=1; }
expect 2 "no command" "$amana"
expect 2 "unknown option" "$amana" --frob
expect 0 "command --help" "$amana" version --help
echo "$LAST" | grep -q "usage: amana version" || { echo "FAIL: version --help"; fail=1; }
expect 0 "help command" "$amana" help version
exit $fail
