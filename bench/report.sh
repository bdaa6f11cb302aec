#!/usr/bin/env bash
# report.sh - `earful report` on a 1,000,000-row CSV from the sample
# generator against a pandas peer (pandas + NLTK's VADER + matplotlib +
# xlsxwriter doing the same job: class shares, weekly negative share, NPS,
# channel table, two charts, HTML and a workbook), with and without the
# all-rows sheet. Median of BENCH_RUNS (default 3) runs, wall time and
# peak RSS; then memory at 100k rows to show it is flat in rows.
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
make -s build/tools/gen_sample
big=build/bench/feedback-$rows.csv
[ -s "$big" ] || build/tools/gen_sample -n "$rows" >"$big"
small=build/bench/feedback-100000.csv
[ -s "$small" ] || build/tools/gen_sample -n 100000 >"$small"
lex=build/vader_lexicon.txt
out=build/bench/out
t() { $PY bench/timeit.py "$runs" /dev/null "$@"; }

echo "== earful report: $rows rows, median of $runs runs ($(nproc) cores)"
e0=$(t ./earful report -q --no-data-sheet -o "$out/e0" "$big")
e1=$(t ./earful report -q -o "$out/e1" "$big")
e0s=$(t ./earful report -q --no-data-sheet -o "$out/e0s" "$small")
e1s=$(t ./earful report -q -o "$out/e1s" "$small")
ec=$(t ./earful report -q --no-data-sheet --no-charts -o "$out/ec" "$big")
ex=$(t ./earful report -q --no-xlsx -o "$out/ex" "$big")
p0=$(t $PY bench/peers/pandas_report.py "$lex" "$big" "$out/p0")
p1=$(t $PY bench/peers/pandas_report.py "$lex" "$big" "$out/p1" --data-sheet)

$PY - "$rows" "$e0" "$e1" "$p0" "$p1" "$e0s" "$e1s" "$ec" "$ex" <<'PY' | tee build/bench/report.txt
import sys
rows = int(sys.argv[1])
def parse(s):
    m, lo, hi, rss = map(float, s.split())
    return m, rss
e0, e1, p0, p1, e0s, e1s, ec, ex = (parse(a) for a in sys.argv[2:10])
print("%-44s %9s %10s" % ("", "median s", "peak MiB"))
for name, (m, rss) in [("earful, no Data sheet", e0), ("earful, with Data sheet", e1),
                       ("pandas peer, no Data sheet", p0),
                       ("pandas peer, with Data sheet", p1),
                       ("earful, no Data sheet, 100k rows", e0s),
                       ("earful, with Data sheet, 100k rows", e1s),
                       ("earful, no Data sheet, no charts", ec),
                       ("earful, no workbook", ex)]:
    print("%-44s %9.2f %10.1f" % (name, m, rss))
print("without the all-rows sheet: %.0fx faster (target >= 50x), memory 1/%.0f of the peer's (target >= 10)"
      % (p0[0] / e0[0], p0[1] / e0[1]))
print("with it: %.0fx faster (target >= 10x), memory 1/%.0f (target >= 10)"
      % (p1[0] / e1[0], p1[1] / e1[1]))
print("charts: %.1f%% of the report's wall time (target < 5%%)"
      % (100 * max(0.0, e0[0] - ec[0]) / e0[0]))
print("workbook without Data sheet: %.1f%% of the report's wall time (target < 5%%)"
      % (100 * max(0.0, e0[0] - ex[0]) / e0[0]))
print("peak memory 100k -> %d rows: %.0f -> %.0f MiB (no Data sheet), %.0f -> %.0f MiB (with)"
      % (rows, e0s[1], e0[1], e1s[1], e1[1]))
PY
