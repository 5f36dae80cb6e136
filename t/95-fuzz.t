#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Fuzzing the parsers that read raw client input (paths, JSON bodies,
# sizes) and the response writer (headers, body) with libFuzzer under ASan and UBSan: no crash, leak or undefined
# behaviour. FUZZ_SECONDS (default 20) per target here; longer runs:
# `make fuzz-run FUZZ_SECONDS=600`.
set -u
build=${RBD_REST_API_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
src=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-20}
n=0
failed=0

if ! make -s -C "$build" fuzz >"$build/t/fuzz-build.log" 2>&1; then
	echo "not ok 1 - the fuzz targets build (see t/fuzz-build.log)"
	sed 's/^/# /' "$build/t/fuzz-build.log" | tail -n 20
	echo "1..1"
	exit 1
fi
for target in size router json_body utf8 response; do
	n=$((n + 1))
	work=$(mktemp -d)
	log=$build/t/fuzz-$target.log
	"$build/t/fuzz/fuzz_$target" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$build/t/fuzz-$target-" "$work" "$src/t/fuzz/corpus/$target" \
		>"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rm -rf "$work"
	if [ "$rc" -eq 0 ]; then
		echo "ok $n - fuzz_$target: ${execs:-?} inputs in ${seconds}s, no crash, leak or UB"
	else
		failed=1
		echo "not ok $n - fuzz_$target failed (exit $rc); crash input saved as t/fuzz-$target-*"
		grep -m 20 'ERROR\|SUMMARY\|runtime error' "$log" | sed 's/^/# /'
	fi
	echo "# fuzz: target=$target execs=${execs:-0} seconds=$seconds"
done
echo "1..$n"
exit "$failed"
