#!/usr/bin/env bash
# report.sh - `earful report` on a 1,000,000-row CSV from the sample
# generator against a pandas peer (pandas + NLTK's VADER + matplotlib +
# xlsxwriter doing the same job: class shares, weekly negative share, NPS,
# channel table, two charts, HTML and a workbook), with and without the
# all-rows sheet, and every target of issue 17 against its figure:
#
#   pipeline (--no-xlsx --no-charts) <= 2x `earful score` on the same texts
#   report without the Data sheet >= 50x faster than the peer, <= 1/10 RSS
#   default report (Data sheet) >= 10x faster than the peer's, at 100k and
#     1M rows, beside the floor: the workbook module writing the same number
#     of rows and nothing else (build/tools/xlsx_bench, from bench/xlsx.sh)
#   weekly run: import 20,000 rows into a 1M-row store, then report
#     (--no-data-sheet) on it: < 1.5 s
#   1M rows by 1M distinct authors: peak RSS < 200 MiB
#
# Median of BENCH_RUNS (default 3) runs, wall time and peak RSS. Figures,
# not pass/fail: only ratios measured in the same run mean anything.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${BENCH_RUNS:-3}
rows=${BENCH_ROWS:-1000000}
PY=/usr/bin/python3
for p in python3-pandas python3-matplotlib python3-xlsxwriter; do
    dpkg -s "$p" >/dev/null 2>&1 || need="${need:-} $p"
done
if [ -n "${need:-}" ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get install -y -q --no-install-recommends $need >/dev/null
fi
make -s build/tools/gen_sample build/tools/xlsx_bench
mkdir -p build/bench
big=build/bench/feedback-$rows.csv
[ -s "$big" ] || build/tools/gen_sample -n "$rows" >"$big"
small=build/bench/feedback-100000.csv
[ -s "$small" ] || build/tools/gen_sample -n 100000 >"$small"
lex=build/vader_lexicon.txt
out=build/bench/out
t() { $PY bench/timeit.py "$runs" /dev/null "$@"; }

# The same texts, one a line, for `earful score`.
texts=build/bench/texts-$rows.txt
if [ ! -s "$texts" ]; then
    $PY - "$big" "$texts" <<'PY'
import csv, sys
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
        f.write(r["text"].replace("\r", " ").replace("\n", " ") + "\n")
PY
fi
# The same rows, each by an author of its own.
authors=build/bench/authors-$rows.csv
if [ ! -s "$authors" ]; then
    $PY - "$big" "$authors" <<'PY'
import csv, sys
rd = csv.DictReader(open(sys.argv[1], encoding="utf-8"))
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, rd.fieldnames)
    w.writeheader()
    for i, r in enumerate(rd):
        r["author"] = "author-%07d" % i
        w.writerow(r)
PY
fi
# The weekly run: a store of the rows (scores cached), and 20,000 new rows
# of the week after (ids of their own).
base=build/bench/weekly-base-$rows.db
week=build/bench/week-20000.csv
[ -s "$week" ] || build/tools/gen_sample -n 20000 -s 2 --start 2026-01-05 |
    sed '2,$s/^fb-/wk-/' >"$week"
# (a store from before the terms' cache is made again: the weekly run
# measures the store `earful import` makes now)
if [ -s "$base" ] && ! $PY - "$base" <<'PY'; then
import sqlite3, sys
cols = sqlite3.connect(sys.argv[1]).execute("PRAGMA table_info(feedback)")
sys.exit(0 if any(c[1] == "terms" for c in cols) else 1)
PY
    rm -f "$base"
fi
if [ ! -s "$base" ]; then
    rm -f "$base.tmp"
    ./earful import -q "$big" "$base.tmp" >/dev/null
    mv "$base.tmp" "$base"
fi

echo "== earful report: $rows rows, median of $runs runs ($(nproc) cores)"
sc=$(t ./earful score "$texts")
ec=$(t ./earful report -q --no-xlsx --no-charts -o "$out/ec" "$big")
e0=$(t ./earful report -q --no-data-sheet -o "$out/e0" "$big")
e1=$(t ./earful report -q -o "$out/e1" "$big")
e0s=$(t ./earful report -q --no-data-sheet -o "$out/e0s" "$small")
e1s=$(t ./earful report -q -o "$out/e1s" "$small")
ex=$(t ./earful report -q --no-xlsx -o "$out/ex" "$big")
ea=$(t ./earful report -q --no-data-sheet -o "$out/ea" "$authors")
p0=$(t $PY bench/peers/pandas_report.py "$lex" "$big" "$out/p0")
p1=$(t $PY bench/peers/pandas_report.py "$lex" "$big" "$out/p1" --data-sheet)
p1s=$(t $PY bench/peers/pandas_report.py "$lex" "$small" "$out/p1s" \
    --data-sheet)

