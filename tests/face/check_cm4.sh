#!/bin/sh
# The face template comparison must build for the token's Cortex-M4 exactly
# as the firmware compiles it: freestanding, single-precision only.
# usage: check_cm4.sh SOURCE-ROOT
root=$1
cc=arm-none-eabi-gcc
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "SKIP: $cc not installed"
	exit 77
fi
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT
"$cc" -std=c11 -ffreestanding -mcpu=cortex-m4 -mthumb -mfloat-abi=hard \
	-mfpu=fpv4-sp-d16 -O2 -Wall -Wextra -Wconversion -Wsign-conversion \
	-Wdouble-promotion -Werror -I"$root/matcher/include" \
	-c "$root/matcher/face/template.c" -o "$out/template.o" || exit 1
# No call out of the file: no libm, no libc, no double-precision helpers.
undef=$(arm-none-eabi-nm -u "$out/template.o")
if [ -n "$undef" ]; then
	echo "FAIL: template.o needs external symbols:"
	echo "$undef"
	exit 1
fi
echo "ok: template.c builds for cortex-m4 with no external symbols"
