#!/usr/bin/env bash
# format.sh - every C source lays out as .clang-format says: one check per
# file of the Makefile's FORMAT_SRC, with clang-format-14 (another version
# lays out differently). `make format` fixes what fails here.
set -u
cd "$(dirname "$0")/../.."
cf=${CLANG_FORMAT:-clang-format-14}
pass=0 fail=0
if ! command -v "$cf" >/dev/null; then
    echo "SKIP format: $cf missing (make deps installs clang-format-14)"
    echo "format: 0 passed, 0 failed"
    exit 0
fi
files=$(make -s --no-print-directory -f Makefile -f - print-format-src <<'MK'
print-format-src:
	@echo $(FORMAT_SRC)
MK
)
n=0
for f in $files; do
    n=$((n + 1))
    if "$cf" --dry-run -Werror --style=file "$f" >/dev/null 2>&1; then
        pass=$((pass + 1))
    else
        echo "FAIL $f: not as .clang-format lays it out (make format)"
        fail=$((fail + 1))
    fi
done
# the check itself: a file laid out otherwise is caught
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp .clang-format "$tmp/"
printf 'int  f( void ){return 1;}\n' >"$tmp/bad.c"
if [ "$n" -ge 50 ] && ! "$cf" --dry-run -Werror --style=file "$tmp/bad.c" \
    >/dev/null 2>&1; then
    pass=$((pass + 1))
else
    echo "FAIL format: the check finds $n files, or misses a bad layout"
    fail=$((fail + 1))
fi
echo "format: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
