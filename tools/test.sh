#!/usr/bin/env bash
# Installs what is missing, builds and runs the whole test suite twice:
# once in build/ (debugoptimized) and once in build-asan/ with
# AddressSanitizer + UndefinedBehaviorSanitizer.
# Usage: tools/test.sh [--no-sanitizers]
set -euo pipefail
cd "$(dirname "$0")/.."

sanitizers=1
[ "${1:-}" = "--no-sanitizers" ] && sanitizers=0

tools/install-deps.sh
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1

passed=0
failed=0
run_suite() { # build-dir, meson setup options...
	local dir=$1; shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
	meson compile -C "$dir"
	local log
	log=$(mktemp)
	set +e
	meson test -C "$dir" --print-errorlogs --num-processes 2 | tee "$log"
	set -e
	# Count individual test cases from meson's JUnit log; a crashed or
	# timed-out test program counts as one failure.
	read -r p f < <(python3 - "$dir/meson-logs/testlog.junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
p = f = 0
for case in root.iter("testcase"):
    bad = case.find("failure") is not None or case.find("error") is not None
    f += bad
    p += not bad
print(p, f)
PY
)
	passed=$((passed + p))
	failed=$((failed + f + $(awk '/^Fail:/ {print $2}' "$log") + $(awk '/^Timeout:/ {print $2}' "$log")))
	rm -f "$log"
}

run_suite build
if [ "$sanitizers" = 1 ]; then
	run_suite build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false \
		-Dbuildtype=debug
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
