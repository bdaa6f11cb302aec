#!/usr/bin/env bash
# pg.sh - earful_pg's scorer in one PostgreSQL backend against `earful
# score -j 1` on the same texts (issue 18): BENCH_ROWS texts (default
# 2,000,000) from the sample generator, one per line for the CLI and one
# per row of a table for the server. Median of BENCH_RUNS runs, taking
# turns. Not part of make check: a throwaway server under build/pg/bench
# (pg/cluster.sh), stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${BENCH_ROWS:-2000000}
runs=${BENCH_RUNS:-3}
PY=/usr/bin/python3
make -s earful pg build/tools/gen_sample >/dev/null
. pg/cluster.sh
trap pg_cleanup EXIT
pg_init "$PWD/build/pg/bench" || { echo "pg.sh: $pg_why" >&2; exit 1; }
pg_start b 5440
mkdir -p build/bench
texts=$PWD/build/bench/pg_texts.txt
build/tools/gen_sample -n "$rows" | $PY -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    print(r["text"].replace("\r", " ").replace("\n", " "))' >"$texts"
chmod a+r "$texts"
pg_psql 5440 <<EOF
CREATE EXTENSION earful_pg;
CREATE TABLE texts (body text NOT NULL);
\\copy texts FROM '$texts' WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01', FORCE_NOT_NULL (body))
VACUUM ANALYZE texts;
EOF
n=$(pg_psql 5440 -Atc "SELECT count(*) FROM texts")
# earful_pg remembers the last text: a text equal to the row before it
# is not scored again
same=$(pg_psql 5440 -Atc "SELECT count(*) FILTER (WHERE body = prev) FROM (SELECT body, lag(body) OVER () AS prev FROM texts) t")

sql() { # the seconds one statement takes in one backend (psql's \timing)
    pg_psql 5440 -At -c "SET max_parallel_workers_per_gather = 0" \
        -c '\timing on' -c "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' |
        awk '{ printf "%.4f\n", $1 / 1000 }'
}
out=build/bench/pg.runs
: >"$out"
for r in $(seq "$runs"); do
    echo "scan $(sql 'SELECT count(*) FROM texts')" >>"$out"
    echo "compound $(sql 'SELECT sum(earful_compound(body)) FROM texts')" >>"$out"
    echo "score $(sql 'SELECT count((earful_score(body)).compound) FROM texts')" >>"$out"
    echo "cli $($PY bench/timeit.py 1 build/bench/pg_cli.out ./earful score -j 1 "$texts" | cut -d' ' -f1)" >>"$out"
done
$PY - "$n" "$same" "$out" <<'PY' | tee build/bench/pg.txt
import statistics, sys
n, same = int(sys.argv[1]), int(sys.argv[2])
t = {}
for line in open(sys.argv[3]):
    k, v = line.split()
    t.setdefault(k, []).append(float(v))
m = {k: statistics.median(v) for k, v in t.items()}
print(f"== {n:,} texts ({same:,} equal to the one before); median of "
      f"{len(t['cli'])} runs")
rows = [("SELECT count(*) (the scan alone)", "scan"),
        ("SELECT sum(earful_compound(body))", "compound"),
        ("SELECT count((earful_score(body)).compound)", "score"),
        ("earful score -j 1 FILE > out", "cli")]
for label, k in rows:
    print(f"{label:46} {m[k]:8.3f} s  {n / m[k] / 1e6:6.2f} M texts/s")
print(f"scoring in the backend (minus the scan): {m['compound'] - m['scan']:.3f} s"
      f" = {(m['compound'] - m['scan']) / m['cli']:.2f} x earful score -j 1")
PY
