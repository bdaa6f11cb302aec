#!/usr/bin/env bash
# pg_report.sh - `earful report postgresql://` (issue 18) from a
# coordinator and two workers holding BENCH_ROWS rows (default 2,000,000,
# the sample generator's) sharded by author, against `earful report` on
# the same rows in a local CSV; both without the workbook (a PostgreSQL
# run writes none). Median of BENCH_RUNS runs (default 3) taking turns;
# metrics.json of the last two compared number for number; the time split
# the report prints (shard queries, transfer, rendering). Three servers
# and the CLI share this machine's cores: only the ratio measured in the
# same run means anything, and the load is printed with it. Throwaway
# servers under build/pg/bench-report (pg/cluster.sh), stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${BENCH_ROWS:-2000000}
runs=${BENCH_RUNS:-3}
PY=/usr/bin/python3
make -s earful pg build/tools/gen_sample >/dev/null
. pg/cluster.sh
trap pg_cleanup EXIT
pg_init "$PWD/build/pg/bench-report" || { echo "pg_report.sh: $pg_why" >&2; exit 1; }
mkdir -p build/bench
pg_start c 5441 & pg_start w1 5442 & pg_start w2 5443 & wait
sock=$pg_sock
csv=$pg_root/rows.csv
schema='shard int4 NOT NULL, id text NOT NULL, date timestamptz NOT NULL,
    channel text, author text, text text NOT NULL, rating int4, nps int4,
    responded_at timestamptz, label text, url text, segment text'

t0=$EPOCHREALTIME
build/tools/gen_sample -n "$rows" >"$csv"
chmod a+r "$csv"
for p in 5442 5443; do
    pg_psql $p -c "CREATE EXTENSION earful_pg" -c "CREATE TABLE feedback ($schema)"
done
# each row's shard on the coordinator; each shard's rows copied to its
# worker directly (faster than inserting through postgres_fdw)
pg_psql 5441 <<EOF
CREATE EXTENSION earful_pg;
CREATE EXTENSION postgres_fdw;
CREATE SERVER w1 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$sock',
    port '5442', dbname 'postgres', async_capable 'true',
    extensions 'earful_pg', use_remote_estimate 'true');
CREATE SERVER w2 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$sock',
    port '5443', dbname 'postgres', async_capable 'true',
    extensions 'earful_pg', use_remote_estimate 'true');
CREATE USER MAPPING FOR postgres SERVER w1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR postgres SERVER w2 OPTIONS (user 'postgres');
CREATE TABLE feedback ($schema) PARTITION BY LIST (shard);
CREATE FOREIGN TABLE feedback_w1 PARTITION OF feedback FOR VALUES IN (0)
    SERVER w1 OPTIONS (table_name 'feedback');
CREATE FOREIGN TABLE feedback_w2 PARTITION OF feedback FOR VALUES IN (1)
    SERVER w2 OPTIONS (table_name 'feedback');
CREATE UNLOGGED TABLE raw (id text, date text, channel text, author text,
    text text, rating text, nps text, responded_at text, url text);
\\copy raw FROM '$csv' WITH (FORMAT csv, HEADER, FORCE_NOT_NULL (text))
CREATE UNLOGGED TABLE sharded AS
SELECT earful_shard(coalesce(nullif(author, ''), id), 2) AS shard, id,
       date::timestamptz AS date, channel, author, text,
       rating::int4 AS rating, nps::int4 AS nps,
       nullif(responded_at, '')::timestamptz AS responded_at,
       NULL::text AS label, url, NULL::text AS segment
FROM raw;
\\copy (SELECT * FROM sharded WHERE shard = 0) TO '$pg_root/shard0.copy'
\\copy (SELECT * FROM sharded WHERE shard = 1) TO '$pg_root/shard1.copy'
DROP TABLE raw, sharded;
EOF
pg_psql 5442 -c "\\copy feedback FROM '$pg_root/shard0.copy'" -c "VACUUM ANALYZE feedback"
pg_psql 5443 -c "\\copy feedback FROM '$pg_root/shard1.copy'" -c "VACUUM ANALYZE feedback"
rm -f "$pg_root"/shard*.copy
echo "pg_report.sh: $rows rows generated and sharded in $(awk "BEGIN { printf \"%.0f\", $EPOCHREALTIME - $t0 }") s" >&2

url="postgresql://postgres@/postgres?host=$sock&port=5441"
out=build/bench/pg_report.runs
err=build/bench/pg_rep.err
: >"$out"
export SOURCE_DATE_EPOCH=1700000000
for r in $(seq "$runs"); do
    rm -rf build/bench/pg_rep.csv build/bench/pg_rep.pg
    echo "csv $($PY bench/timeit.py 1 /dev/null ./earful report -q --no-xlsx \
        -o build/bench/pg_rep.csv "$csv" | cut -d' ' -f1)" >>"$out"
    echo "pg $($PY bench/timeit.py 1 /dev/null sh -c \
        "./earful report --no-xlsx -o build/bench/pg_rep.pg '$url' 2>$err" |
        cut -d' ' -f1)" >>"$out"
    sed -n 's/.*connecting and checks \([0-9.]*\) s, shard queries \([0-9.]*\) s, transfer \([0-9.]*\) s (\([0-9]*\) rows, \([0-9]*\) bytes; \([0-9]*\) items fetched), rendering \([0-9.]*\) s/split \1 \2 \3 \4 \5 \6 \7/p' \
        "$err" >>"$out"
done
unset SOURCE_DATE_EPOCH
same=$($PY tests/json_same.py --ignore input.files \
    build/bench/pg_rep.csv/metrics.json build/bench/pg_rep.pg/metrics.json |
    head -5 || true)
$PY - "$rows" "$out" "$same" "$(cat /proc/loadavg)" "$(nproc)" <<'PY' | tee build/bench/pg_report.txt
import statistics, sys
rows, path, same, load, cores = sys.argv[1:6]
t, split = {}, []
for line in open(path):
    k, *v = line.split()
    if k == "split":
        split.append([float(x) for x in v])
    else:
        t.setdefault(k, []).append(float(v[0]))
m = {k: statistics.median(v) for k, v in t.items()}
s = [statistics.median(c) for c in zip(*split)] if split else [0.0] * 7
print(f"== earful report, {int(rows):,} rows: coordinator + 2 workers "
      f"(sharded by author) vs a local CSV; median of {len(t['csv'])} runs; "
      f"{cores} cores shared by the 3 servers and the CLI; load average "
      f"{load.split()[0]} at the end")
print(f"earful report FILE.csv --no-xlsx           {m['csv']:8.3f} s")
print(f"earful report postgresql:// --no-xlsx      {m['pg']:8.3f} s"
      f"  = {m['pg'] / m['csv']:.2f} x the CSV (target <= 2x)")
print(f"  connecting, checks, the versions query   {s[0]:8.3f} s")
print(f"  shard queries (sending to first row)     {s[1]:8.3f} s")
print(f"  transfer and folding (first to last row) {s[2]:8.3f} s"
      f"  ({int(s[3]):,} rows, {int(s[4]):,} bytes; {int(s[5])} items fetched)")
print(f"  rendering                                {s[6]:8.3f} s")
print(f"metrics.json, every number: {same}")
PY
