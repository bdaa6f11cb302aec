#!/usr/bin/env bash
# score.sh - `earful score` on bad and big input: a row per line, never a
# crash, the same output whatever the thread count.
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # NAME CONDITION...
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}
rows() { # lines of output minus the header
    echo $(($(wc -l <"$1") - 1))
}

# A row per input line, whatever the bytes: NUL, invalid UTF-8, CR.
printf 'a\0b good\n\xff\xfe bad \xc3\n\r\n\n\x00\nend' >"$tmp/nasty.txt"
./earful score "$tmp/nasty.txt" >"$tmp/out" 2>"$tmp/err"
check "nasty bytes: exit 0" test $? -eq 0
check "nasty bytes: 6 rows" test "$(rows "$tmp/out")" -eq 6
check "nasty bytes: output is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$tmp/out" -o /dev/null

# A 10 MB line, and no final newline: scored on its first 1 MiB (all
# x's: neutral, where the whole line, "... good but bad", is negative),
# in one row, with a warning naming the line.
head -c 10485760 /dev/zero | tr '\0' 'x' >"$tmp/long.txt"
printf ' good but bad' >>"$tmp/long.txt"
./earful score "$tmp/long.txt" >"$tmp/out" 2>"$tmp/err"
check "10 MB line: one row" test "$(rows "$tmp/out")" -eq 1
check "10 MB line: its first 1 MiB scored" grep -q 'neutral$' "$tmp/out"
check "10 MB line: a warning names it" \
    grep -q 'long.txt:1: line longer than 1 MiB: scored on its first 1 MiB' "$tmp/err"

# Long lines among short ones: the same rows mapped and from a pipe, at
# one thread and two, each cut line named; a 1 MiB line is whole.
python3 - "$tmp/mixed.txt" <<'PYEOF'
import sys
with open(sys.argv[1], "wb") as w:
    w.write(b"good\n" + b"bad " * 800000 + b"\r\ngreat\n")
    w.write("\u00e9".encode() * 700000 + b"\n")   # no space to cut at
    w.write(b"y" * (1 << 20) + b"\nawful\n" + b"x" * 3000000)
PYEOF
./earful score -j1 "$tmp/mixed.txt" >"$tmp/m1" 2>"$tmp/e1"
./earful score -j2 <"$tmp/mixed.txt" >"$tmp/m2" 2>/dev/null
cat "$tmp/mixed.txt" | ./earful score -j1 >"$tmp/m3" 2>"$tmp/e3"
cat "$tmp/mixed.txt" | ./earful score -j2 >"$tmp/m4" 2>/dev/null
check "long lines: a row per line" test "$(rows "$tmp/m1")" -eq 7
check "long lines: mapped -j1 == -j2" cmp -s "$tmp/m1" "$tmp/m2"
check "long lines: mapped == pipe" cmp -s "$tmp/m1" "$tmp/m3"
check "long lines: pipe -j1 == -j2" cmp -s "$tmp/m3" "$tmp/m4"
check "long lines: the cut ones named (2, 4, 7)" test \
    "$(sed -n 's/.*mixed.txt:\([0-9]*\): line longer.*/\1/p' "$tmp/e1" | tr '\n' ' ')" = "2 4 7 "
check "long lines: the same from a pipe" test \
    "$(sed -n 's/.*standard input:\([0-9]*\): line longer.*/\1/p' "$tmp/e3" | tr '\n' ' ')" = "2 4 7 "
check "long lines: the rows around them" test \
    "$(cut -f5 "$tmp/m1" | tr '\n' ' ')" = "class positive negative positive neutral neutral negative neutral "

