#!/bin/sh
# build.sh OUT MBEDTLS TARGET... [--core FILE...] [--match FILE...] [--inc DIR...]
# meson's custom_target calls this: it turns the source lists (paths
# relative to meson's build directory) into absolute paths and runs the
# Makefile beside this script with them. TARGETs are Makefile targets.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
mbedtls=$2
shift 2
targets="" core="" match="" incs="" list=targets
for a in "$@"; do
	case "$a" in
	--core) list=core; continue ;;
	--match) list=match; continue ;;
	--inc) list=incs; continue ;;
	esac
	case $list in
	targets) targets="$targets $a" ;;
	*) p=$(realpath "$a"); eval "$list=\"\$$list \$p\"" ;;
	esac
done
exec make -s -C "$here" OUT="$(realpath "$out")" MBEDTLS="$mbedtls" \
	CORE_SRCS="$core" MATCH_SRCS="$match" INCS="$incs" $targets
