#!/usr/bin/env bash
# read.sh - how fast earful reads CSV: bench/read_csv (ef_source_open/next:
# reading, sha256, UTF-8 checks, CSV parsing, column mapping, date and
# number parsing; no scoring) against `wc -l` on the same 1,000,000-row
# sample CSV, warm cache. Median of BENCH_RUNS (default 3) runs; then peak
# memory at 100,000 and 1,000,000 rows, which should be the same (flat).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${BENCH_RUNS:-3}
rows=${BENCH_ROWS:-1000000}
PY=/usr/bin/python3
make -s build/tools/gen_sample build/tools/read_csv
big=build/bench/feedback-$rows.csv
[ -s "$big" ] || build/tools/gen_sample -n "$rows" >"$big"
small=build/bench/feedback-100000.csv
[ -s "$small" ] || build/tools/gen_sample -n 100000 >"$small"
cat "$big" "$small" >/dev/null # warm the page cache
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

echo "== reading CSV: $rows rows, $(du -m "$big" | cut -f1) MB, median of $runs runs ($(nproc) cores)"
rw=$(t wc -l "$big")
rr=$(t build/tools/read_csv "$big")
rs=$(t build/tools/read_csv "$small")
ms=$(mem build/tools/read_csv "$small")
mb=$(mem build/tools/read_csv "$big")

$PY - "$rows" "$(stat -c %s "$big")" "$rw" "$rr" "$rs" "$ms" "$mb" <<'PY' | tee build/bench/read.txt
import sys
rows, size = int(sys.argv[1]), int(sys.argv[2])
med = {}
print("%-34s %9s %11s %8s" % ("command", "median s", "rows/s", "MB/s"))
for name, r, n in (("wc -l", sys.argv[3], rows),
                   ("read_csv (earful's sources)", sys.argv[4], rows),
                   ("read_csv, 100,000 rows", sys.argv[5], 100000)):
    m, lo, hi, rss = map(float, r.split())
    med[name] = (m, rss)
    mb = size / 1e6 / m * n / rows  # the small file: about as large
    print("%-34s %9.3f %11.0f %8.0f" % (name, m, n / m, mb))
w, e = med["wc -l"][0], med["read_csv (earful's sources)"][0]
print("earful reads at 1/%.1f of wc -l's speed (target: no slower than 1/3)"
      % (e / w))
print("peak RSS of read_csv (/usr/bin/time): %s MiB at 100,000 rows, "
      "%s MiB at %d rows (flat)" % (sys.argv[6], sys.argv[7], rows))
PY
