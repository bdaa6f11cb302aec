#!/usr/bin/env bash
# robust.sh - nothing lost, nothing hangs (issue 19): a planted staging
# link, stale staging folders, signals, ulimit -f, a full disk at every
# point of a run, decompression bombs, a million channels, terminal
# escapes, formulas in the CSVs people open, SQLite exit codes; and the
# hostile inputs again under the sanitizer build of the program
# (build/san-bin/earful: `make san`), where any ASan, UBSan or LSan
# report fails the test.
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1767571200
PY=python3
E=./earful
SAN=build/san-bin/earful

check() { # NAME COMMAND...
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}
no() { ! "$@"; }
tree_sum() { # every file and link under a folder, with its content
    (cd "$1" && find . -print0 | sort -z | xargs -0 ls -ld --time-style=+ \
        | awk '{$6=""; print}'; find . -type f -print0 | sort -z \
        | xargs -0 -r sha256sum)
}
rss() { # peak RSS in kB of the command (and its children)
    $PY -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
# a CSV of N rows whose channel is one of K values, or a URL per row (K=0)
gen_channels() { # N K FILE
    awk -v n="$1" -v k="$2" 'BEGIN {
        t[0] = "Love the new buds and the great sound"
        t[1] = "The battery died after two days; awful"
        t[2] = "It is fine I guess"
        print "id,date,channel,text"
        for (i = 0; i < n; i++) {
            ch = k ? "ch" (i % k) : "https://shop.example/p/" i
            printf "%d,2025-%02d-%02dT10:00:00Z,%s,%s\n", i, 1 + i % 12,
                1 + i % 28, ch, t[i % 3]
        }
    }' >"$3"
}
# a gzip stream: a header, a row, then COUNT commas in one row, then a row
gen_bomb() { # FILE COUNT HEADER_BOMB
    $PY - "$@" <<'PYEOF'
import sys, zlib
path, n, hb = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
co = zlib.compressobj(9, zlib.DEFLATED, 31)
out = [co.compress(b"date,text" if hb else
                   b"date,text\n2025-01-01,ok fine\n2025-01-02,")]
chunk = b"," * (1 << 20)
for _ in range(n >> 20):
    out.append(co.compress(chunk))
out.append(co.compress(b"," * (n & ((1 << 20) - 1))))
out.append(co.compress(b"\n2025-01-03,after the bomb: great\n"))
out.append(co.flush())
open(path, "wb").write(b"".join(out))
PYEOF
}

make -s samples/feedback.csv
small=tests/data/report/small.csv
hostile=tests/data/report/hostile.csv
# a run long enough to be interrupted: the sample eight times over
{ cat samples/feedback.csv; for i in 1 2 3 4 5 6 7; do
    tail -n +2 samples/feedback.csv; done; } >"$tmp/big.csv"
# waits (5 s at most) for a staging folder in $1
wait_stage() {
    for _ in $(seq 100); do
        ls -d "$1"/.earful-tmp-* >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    return 1
}

# ---- the planted staging link ----------------------------------------------
mkdir -p "$tmp/victim/sub" "$tmp/victim/charts" "$tmp/shared"
echo precious >"$tmp/victim/a.txt"
echo deep >"$tmp/victim/sub/b.txt"
for f in trend_volume.png nps.svg; do echo mine >"$tmp/victim/charts/$f"; done
before=$(tree_sum "$tmp/victim")
# every name a staging folder was ever given: by pid, and mkdtemp's form
for p in $(seq $$ $(($$ + 40))) AAAAAA zzzzzz; do
    ln -s "$tmp/victim" "$tmp/shared/.earful-tmp-$p"
done
$E report -q --no-xlsx --no-charts -o "$tmp/shared" "$small"
check "planted links: the run succeeds" test $? -eq 0
check "planted links: the victim folder is untouched" \
    test "$before" = "$(tree_sum "$tmp/victim")"
