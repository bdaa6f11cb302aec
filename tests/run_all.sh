#!/usr/bin/env bash
# run_all.sh - every test suite; the last line is "N passed, N failed".
#
# Suites: unit tests (under ASan + UBSan), CLI golden tests, VADER
# conformance (when ../shared/conformance exists), and any tests/*.sh
# suite that prints its own "N passed, N failed" line.
set -u
cd "$(dirname "$0")/.."

passed=0 failed=0 skipped=0

# Adds the counts from a suite's "... N passed, N failed" line.
tally() {
    local line p f
    line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
    if [ -z "$line" ]; then
        echo "FAIL $2: no result line"
        failed=$((failed + 1))
        return
    fi
    p=$(echo "$line" | sed -E 's/^(.*[^0-9])?([0-9]+) passed.*/\2/')
    f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    passed=$((passed + p))
    failed=$((failed + f))
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== unit tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
    build/unit >"$log" 2>&1
rc=$?
grep -E '^(FAIL|unit:)|ERROR|runtime error' "$log" | head -50
tally "$log" unit
if [ $rc -ne 0 ] && ! grep -qE ' [1-9][0-9]* failed' "$log"; then
    echo "FAIL unit: exit $rc"; tail -30 "$log"; failed=$((failed + 1))
fi

for suite in tests/suites/*.sh; do
    [ -e "$suite" ] || continue
    echo "== $(basename "$suite" .sh)"
    bash "$suite" >"$log" 2>&1
    rc=$?
    grep -E '^(FAIL|SKIP|ok:|conformance:|note:)|[0-9]+ passed, [0-9]+ failed' "$log" | head -60
    tally "$log" "$(basename "$suite")"
    if [ $rc -ne 0 ] && ! grep -qE ' [1-9][0-9]* failed' "$log"; then
        echo "FAIL $(basename "$suite"): exit $rc"; tail -20 "$log"
        failed=$((failed + 1))
    fi
    n=$(grep -c '^SKIP' "$log")
    skipped=$((skipped + n))
done

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
