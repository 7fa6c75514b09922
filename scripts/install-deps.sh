#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Install what building and testing libtdxcore needs on Debian/Ubuntu, only
# when something is missing (idempotent). Usage: install-deps.sh [demo|test|ci]
set -eu
profile=${1:-test}
pkgs="meson ninja-build pkg-config gcc libc6-dev python3 libcpuid-dev zlib1g-dev uthash-dev"
case "$profile" in
demo) ;;
test) pkgs="$pkgs g++ libcmocka-dev abigail-tools qemu-system-x86 valgrind" ;;
ci) pkgs="$pkgs g++ libcmocka-dev abigail-tools qemu-system-x86 valgrind clang" ;;
*) echo "usage: $0 [demo|test|ci]" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "missing packages:$missing (no apt-get here: install them by hand)" >&2
	exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