# The floor: the workbook module alone writing as many rows (its driver
# from the Makefile, its rows from bench/xlsx.sh).
floor="nan 0 0 0"
floor_s="nan 0 0 0"
tsv=build/bench/xlsx_rows_$rows.tsv
if [ -x build/tools/xlsx_bench ] && [ -s "$tsv" ]; then
    floor=$(t build/tools/xlsx_bench "$tsv" "$out/floor.xlsx")
    tsv_s=build/bench/xlsx_rows_100000.tsv
    [ -s "$tsv_s" ] || head -n 100000 "$tsv" >"$tsv_s"
    floor_s=$(t build/tools/xlsx_bench "$tsv_s" "$out/floor_s.xlsx")
fi

# Weekly: each run starts from a copy of the store (copied untimed).
wk=build/bench/weekly-$rows.db
weekly=""
for r in $(seq "$runs"); do
    rm -f "$wk" "$wk-wal" "$wk-shm"
    cp "$base" "$wk"
    sync # the copy written back first: not the import's time
    a=$($PY bench/timeit.py 1 /dev/null ./earful import -q "$week" "$wk")
    b=$($PY bench/timeit.py 1 /dev/null ./earful report -q --no-data-sheet \
        -o "$out/wk" "$wk")
    weekly="$weekly ${a%% *},${b%% *}"
done
rm -f "$wk" "$wk-wal" "$wk-shm"

$PY - "$rows" "$sc" "$ec" "$e0" "$e1" "$e0s" "$e1s" "$ex" "$ea" "$p0" "$p1" \
    "$p1s" "$floor" "$floor_s" "$weekly" <<'PY' | tee build/bench/report.txt
import statistics, sys
rows = int(sys.argv[1])
def parse(s):
    m, lo, hi, rss = map(float, s.split())
    return m, rss
(sc, ec, e0, e1, e0s, e1s, ex, ea, p0, p1, p1s, fl, fls) = (
    parse(a) for a in sys.argv[2:15])
weekly = [tuple(map(float, w.split(","))) for w in sys.argv[15].split()]
wk = statistics.median(a + b for a, b in weekly)
wi = statistics.median(a for a, b in weekly)
wr = statistics.median(b for a, b in weekly)
print("%-46s %9s %10s" % ("", "median s", "peak MiB"))
for name, (m, rss) in [
        ("earful score (same texts)", sc),
        ("earful report --no-xlsx --no-charts", ec),
        ("earful, no Data sheet", e0), ("earful, with Data sheet", e1),
        ("pandas peer, no Data sheet", p0),
        ("pandas peer, with Data sheet", p1),
        ("earful, no Data sheet, 100k rows", e0s),
        ("earful, with Data sheet, 100k rows", e1s),
        ("pandas peer, with Data sheet, 100k rows", p1s),
        ("earful, no workbook", ex),
        ("earful, no Data sheet, 1 author a row", ea),
        ("floor: workbook module alone, Data rows", fl),
        ("floor: the same, 100k rows", fls)]:
    print("%-46s %9.2f %10.1f" % (name, m, rss))
print("%-46s %9.2f %10s" % ("weekly: import 20,000 + report", wk, ""))
def target(what, got, want, ok):
    print("%-58s %-16s target %-10s %s" % (what, got, want,
                                           "met" if ok else "NOT met"))
print()
r = ec[0] / sc[0]
target("pipeline vs earful score (same threads)", "%.2fx" % r, "<= 2x",
       r <= 2)
r = p0[0] / e0[0]
target("no Data sheet: faster than the peer", "%.0fx" % r, ">= 50x", r >= 50)
r = p0[1] / e0[1]
target("no Data sheet: peak RSS, 1/N of the peer's", "1/%.1f" % r, ">= 1/10",
       r >= 10)
r = p1[0] / e1[0]
target("default (Data sheet), %d rows: faster than the peer" % rows,
       "%.1fx" % r, ">= 10x", r >= 10)
r = p1s[0] / e1s[0]
target("default (Data sheet), 100k rows: faster than the peer",
       "%.1fx" % r, ">= 10x", r >= 10)
if fl[0] == fl[0]:  # not nan
    print("  the floor (Data rows written, nothing else): %.2f s at %d rows "
          "(report %.2fx it), %.2f s at 100k (report %.2fx it); the peer "
          "at the floor would be %.1fx" % (fl[0], rows, e1[0] / fl[0],
                                           fls[0], e1s[0] / fls[0],
                                           p1[0] / fl[0]))
else:
    print("  the floor: run bench/run.sh xlsx first (its rows)")
target("weekly: import 20,000 into the store + report",
       "%.2f s" % wk, "< 1.5 s", wk < 1.5)
print("  (import %.2f s, report --no-data-sheet %.2f s)" % (wi, wr))
target("1M rows x 1M distinct authors: peak RSS", "%.0f MiB" % ea[1],
       "< 200 MiB", ea[1] < 200)
print("charts: %.1f%% of the report's wall time (target < 5%%)"
      % (100 * max(0.0, ex[0] - ec[0]) / e0[0]))
print("workbook without Data sheet: %.1f%% of the report's wall time"
      % (100 * max(0.0, e0[0] - ex[0]) / e0[0]))
print("peak memory 100k -> %d rows: %.0f -> %.0f MiB (no Data sheet), "
      "%.0f -> %.0f MiB (with)" % (rows, e0s[1], e0[1], e1s[1], e1[1]))
PY
