#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Install into a DESTDIR, then build a tiny out-of-tree consumer with
# pkg-config against the shared and the static library and run both.
# Usage: check_install.sh BUILDDIR SRCDIR CC
set -eu
build=$1; src=$2; cc=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
meson install -C "$build" --no-rebuild --quiet --destdir "$tmp/root" >/dev/null
pc=$(find "$tmp/root" -name tdxcore.pc | head -n 1)
[ -n "$pc" ] || { echo "tdxcore.pc not installed"; exit 1; }
for f in tdxcore.h common.h xsave.h memregion.h apboot.h vtlctx.h irqfilter.h bpool.h snapshot.h; do
	find "$tmp/root" -path "*/include/tdxcore/$f" | grep -q . || { echo "header $f not installed"; exit 1; }
done
export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$tmp/root"
cflags=$(pkg-config --cflags tdxcore)
libs=$(pkg-config --libs tdxcore)
echo "pkg-config --cflags --libs tdxcore: $cflags $libs"
cat > "$tmp/consumer.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <tdxcore/tdxcore.h>
int main(void)
{
	const char *v;
	if (tdxc_version(&v) != TDXC_VERSION_NUMBER || strcmp(v, TDXC_VERSION_STRING))
		return 1;
	if (strcmp(tdxc_strerror(TDXC_EINVAL), "invalid argument"))
		return 2;
	printf("consumer linked libtdxcore %s\n", v);
	return 0;
}
C
libdir=$(dirname "$(find "$tmp/root" -name 'libtdxcore.so.0' | head -n 1)")
$cc $cflags "$tmp/consumer.c" -o "$tmp/consumer-shared" $libs
LD_LIBRARY_PATH="$libdir" "$tmp/consumer-shared"
ldd_out=$(LD_LIBRARY_PATH="$libdir" ldd "$tmp/consumer-shared")
echo "$ldd_out" | grep -q "libtdxcore.so.0 => $libdir" || { echo "not linked against the installed .so"; echo "$ldd_out"; exit 1; }
static_libs=$(pkg-config --libs --static tdxcore | sed 's/-ltdxcore//')
$cc $cflags "$tmp/consumer.c" -o "$tmp/consumer-static" "$libdir/libtdxcore.a" $static_libs
"$tmp/consumer-static"
if LD_LIBRARY_PATH= ldd "$tmp/consumer-static" | grep -q libtdxcore; then
	echo "static consumer still needs libtdxcore.so"; exit 1
fi
echo "install, pkg-config, shared and static consumers: ok"
