#!/usr/bin/env bash
# score.sh - `earful score` against NLTK's VADER and the JavaScript port on
# the same ~240,000 lines (the conformance texts repeated 30 times, or the
# sample's texts when ../shared is absent). Median of BENCH_RUNS runs.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${BENCH_RUNS:-5}
PY=/usr/bin/python3 # Debian's Python, which has the peers' packages
texts=build/bench/texts.txt
if [ -d ../shared/conformance ]; then
    for f in ../shared/conformance/*.tsv; do tail -n +2 "$f" | cut -f6; done \
        >build/bench/one.txt
else
    make -s samples/feedback.csv
    $PY -c 'import csv,sys
for r in csv.DictReader(open("samples/feedback.csv", encoding="utf-8")):
    print(r["text"].replace("\n", " ").replace("\r", " "))' \
        | head -n 8051 >build/bench/one.txt
fi
for i in $(seq 30); do cat build/bench/one.txt; done >"$texts"
n=$(wc -l <"$texts")
lex=build/vader_lexicon.txt

echo "== earful score: $n lines, median of $runs runs ($(nproc) cores)"
t() { $PY bench/timeit.py "$runs" "build/bench/$1.out" "${@:2}"; }
r1=$(t earful1 ./earful score --threads 1 "$texts")
r2=$(t earful2 ./earful score --threads 2 "$texts")
rn=$(t nltk $PY bench/peers/nltk_score.py "$lex" "$texts")
rj=$(t js node bench/peers/js_score.js build/bench/node_modules "$texts")

$PY - "$n" "$r1" "$r2" "$rn" "$rj" <<'PY' | tee build/bench/score.txt
import sys
n = int(sys.argv[1])
rows = [("earful score --threads 1", sys.argv[2]),
        ("earful score --threads 2", sys.argv[3]),
        ("NLTK VADER (python3-nltk)", sys.argv[4]),
        ("vader-sentiment (node)", sys.argv[5])]
med = {}
print("%-28s %10s %12s %9s" % ("command", "median s", "texts/s", "peak MiB"))
for name, r in rows:
    m, lo, hi, rss = map(float, r.split())
    med[name] = m
    print("%-28s %10.3f %12.0f %9.1f" % (name, m, n / m, rss))
e1, e2 = med[rows[0][0]], med[rows[1][0]]
print("single-threaded vs NLTK: %.0fx (target >= 150x)" % (med[rows[2][0]] / e1))
print("single-threaded vs node: %.1fx" % (med[rows[3][0]] / e1))
print("--threads 2 vs 1: %.2fx (target >= 1.8x on 2 cores)" % (e1 / e2))
PY
