#!/usr/bin/env bash
# fuzz_replay.sh - every fuzz target's seed corpus (tests/fuzz/corpus/NAME)
# replayed through the target built without libFuzzer, under ASan and
# UBSan (build/fuzz-replay/NAME, tests/fuzz/replay.c): one check per
# input, one run per target. A target's abort() or a sanitizer's report fails its input.
# `make fuzz` is the real fuzzing; this keeps the found inputs passing.
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

n=0
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    bin=build/fuzz-replay/$name
    corpus=tests/fuzz/corpus/$name
    if [ ! -x "$bin" ]; then
        bad "$name: $bin missing (make check builds it)"
        continue
    fi
    n=$((n + 1))
    [ -d "$corpus" ] || { bad "$name: no seed corpus $corpus"; continue; }
    # one run per target (a sanitizer's start-up is slow); the driver
    # prints each input's path before running it
    count=$(find "$corpus" -maxdepth 1 -type f | wc -l)
    if "$bin" "$corpus" >"$tmp/out" 2>&1 &&
        grep -qx "replay: $count inputs" "$tmp/out"; then
        pass=$((pass + count))
    else
        bad "$name: $(grep '^replay ' "$tmp/out" | tail -n 1)"
        tail -20 "$tmp/out"
    fi
done
[ "$n" -ge 4 ] && ok || bad "fewer than 4 fuzz targets built"

# The driver fails when it has nothing to run or cannot read an input.
if [ -x build/fuzz-replay/fuzz_date ]; then
    if build/fuzz-replay/fuzz_date "$tmp/none" >/dev/null 2>&1; then
        bad "replay accepts a missing input"
    else
        ok
    fi
    mkdir -p "$tmp/empty"
    if build/fuzz-replay/fuzz_date "$tmp/empty" >/dev/null 2>&1; then
        bad "replay accepts an empty folder"
    else
        ok
    fi
fi
echo "fuzz_replay: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