# A 100 MB line from a pipe is streamed: memory stays that of a 1 MiB one
# (it took 1.2 GB; 2 GB died "out of memory").
rss() { # peak RSS in kB of: sh -c "$1"
    python3 -c 'import resource, subprocess, sys
subprocess.run(["sh", "-c", sys.argv[1]], stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$1"
}
big=$(rss "head -c 104857600 /dev/zero | tr '\\0' 'w' | ./earful score")
small=$(rss "head -c 1048576 /dev/zero | tr '\\0' 'w' | ./earful score")
echo "note: peak RSS, 100 MB line ${big} kB, 1 MiB line ${small} kB"
check "100 MB line from a pipe: bounded memory" test "$big" -lt $((small * 2 + 16384))

# Texts for the thread checks: the conformance texts when present, else
# the sample sentences of the CLI tests, repeated.
if [ -d ../shared/conformance ]; then
    for f in ../shared/conformance/*.tsv; do tail -n +2 "$f" | cut -f6; done
else
    cat tests/cli/*/stdin
fi >"$tmp/texts"
# at least 6 MB: batches of up to 1 MB, more of them than the four in
# flight at once, so that the threads go from batch to batch
: >"$tmp/many"
while [ "$(wc -c <"$tmp/many")" -lt 6291456 ]; do
    cat "$tmp/texts" >>"$tmp/many"
done
n=$(wc -l <"$tmp/many")
./earful score --threads 1 --text "$tmp/many" >"$tmp/t1"
./earful score --threads 2 --text "$tmp/many" >"$tmp/t2"
./earful score --threads 7 --text <"$tmp/many" >"$tmp/t7"
cat "$tmp/many" | ./earful score --threads 2 --text >"$tmp/p2"
check "threads: a row per line" test "$(rows "$tmp/t1")" -eq "$n"
check "threads 1 == 2" cmp -s "$tmp/t1" "$tmp/t2"
check "threads 1 == 7 (stdin)" cmp -s "$tmp/t1" "$tmp/t7"
check "threads 1 == 2 (pipe)" cmp -s "$tmp/t1" "$tmp/p2"
./earful score --format jsonl "$tmp/many" >"$tmp/j"
check "jsonl: a line per input line" test "$(wc -l <"$tmp/j")" -eq "$n"
if command -v python3 >/dev/null; then
    check "jsonl: every line parses" python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    assert set(d) == {"neg", "neu", "pos", "compound", "class"}
' "$tmp/j"
fi

# Names (issue 12): without options the reference's scores, @united read
# as "united" (+1.8); with --names a mention carries no valence, as in
# report and import; --brand also neutralises the brand written bare.
printf '@united my flight was delayed\n@delta my flight was delayed\nunited lost my bag, united is the worst\nBest Buy is the best\n' >"$tmp/names.txt"
comp() { cut -f4 "$1" | tail -n +2 | tr '\n' ' '; }
./earful score "$tmp/names.txt" >"$tmp/n0"
./earful score --names "$tmp/names.txt" >"$tmp/n1"
./earful score --brand united --brand 'best buy' "$tmp/names.txt" >"$tmp/n2"
check "names: reference by default" test "$(comp "$tmp/n0")" = "0.2263 -0.2263 -0.2023 0.8555 "
check "names: --names" test "$(comp "$tmp/n1")" = "-0.2263 -0.2263 -0.2023 0.8555 "
# "united lost my bag, united is the worst": lost -1.3, worst -3.1;
# S = 1.8 - 1.3 + 1.8 - 3.1 = -0.8; with --brand united, S = -1.3 - 3.1
check "names: --brand" test "$(comp "$tmp/n2")" = "-0.2263 -0.2263 -0.7506 0.6369 "
./earful score --threads 1 --names "$tmp/many" >"$tmp/m1"
./earful score --threads 2 --names "$tmp/many" >"$tmp/m2"
check "names: threads 1 == 2" cmp -s "$tmp/m1" "$tmp/m2"
./earful score --brand 'united,,x' </dev/null >/dev/null 2>"$tmp/err"
check "names: an empty --brand is a usage error (64)" test $? -eq 64
check "names: and says so" grep -q 'empty brand' "$tmp/err"

# A write error is reported (exit 74), not ignored.
if [ -w /dev/full ]; then
    ./earful score "$tmp/many" >/dev/full 2>"$tmp/err"
    check "write error: exit 74" test $? -eq 74
    check "write error: message" grep -q 'standard output' "$tmp/err"
fi
echo "$pass passed, $fail failed"