check "planted links: the links are still links" test -L "$tmp/shared/.earful-tmp-AAAAAA"
# the charts folder of the output is a link: refused, not followed
ln -s "$tmp/victim/charts" "$tmp/shared/charts"
$E report -q --no-xlsx -o "$tmp/shared" "$small" 2>"$tmp/err"
check "charts link: exit 73" test $? -eq 73
check "charts link: says why" grep -q 'charts: not a folder (a symbolic link is not followed)' "$tmp/err"
$E report -q --no-xlsx --no-charts -o "$tmp/shared" "$small"
check "charts link: stale charts not removed through it" \
    test "$before" = "$(tree_sum "$tmp/victim")"

# ---- stale staging folders --------------------------------------------------
mkdir -p "$tmp/st"
$E report -q -o "$tmp/st" "$tmp/big.csv" &
pid=$!
wait_stage "$tmp/st"
kill -KILL $pid
wait $pid 2>/dev/null
check "kill -9: a staging folder is left" test -n "$(ls -d "$tmp"/st/.earful-tmp-* 2>/dev/null)"
mkdir "$tmp/st/.earful-tmp-notmine"           # no lock file: not ours
echo keep >"$tmp/st/.earful-tmp-notmine/x"
mkdir "$tmp/st/.earful-tmp-alive"             # its run holds the lock
printf 'earful staging folder\n' >"$tmp/st/.earful-tmp-alive/.earful-lock"
$PY -c 'import fcntl, sys, time
f = open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_EX); print(flush=True)
time.sleep(60)' "$tmp/st/.earful-tmp-alive/.earful-lock" >"$tmp/locked" &
holder=$!
for _ in $(seq 100); do [ -s "$tmp/locked" ] && break; sleep 0.05; done
$E report -q --no-xlsx --no-charts -o "$tmp/st" "$small"
check "stale: the next run succeeds" test $? -eq 0
check "stale: the killed run's folder is gone" \
    test "$(ls -d "$tmp"/st/.earful-tmp-* | sort | tr '\n' ' ')" = \
    "$tmp/st/.earful-tmp-alive $tmp/st/.earful-tmp-notmine "
check "stale: a folder without earful's lock is kept" test -f "$tmp/st/.earful-tmp-notmine/x"
kill $holder 2>/dev/null
wait $holder 2>/dev/null
$E report -q --no-xlsx --no-charts -o "$tmp/st" "$small"
check "stale: once its run is gone, the locked one goes too" \
    test ! -e "$tmp/st/.earful-tmp-alive"

# ---- signals, ulimit -f, failed runs ----------------------------------------
set -m # background jobs get SIGINT, as from a terminal
for sig in TERM INT HUP; do
    rm -rf "$tmp/sig"
    $E report -q -o "$tmp/sig/out" "$tmp/big.csv" &
    pid=$!
    wait_stage "$tmp/sig/out"
    kill -$sig $pid
    wait $pid
    rc=$?
    if [ -n "$(trap -p $sig)" ]; then
        # ignored by whoever started this suite (nohup: HUP): earful
        # leaves it ignored, so the run goes on to its report
        check "SIG$sig ignored by our parent: stays ignored, the run ends well" \
            test $rc -eq 0 -a -f "$tmp/sig/out/metrics.json"
        rm -rf "$tmp/sig"
        continue
    fi
    check "SIG$sig: dies of it" test $rc -gt 128
    check "SIG$sig: no staging folder, no folder it made" test ! -e "$tmp/sig"
done
set +m
rm -rf "$tmp/fsz"
(ulimit -f 1000; $E report -q -o "$tmp/fsz/out" "$tmp/big.csv" 2>"$tmp/err")
rc=$?
check "ulimit -f: exit 74, not killed by SIGXFSZ" test $rc -eq 74
check "ulimit -f: says why" grep -q 'File too large' "$tmp/err"
check "ulimit -f: no folder left" test ! -e "$tmp/fsz"
$E report -q --strict -o "$tmp/strict/out" "$small" 2>/dev/null
check "failed run: exit 65" test $? -eq 65
check "failed run: the -o folder it made is gone" test ! -e "$tmp/strict"
mkdir -p "$tmp/had"
$E report -q --strict -o "$tmp/had" "$small" 2>/dev/null
check "failed run: a folder it found stays" test -d "$tmp/had"

