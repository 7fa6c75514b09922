#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ABI guard: compare the built shared library with the committed baseline.
# Usage: check_abi.sh SRCDIR SHARED_LIB
# Regenerate the baseline on purpose with: meson compile -C build abi-baseline
set -eu
src=$1; so=$2
base="$src/abi/libtdxcore.abi"
if [ ! -f "$base" ]; then
	echo "SKIP: no ABI baseline yet ($base); it is committed with the first release"
	exit 77
fi
if ! command -v abidiff >/dev/null 2>&1; then
	echo "SKIP: abidiff not installed (apt-get install abigail-tools)"; exit 77
fi
abidiff --headers-dir2 "$src/include/tdxcore" --drop-private-types "$base" "$so"
echo "ABI matches the baseline"
