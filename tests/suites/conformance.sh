#!/usr/bin/env bash
# conformance.sh - earful's VADER against the reference scores in
# ../shared/conformance (8,051 texts); skipped when that folder is absent.
# With valgrind installed, the same run is checked for memory errors.
set -u
cd "$(dirname "$0")/../.."
dir=../shared/conformance
if [ ! -d "$dir" ]; then
    echo "SKIP conformance: $dir not found (reference scores absent)"
    echo "0 passed, 0 failed"
    exit 0
fi
pass=0 fail=0
files=("$dir"/tweets.tsv "$dir"/amazon.tsv "$dir"/edge.tsv)
# conform: as built (AVX-512 or AVX2 where the CPU has it); conform-avx2,
# conform-sse2 and conform-scalar: the paths other CPUs take (see the
# Makefile). valgrind knows no AVX-512, so its run takes the AVX2 path.
for tool in conform conform-avx2 conform-sse2 conform-scalar; do
    out=$(build/tools/$tool "${files[@]}")
    echo "$out" | grep -E '^MISMATCH' | head -20
    echo "$(echo "$out" | tail -n 1) ($tool)"
    if echo "$out" | tail -n 1 | grep -qE '^conformance: ([0-9]+)/\1$'; then
        pass=$((pass + 1))
    else
        echo "FAIL $tool: not every text matches"
        fail=$((fail + 1))
    fi
done
if command -v valgrind >/dev/null 2>&1; then
    if valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect \
        build/tools/conform "${files[@]}" >/dev/null 2>valgrind.log.tmp; then
        echo "ok: valgrind clean on the conformance run"
        pass=$((pass + 1))
    else
        echo "FAIL valgrind on the conformance run:"; head -30 valgrind.log.tmp
        fail=$((fail + 1))
    fi
    rm -f valgrind.log.tmp
else
    echo "SKIP valgrind: not installed"
fi
echo "$pass passed, $fail failed"