# ---- bombs: constant memory whatever the input expands to -------------------
gen_bomb "$tmp/bomb.csv.gz" 100000000 0
gen_bomb "$tmp/hbomb.csv.gz" 100000000 1
(ulimit -v 400000; $E report -q --no-xlsx --no-charts -o "$tmp/bomb" "$tmp/bomb.csv.gz" 2>"$tmp/err")
check "100M-comma .csv.gz under ulimit -v 400 MB: exit 0" test $? -eq 0
check "comma bomb: the row rejected, with its count" \
    grep -q '^"\?'"$tmp"'/bomb.csv.gz"\?,3,"100,000,002 fields, over the limit of 10,000' "$tmp/bomb/rejected.csv"
check "comma bomb: the rows around it used" grep -q '"rows_used": 2' "$tmp/bomb/metrics.json"
(ulimit -v 400000; $E report -q --no-xlsx --no-charts -o "$tmp/hbomb" "$tmp/hbomb.csv.gz" 2>"$tmp/err")
check "header bomb: exit 65" test $? -eq 65
check "header bomb: says so" grep -q 'hbomb.csv.gz:1: the header has 100000002 columns, over the limit of 10000' "$tmp/err"
$PY - "$tmp/long.csv.gz" <<'PYEOF'
import sys, zlib
co = zlib.compressobj(9, zlib.DEFLATED, 31)
out = [co.compress(b'date,text\n2025-01-01,ok fine\n2025-01-02,"')]
for _ in range(100):
    out.append(co.compress("\u00e9".encode() * (1 << 19)))
out.append(co.compress(b'"\n2025-01-03,after: great\n') + co.flush())
open(sys.argv[1], "wb").write(b"".join(out))
PYEOF
(ulimit -v 600000; $E report -q --no-xlsx --no-charts -o "$tmp/long" "$tmp/long.csv.gz" 2>"$tmp/err")
check "100 MB field, no --strict: exit 0 (was 65)" test $? -eq 0
check "100 MB field: rejected as too large" grep -q '"row too large": 1' "$tmp/long/metrics.json"
check "100 MB field: kept cut in rejected.csv" $PY -c '
import csv, sys
csv.field_size_limit(1 << 30)
r = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
assert r[1][2].startswith("row longer than 64 MiB"), r[1][2]
assert 32000000 < len(r[1][4]) <= 32 * 1024 * 1024, len(r[1][4])
' "$tmp/long/rejected.csv"
$E report -q --strict --no-xlsx --no-charts -o "$tmp/long2" "$tmp/long.csv.gz" 2>"$tmp/err"
check "100 MB field with --strict: exit 65" test $? -eq 65

# ---- a million channels, and the 65,536 that hung ---------------------------
gen_channels 1000000 100 "$tmp/ch100.csv"
gen_channels 1000000 0 "$tmp/ch1m.csv"
m100=$(rss $E report -q --no-xlsx --no-charts -o "$tmp/o100" "$tmp/ch100.csv")
m1m=$(rss $E report -q --no-xlsx --no-charts -o "$tmp/o1m" "$tmp/ch1m.csv")
echo "note: peak RSS, 1M rows: 100 channels ${m100} kB, 1M channels ${m1m} kB"
check "1M channels: memory of 100 (was 4.4 GB)" test "$m1m" -lt $((m100 * 3 / 2 + 8192))
check "1M channels: 20 shown and one pool, noted" $PY -c '
import json, sys
m = json.load(open(sys.argv[1] + "/metrics.json"))
ch = m["channels"]
assert len(ch) == 21 and ch[-1]["pooled"] and not ch[0]["pooled"], ch[-1]
assert sum(c["n"] for c in ch) == 1000000
d = m["channels_distinct"]
assert d["id_like"] and d["estimated"], d
assert abs(d["values"] - 1000000) < 30000, d
assert ch[-1]["values"] == d["values"] - 20
md = open(sys.argv[1] + "/report.md", encoding="utf-8").read()
assert "as an id or a URL column would" in md
assert md.count("\n| https:") == 20, md.count("\n| https:")
' "$tmp/o1m"
check "100 channels: no pool, exact" $PY -c '
import json, sys
m = json.load(open(sys.argv[1] + "/metrics.json"))
assert len(m["channels"]) == 21 and m["channels"][-1]["values"] == 80
assert m["channels_distinct"] == {"values": 100, "estimated": False,
                                  "id_like": False}
