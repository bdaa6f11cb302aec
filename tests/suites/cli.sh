#!/usr/bin/env bash
# cli.sh - golden runs: each tests/cli/NAME/ holds `args` (shell words),
# optionally `stdin`, and what to expect: `expected.stdout`,
# `expected.stderr`, `exit` (default 0). Runs from the repository root.
# Then the error edges a golden run cannot express (standard output on a
# full device, an option rejected before any input is read, --xlsx PATH,
# the charts' font), each a check counted with the golden runs.
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

check() { # NAME COMMAND...
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}
no() { ! "$@"; }
export SOURCE_DATE_EPOCH=1767571200
csv=samples/feedback.csv

# ==== Standard output on a full device: 74, saying why =====================
full() { # NAME ARGS...: exit 74 and "standard output: No space left..."
    local name=$1; shift
    ./earful "$@" </dev/null >/dev/full 2>"$tmp/err"
    local rc=$?
    check "$name >/dev/full: exit 74 (got $rc)" test $rc -eq 74
    check "$name >/dev/full: says why" \
        grep -q 'standard output: No space left on device' "$tmp/err"
}
full "--help" --help
full "--version" --version
full "-V" -V
full "help" help
for c in report score import label; do
    full "$c --help" "$c" --help
    full "help $c" help "$c"
done
full "report --list-vars" report --list-vars "$csv"
# import's per-file line: the write's own error, not a later call's
# errno ("Bad file descriptor" once the store was closed)
rm -f "$tmp/full.sqlite"
full "import" import -q "$csv" "$tmp/full.sqlite"
check "import >/dev/full: no stale errno" \
    no grep -q 'Bad file descriptor' "$tmp/err"

# ==== Rejected before any input is read =====================================
# The input is a FIFO nobody writes: a run that opened it would wait (and
# timeout would end it with 124); a check made first exits at once.
mkfifo "$tmp/fifo"
early() { # NAME WANT ARGS...
    local name=$1 want=$2; shift 2
    timeout 20 ./earful report -q -o "$tmp/early" "$@" "$tmp/fifo" \
        </dev/null >/dev/null 2>"$tmp/err"
    local rc=$?
    check "$name: exit $want before reading input (got $rc)" \
        test $rc -eq "$want"
    check "$name: no report folder" test ! -e "$tmp/early"
}
early "--fail-if without an operator" 64 --fail-if 'sentiment.negative.share'
early "--fail-if without a number" 64 --fail-if 'sentiment.negative.share >'
early "--fail-if with a trailing word" 64 --fail-if 'items.total > 3 x'
early "--fail-if with a bad path" 64 --fail-if 'periods[x].negative_share > 1'
check "--fail-if: the message quotes the gate" \
    grep -q "option --fail-if: .*'periods\[x\]" "$tmp/err"
early "--fail-if with nan" 64 --fail-if 'items.total > nan'
early "--xlsx into a missing folder" 73 --xlsx "$tmp/nowhere/r.xlsx"
check "--xlsx into a missing folder: names it" \
    grep -q "$tmp/nowhere/r.xlsx" "$tmp/err"
mkdir "$tmp/adir"
early "--xlsx PATH, a folder" 73 --xlsx "$tmp/adir"
early "a missing --font" 66 --font "$tmp/nofont.ttf"
check "a missing --font: names it" grep -q "$tmp/nofont.ttf" "$tmp/err"

# a well-formed gate on a metric the data has not: the report is written
./earful report -q --no-charts --no-xlsx -o "$tmp/gate" \
    --fail-if 'no.such.metric > 1' "$csv" >/dev/null 2>"$tmp/err"
rc=$?
check "--fail-if on an unknown metric: exit 64 (got $rc)" test $rc -eq 64
check "--fail-if on an unknown metric: the report is written" \
    test -s "$tmp/gate/metrics.json"

# ==== --xlsx PATH: renamed into place by the commit ==========================
mkdir -p "$tmp/books"
./earful report -q --no-charts -o "$tmp/x" --xlsx "$tmp/books/b.xlsx" \
    "$csv" >/dev/null 2>"$tmp/err"
