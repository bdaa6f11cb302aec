#!/usr/bin/env bash
# cli.sh - golden runs: each tests/cli/NAME/ holds `args` (shell words),
# optionally `stdin`, and what to expect: `expected.stdout`,
# `expected.stderr`, `exit` (default 0). Runs from the repository root.
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for dir in tests/cli/*/; do
    name=$(basename "$dir")
    eval "set -- $(cat "$dir/args")"
    in=/dev/null
    [ -f "$dir/stdin" ] && in="$dir/stdin"
    ./earful "$@" <"$in" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    want=0
    [ -f "$dir/exit" ] && want=$(cat "$dir/exit")
    ok=1
    if [ "$rc" != "$want" ]; then
        echo "FAIL $name: exit $rc, expected $want"; ok=0
    fi
    for s in stdout stderr; do
        exp="$dir/expected.$s"
        got="$tmp/out"; [ $s = stderr ] && got="$tmp/err"
        if [ -f "$exp" ] && ! cmp -s "$exp" "$got"; then
            echo "FAIL $name: $s differs:"; diff "$exp" "$got" | head -10
            ok=0
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
