#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run every libFuzzer target of a fuzzing build for a bounded time over a
# copy of its seed corpus; fail on the first crash, leak or timeout.
# Usage: tests/fuzz/run.sh BUILDDIR [SECONDS]
set -eu
build=$1; secs=${2:-30}
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
n=0; failed=0
for exe in $(find "$build/tests/fuzz" -type f -name 'fuzz_*' -perm -u+x | sort); do
	name=$(basename "$exe")
	mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
	if [ -d "$src/tests/fuzz/corpus/$name" ]; then
		cp -r "$src/tests/fuzz/corpus/$name/." "$work/$name/corpus/"
	fi
	printf '%-28s ' "$name"
	if "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/$name/artifacts/" "$work/$name/corpus" \
		> "$work/$name/log" 2>&1; then
		runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name/log" | grep -o '[0-9]*$' || echo '?')
		echo "ok ($runs runs in ${secs}s)"
	else
		echo "FAILED"; tail -n 40 "$work/$name/log"
		for a in "$work/$name/artifacts/"*; do
			[ -f "$a" ] || continue
			echo "reproducer ($a, $(wc -c < "$a") bytes):"
			od -A x -t x1z "$a" | head -n 20
			# the whole input, to rebuild it with base64 -d
			echo "base64:"; head -c 16384 "$a" | base64 -w 0; echo
		done
		failed=$((failed + 1))
	fi
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "no fuzz targets found in $build"; exit 1; }
echo "fuzz: $n targets, $failed failed"
[ "$failed" -eq 0 ]
