#!/usr/bin/env bash
# import.sh - `earful import` of the 1,000,000-row sample CSV into a fresh
# store (reading, scoring every row, inserting with three indexes, WAL)
# against the sqlite3 shell's `.import --csv` of the same file into a new
# database (parsing and inserting only, all TEXT, no index, no scores).
# Median of BENCH_RUNS (default 3) runs; then the same import into the
# full store (every id already present: 0 added), and peak memory at
# 100,000 and 1,000,000 rows, which should be the same (flat).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${BENCH_RUNS:-3}
rows=${BENCH_ROWS:-1000000}
PY=/usr/bin/python3
make -s build/tools/gen_sample
big=build/bench/feedback-$rows.csv
[ -s "$big" ] || build/tools/gen_sample -n "$rows" >"$big"
small=build/bench/feedback-100000.csv
[ -s "$small" ] || build/tools/gen_sample -n 100000 >"$small"
cat "$big" "$small" >/dev/null # warm the page cache
db=build/bench/import.db
t() { $PY bench/timeit.py "$runs" /dev/null "$@"; }
# Peak RSS in MiB by /usr/bin/time when there is one: timeit.py's figure
# includes the Python process it forks from (about 11 MiB).
mem() {
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1 |
            awk '{ printf "%.1f", $1 / 1024 }'
    else
        echo nan
    fi
}
fresh() { # DB CMD...: removes DB (and its WAL) first, inside the timing
    printf 'rm -f "%s" "%s-wal" "%s-shm" "%s-journal"; exec "$@"' \
        "$1" "$1" "$1" "$1"
}

echo "== earful import: $rows rows, median of $runs runs ($(nproc) cores)"
rs=$(t sh -c "$(fresh build/bench/sqlite3.db)" sh \
    sqlite3 build/bench/sqlite3.db ".import --csv $big feedback")
re=$(t sh -c "$(fresh $db)" sh ./earful import -q "$big" "$db")
ra=$(t ./earful import -q "$big" "$db")
r1=$(t sh -c "$(fresh $db.small)" sh ./earful import -q "$small" "$db.small")
r2=$(t sh -c "$(fresh $db)" sh ./earful import -q -j 1 "$big" "$db")
rm -f "$db" "$db.small"
ms=$(mem sh -c "$(fresh $db.small)" sh ./earful import -q "$small" "$db.small")
mb=$(mem sh -c "$(fresh $db)" sh ./earful import -q "$big" "$db")
mq=$(mem sh -c "$(fresh build/bench/sqlite3.db)" sh \
    sqlite3 build/bench/sqlite3.db ".import --csv $big feedback")
rm -f "$db" "$db.small" build/bench/sqlite3.db

$PY - "$rows" "$rs" "$re" "$ra" "$r1" "$r2" "$ms" "$mb" "$mq" <<'PY' | tee build/bench/import.txt
import sys
rows = int(sys.argv[1])
cases = (("sqlite3 .import --csv", sys.argv[2], rows),
         ("earful import (new store)", sys.argv[3], rows),
         ("earful import again (0 added)", sys.argv[4], rows),
         ("earful import, 100,000 rows", sys.argv[5], 100000),
         ("earful import --threads 1", sys.argv[6], rows))
med = {}
print("%-32s %9s %11s" % ("command", "median s", "rows/s"))
for name, r, n in cases:
    m, lo, hi, rss = map(float, r.split())
    med[name] = (m, rss)
    print("%-32s %9.3f %11.0f" % (name, m, n / m))
s, e = med[cases[0][0]][0], med[cases[1][0]][0]
print("earful import vs sqlite3 .import: %.2fx the time (target <= 2x)"
      % (e / s))
print("peak RSS of earful import (/usr/bin/time): %s MiB at 100,000 rows, "
      "%s MiB at %d rows (flat); sqlite3 .import: %s MiB"
      % (sys.argv[7], sys.argv[8], rows, sys.argv[9]))
PY
