#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Set up, build and run the whole test suite (README quick start, second line).
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh test
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build
meson test -C build --print-errorlogs "$@"