' "$tmp/o100"
gen_channels 65536 65536 "$tmp/ch65536.csv"
timeout 120 $E report -q -o "$tmp/o65536" "$tmp/ch65536.csv" 2>"$tmp/err"
check "65,536 channels with the workbook: finishes (it hung)" test $? -eq 0
check "65,536 channels: a usable Channels sheet" $PY -c '
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
wb = z.read("xl/workbook.xml").decode()
names = re.findall(r"<sheet name=\"([^\"]+)\"", wb)
x = z.read("xl/worksheets/sheet%d.xml" % (names.index("Channels") + 1)).decode()
assert x.count("<row ") == 22, x.count("<row ")
' "$tmp/o65536/report.xlsx"

# ---- text that reaches a terminal, CSVs people open -------------------------
$E report --min-n 1 --label-sample 20 -o "$tmp/hos" "$hostile" 2>"$tmp/err"
check "hostile: exit 0" test $? -eq 0
check "hostile: no ESC, BEL or other control byte on stderr" \
    $PY -c 'import sys; b = open(sys.argv[1], "rb").read()
sys.exit(any(c < 32 and c != 10 for c in b))' "$tmp/err"
check "hostile: control bytes shown escaped" grep -qF '\x1b[5m' "$tmp/err"
check "hostile: formulas neutralised in rejected.csv" grep -qF "\"'=cmd|' /C calc'!A0" "$tmp/hos/rejected.csv"
check "CSVs people open: no cell starts a formula, no NUL" $PY -c '
import csv, sys
for path in sys.argv[1:]:
    raw = open(path, "rb").read()
    assert b"\0" not in raw, path
    for row in csv.reader(open(path, encoding="utf-8", newline="")):
        for cell in row:
            s = cell.lstrip(" ")
            if s[:1] in ("=", "+", "-", "@", "\t", "\r"):
                try:
                    float(s)
                except ValueError:
                    raise SystemExit("%s: live formula %r" % (path, cell))
' "$tmp/hos/rejected.csv" "$tmp/hos/label_sample.csv"
check "label sample: the formula-like text is there, neutralised" \
    grep -qF "'@SUM(1+1)" "$tmp/hos/label_sample.csv"
$E score --text "$hostile" 2>/dev/null | grep -c $'\x1b' >"$tmp/n"
check "score --text: no raw ESC in its output" test "$(cat "$tmp/n")" -eq 0

# ---- SQLite: exit codes, BLOBs ----------------------------------------------
if command -v sqlite3 >/dev/null; then
    sqlite3 "$tmp/db.sqlite" "CREATE TABLE feedback(date, text, channel);
        INSERT INTO feedback VALUES ('2025-01-01', 'fine', 'x'),
        ('2025-01-02', X'3D48595045524C494E4B2800FF29', 'y'),
        ('bad', X'405355004D', 'z');"
    $E report -q --no-xlsx --no-charts -o "$tmp/db" "$tmp/db.sqlite"
    check "SQLite BLOBs: exit 0" test $? -eq 0
    check "SQLite BLOBs: NULs counted, none in rejected.csv" $PY -c '
