#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Set up, build and run the demo program (README quick start, first line).
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh demo
[ -f build-demo/build.ninja ] || meson setup build-demo -Dtests=disabled -Dbenchmarks=false >/dev/null
meson compile -C build-demo examples/tdxc-demo >/dev/null
exec build-demo/examples/tdxc-demo "$@"
