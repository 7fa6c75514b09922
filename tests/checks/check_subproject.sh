#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Use libtdxcore as a meson subproject from a tiny consumer project:
# dependency('tdxcore') must resolve through meson.override_dependency.
# Usage: check_subproject.sh SRCDIR
set -eu
src=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/app/subprojects"
ln -s "$src" "$tmp/app/subprojects/tdxcore"
cat > "$tmp/app/meson.build" <<'M'
project('app', 'c', default_options: ['c_std=c11'])
subproject('tdxcore', default_options: ['tests=disabled', 'examples=false',
                                        'benchmarks=false', 'docs=disabled'])
exe = executable('app', 'app.c', dependencies: dependency('tdxcore'))
test('app', exe)
M
cat > "$tmp/app/app.c" <<'C'
#include <stdio.h>
#include <tdxcore/tdxcore.h>
int main(void)
{
	const char *v;
	tdxc_version(&v);
	printf("subproject consumer: libtdxcore %s, %s\n", v, tdxc_strerror(TDXC_ENOSPC));
	return tdxc_version(NULL) == TDXC_VERSION_NUMBER ? 0 : 1;
}
C
cd "$tmp/app"
meson setup build >/dev/null
meson compile -C build app >/dev/null
./build/app
