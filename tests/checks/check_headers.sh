#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Every public header compiles on its own under C99, C11 and C++11 with
# -pedantic-errors. Usage: check_headers.sh SRCDIR CC CXX
set -eu
src=$1; cc=$2; cxx=$3
n=0
for h in "$src"/include/tdxcore/*.h; do
	name=tdxcore/$(basename "$h")
	for std in c99 c11; do
		printf '#include <%s>\n' "$name" | $cc -std=$std -pedantic-errors -Wall -Wextra \
			-Werror -I"$src/include" -fsyntax-only -x c - ||
			{ echo "FAIL: $name under $std"; exit 1; }
	done
	if command -v "$cxx" >/dev/null 2>&1; then
		printf '#include <%s>\n' "$name" | $cxx -std=c++11 -pedantic-errors -Wall -Wextra \
			-Werror -I"$src/include" -fsyntax-only -x c++ - ||
			{ echo "FAIL: $name under C++11"; exit 1; }
	else
		echo "no C++ compiler ($cxx): C++11 check not run"; exit 77
	fi
	n=$((n + 1))
done
echo "$n headers compile alone under C99, C11 and C++11"