import json, sys
m = json.load(open(sys.argv[1] + "/metrics.json"))
assert m["input"]["nul_bytes_dropped"] == 2, m["input"]
raw = open(sys.argv[1] + "/rejected.csv", "rb").read()
assert b"\0" not in raw and b",\x27@SUM" in raw, raw
' "$tmp/db"
    head -c 4096 "$tmp/db.sqlite" >"$tmp/trunc.sqlite"
    python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read())
b[100:] = b"\x5a" * (len(b) - 100); open(sys.argv[1], "wb").write(b)' "$tmp/trunc.sqlite"
    $E report -q -o "$tmp/x" "$tmp/trunc.sqlite" 2>"$tmp/err"
    check "corrupt SQLite: exit 66 (was 70)" test $? -eq 66
    check "corrupt SQLite: SQLite's words" grep -q 'malformed' "$tmp/err"
    $E report -q -o "$tmp/x" --query 'SELEC 1' "$tmp/db.sqlite" 2>"$tmp/err"
    check "--query syntax error: exit 64 (was 70)" test $? -eq 64
    $E report -q -o "$tmp/x" --query "SELECT json('{') AS text, 1 AS date" "$tmp/db.sqlite" 2>"$tmp/err"
    check "--query failing on the data: exit 65" test $? -eq 65
    check "no output folder left by those" test ! -e "$tmp/x"
else
    echo "SKIP SQLite checks: no sqlite3 shell"
fi

# ---- a full disk at every point (a small tmpfs in a user namespace) ---------
# (the sanitizer build, so that an error path's leak shows too)
head -n 1500 samples/feedback.csv >"$tmp/fb.csv"
full() { # KB BIN ARGS...: a run on a KB-large disk; prints "rc|stderr|left"
    local kb=$1 bin=$2; shift 2
    unshare -rm sh -c 'mount -t tmpfs -o size='"$kb"'k'"${INODES:+,nr_inodes=$INODES}"' tmpfs "$1" || exit 99
        shift; bin=$1; shift
        ASAN_OPTIONS=detect_leaks=1 "$bin" "$@" 2>"$0/err"; rc=$?
        printf "%s|%s|%s\n" "$rc" "$(tr "\n" " " <"$0/err")" \
            "$(ls -A "$0/out" 2>/dev/null | tr "\n" " ")"' \
        "$tmp/disk" "$tmp/disk" "$bin" "$@"
}
mkdir -p "$tmp/disk"
if [ -x "$SAN" ] && [ "$(full 1024 /bin/true)" = "0||" ]; then
    args=(report -q --no-charts -o "$tmp/disk/out" "$tmp/fb.csv")
    lo=64 hi=16384 # find the smallest disk the run fits on
    while [ $((hi - lo)) -gt 4 ]; do
        mid=$(((lo + hi) / 2))
        r=$(full $mid "$SAN" "${args[@]}")
        if [ "${r%%|*}" = 0 ]; then hi=$mid; else lo=$mid; fi
    done
    bad=0 closing=0
    # a few sizes all along, then down from the fit 4 kB (a page) at a
    # time until the workbook is the write that fails: it is written last
    sizes="64 128 256 512 $((hi / 2)) $((hi * 3 / 4))"
    for k in $(seq 1 40); do sizes="$sizes $((hi - 4 * k))"; done
    for kb in $sizes; do
        r=$(full $kb "$SAN" "${args[@]}")
        rc=${r%%|*} msg=${r#*|}
        [ "$rc" = 0 ] && continue # it fitted after all (run to run noise)
        case $rc in 73 | 74) ;; *) bad=1; echo "note: ${kb} kB: $r" ;; esac
        case $msg in *'[ERROR]'* | *Sanitizer* | *'runtime error'*) bad=1; echo "note: ${kb} kB: $r" ;; esac
        [ -n "${msg#*|}" ] && { bad=1; echo "note: ${kb} kB left: $r"; }
        case $msg in *'report.xlsx: Zip'*'(No space left on device)'*)
            closing=1
            echo "note: ${kb} kB: $msg"
            [ $kb -lt $hi ] && break ;;
        esac
    done
    echo "note: the run fits on ${hi} kB"
    # out of inodes: every file that cannot be created in turn
    for n in 3 4 5 6 8 12 16; do
        r=$(INODES=$n full 20480 "$SAN" "${args[@]}")
        rc=${r%%|*} msg=${r#*|}
        [ "$rc" = 0 ] && continue
        case $rc in 73 | 74) ;; *) bad=1; echo "note: $n inodes: $r" ;; esac
        case $msg in *'[ERROR]'* | *Sanitizer* | *'runtime error'*) bad=1; echo "note: $n inodes: $r" ;; esac
        [ -n "${msg#*|}" ] && { bad=1; echo "note: $n inodes left: $r"; }
    done
    check "full disk: every failing run exits 73/74, silently for libraries, leaving nothing" test $bad -eq 0
    check "full disk while closing the workbook: 74 with the reason" test $closing -eq 1
    r=$(full 16 "$SAN" import -q "$tmp/fb.csv" "$tmp/disk/store.db")
    check "full disk: a new store is not left behind" test "${r%%|*}|${r##*|}" = "74|"