rc=$?
check "--xlsx PATH: exit 0 (got $rc)" test $rc -eq 0
check "--xlsx PATH: the workbook at PATH" test -s "$tmp/books/b.xlsx"
check "--xlsx PATH: none in the report folder" test ! -e "$tmp/x/report.xlsx"
check "--xlsx PATH: no staging folder left beside PATH" \
    test -z "$(ls -A "$tmp/books" | grep -v '^b.xlsx$')"
check "--xlsx PATH: no staging folder left in the report" \
    test -z "$(ls -A "$tmp/x" | grep '^\.earful-tmp')"
# a failed run leaves the workbook at PATH as it was
cp "$tmp/books/b.xlsx" "$tmp/b.before"
printf 'date,text\n' >"$tmp/empty.csv"
./earful report -q --no-charts -o "$tmp/x" --xlsx "$tmp/books/b.xlsx" \
    "$tmp/empty.csv" >/dev/null 2>&1
rc=$?
check "--xlsx PATH, a failed run: exit 66 (got $rc)" test $rc -eq 66
check "--xlsx PATH, a failed run: the workbook untouched" \
    cmp -s "$tmp/b.before" "$tmp/books/b.xlsx"
check "--xlsx PATH, a failed run: no staging folder left" \
    test -z "$(ls -A "$tmp/books" | grep -v '^b.xlsx$')"

# ==== import on the thread pool: the same store whatever --threads ==========
# (a fresh store, then the same input again: every id looked up)
if command -v sqlite3 >/dev/null; then
    for j in 1 3; do
        rm -f "$tmp/j$j.sqlite"*
        ./earful import -q -j$j "$csv" "$tmp/j$j.sqlite" >"$tmp/j$j.out" 2>&1
        ./earful import -q -j$j "$csv" "$tmp/j$j.sqlite" >>"$tmp/j$j.out" 2>&1
        sqlite3 "$tmp/j$j.sqlite" "SELECT * FROM feedback ORDER BY rowid" \
            >"$tmp/j$j.rows"
    done
    check "import -j1 and -j3: the same lines" cmp -s "$tmp/j1.out" "$tmp/j3.out"
    check "import -j1: every row, then all present" \
        grep -q ': 0 added, 20000 already present' "$tmp/j1.out"
    check "import -j1 and -j3: the same rows, in the same order" \
        cmp -s "$tmp/j1.rows" "$tmp/j3.rows"
    check "import: 20000 rows stored" \
        test "$(sqlite3 "$tmp/j3.sqlite" 'SELECT count(*) FROM feedback')" \
        -eq 20000
else
    echo "SKIP import -j1/-j3: no sqlite3 shell"
fi

# ==== libpq: loaded by the first postgresql:// input or store ===============
# Not linked (its loading would cost every run's start-up); without it, a
# postgresql:// run exits 74, as when no server answers, naming the
# library and the loader's reason. A private mount namespace (unshare)
# covers the library with an empty file for that run alone.
check "earful does not link libpq" no grep -q 'libpq' <(ldd ./earful)
pq=$(ldconfig -p | awk '$1 == "libpq.so.5" { print $NF; exit }')
ns=(unshare -m)
[ "$(id -u)" = 0 ] || ns=(unshare -rm)
if [ -n "$pq" ] && "${ns[@]}" true 2>/dev/null; then
    for c in "report -q -o $tmp/nopq" "import -q $csv"; do
        # shellcheck disable=SC2086
        "${ns[@]}" sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' \
            sh "$(readlink -f "$pq")" ./earful $c postgresql://localhost/x \
            </dev/null >/dev/null 2>"$tmp/err"
        rc=$?
        check "${c%% *} without libpq: exit 74 (got $rc)" test $rc -eq 74
        check "${c%% *} without libpq: names it and why" \
            grep -q 'cannot connect: cannot load libpq.so.5, .*: .*libpq.so.5: ' \
            "$tmp/err"
    done
    check "report without libpq: no report folder" test ! -e "$tmp/nopq"
else
    echo "SKIP earful without libpq: no libpq.so.5 or no unshare -m"
fi

echo "$pass passed, $fail failed"
