#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The freestanding archive references nothing but memcpy/memmove/memset/memcmp
# and links whole, with -nostdlib -static and without --gc-sections.
# Usage: check_freestanding.sh ARCHIVE CC SRCDIR
set -eu
ar=$1; cc=$2; src=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# Undefined references of the archive as a whole: what its objects use
# minus what its objects define.
nm -u "$ar" | awk 'NF==2 && $1=="U" {print $2}' | sort -u > "$tmp/used"
nm -g --defined-only "$ar" | awk 'NF==3 {print $3}' | sort -u > "$tmp/defined"
undef=$(comm -23 "$tmp/used" "$tmp/defined")
bad=$(printf '%s\n' "$undef" | grep -v -x -E 'memcpy|memmove|memset|memcmp|' || true)
if [ -n "$bad" ]; then
	echo "freestanding archive references forbidden symbols:"; echo "$bad"; exit 1
fi
echo "undefined references: $(echo $undef)"
cinc=$($cc -print-file-name=include)
$cc -c -ffreestanding -nostdinc -idirafter "$cinc" -fno-pic -fno-stack-protector \
    -mno-red-zone -mgeneral-regs-only -O2 -I"$src/include" \
    "$src/tests/checks/fs_entry.c" -o "$tmp/entry.o"
$cc -nostdlib -static -no-pie -o "$tmp/kernel.elf" "$tmp/entry.o" \
    -Wl,--whole-archive "$ar" -Wl,--no-whole-archive
echo "whole-archive -nostdlib -static link: ok ($(wc -c < "$tmp/kernel.elf") bytes)"