else
    echo "SKIP full-disk checks: no user namespaces (unshare -rm) or no $SAN"
fi

# ---- the hostile inputs under ASan + UBSan + LSan ----------------------------
if [ -x "$SAN" ]; then
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    clean() { no grep -qE 'Sanitizer|runtime error' "$1"; }
    s=$tmp/san
    mkdir -p "$s"
    printf 'date,text\nbad,hello\n,\n' >"$s/zero.csv"
    gen_bomb "$s/bomb.csv.gz" 3000000 0
    $SAN report --min-n 1 --label-sample 20 -o "$s/h" "$hostile" 2>"$s/err"
    check "san hostile: exit 0" test $? -eq 0
    check "san hostile: clean" clean "$s/err"
    $SAN report -o "$s/z" "$s/zero.csv" 2>"$s/err"
    check "san no usable row: clean (qsort(NULL, 0) in aggregate.c)" clean "$s/err"
    $SAN report -q --no-charts -o "$s/b" "$s/bomb.csv.gz" 2>"$s/err"
    check "san comma bomb: exit 0, clean" test $? -eq 0 -a -s "$s/b/rejected.csv"
    check "san comma bomb: clean" clean "$s/err"
    $SAN report -q --no-xlsx --no-charts -o "$s/l" "$tmp/long.csv.gz" 2>"$s/err"
    check "san 100 MB field: exit 0" test $? -eq 0
    check "san 100 MB field: clean" clean "$s/err"
    mkdir -p "$s/shared"
    ln -s "$tmp/victim" "$s/shared/.earful-tmp-BBBBBB"
    $SAN report -q --no-xlsx -o "$s/shared" "$small" 2>"$s/err"
    check "san planted link: clean" clean "$s/err"
    if [ -f "$tmp/db.sqlite" ]; then
        $SAN report -q -o "$s/d" "$tmp/db.sqlite" 2>"$s/err"
        check "san SQLite BLOBs: clean" clean "$s/err"
        $SAN report -q -o "$s/d" "$tmp/trunc.sqlite" 2>"$s/err"
        check "san corrupt SQLite: 66, clean" test $? -eq 66
        check "san corrupt SQLite: clean" clean "$s/err"
    fi
    head -c 3000000 /dev/zero | tr '\0' 'x' | $SAN score -j2 >/dev/null 2>"$s/err"
    check "san score, a 3 MB line from a pipe: clean" clean "$s/err"
    (ulimit -f 300; $SAN report -q -o "$s/f" "$tmp/fb.csv" 2>"$s/err")
    check "san ulimit -f: 74" test $? -eq 74
    check "san ulimit -f: clean" clean "$s/err"
    unset ASAN_OPTIONS UBSAN_OPTIONS
else
    echo "SKIP sanitizer runs: no $SAN (make san)"
fi

echo "$pass passed, $fail failed"
