#!/usr/bin/env bash
# score.sh - `earful score` against NLTK's VADER and the JavaScript port on
# the same ~240,000 lines (the conformance texts repeated 30 times, or the
# sample's texts when ../shared is absent). Median of BENCH_RUNS runs, the
# commands taking turns.
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

# The commands take turns, one run each per round, instead of one command's
# runs back to back: this machine's speed can change for seconds at a
# time, and a command whose runs all fell in one slow (or fast) spell
# would be compared with a peer that saw both.
echo "== earful score: $n lines, median of $runs runs in turn ($(nproc) cores)"
runs_file=build/bench/score.runs
: >"$runs_file"
for r in $(seq "$runs"); do
    for name in earful1 earful2 nltk js; do
        case $name in
        earful1) cmd=(./earful score --threads 1 "$texts") ;;
        earful2) cmd=(./earful score --threads 2 "$texts") ;;
        nltk) cmd=($PY bench/peers/nltk_score.py "$lex" "$texts") ;;
        js) cmd=(node bench/peers/js_score.js build/bench/node_modules "$texts") ;;
        esac
        echo "$name $($PY bench/timeit.py 1 "build/bench/$name.out" "${cmd[@]}")" \
            >>"$runs_file"
    done
done

$PY - "$n" "$runs_file" <<'PY' | tee build/bench/score.txt
import statistics, sys
n = int(sys.argv[1])
runs = {}
for line in open(sys.argv[2]):
    name, secs, _, _, rss = line.split()
    runs.setdefault(name, []).append((float(secs), float(rss)))
rows = [("earful score --threads 1", "earful1"),
        ("earful score --threads 2", "earful2"),
        ("NLTK VADER (python3-nltk)", "nltk"),
        ("vader-sentiment (node)", "js")]
med = {}
print("%-28s %10s %12s %9s   %s" % ("command", "median s", "texts/s",
                                    "peak MiB", "runs (s)"))
for label, name in rows:
    t = [s for s, _ in runs[name]]
    med[name] = statistics.median(t)
    print("%-28s %10.3f %12.0f %9.1f   %s" % (
        label, med[name], n / med[name], max(r for _, r in runs[name]),
        " ".join("%.3f" % x for x in t)))
print("single-threaded vs NLTK: %.0fx (target >= 150x)"
      % (med["nltk"] / med["earful1"]))
print("single-threaded vs node: %.1fx" % (med["js"] / med["earful1"]))
print("--threads 2 vs 1: %.2fx (target >= 1.8x on 2 cores)"
      % (med["earful1"] / med["earful2"]))
PY
