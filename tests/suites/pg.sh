#!/usr/bin/env bash
# pg.sh - earful_pg in real PostgreSQL servers (issue 18): a coordinator
# and two workers, throwaway clusters under build/pg/test run by a
# non-root user, the generated sample sharded by author across the
# workers (a table partitioned by shard whose partitions are postgres_fdw
# foreign tables), and a plain copy of the same rows on the coordinator.
# Checks:
#   scores   earful_score/earful_class equal `earful score -j 1` on 20,000
#            texts (the conformance texts first, when ../shared has them)
#   plans    every query of pg/queries.sql runs as one Async Foreign Scan
#            per worker, its aggregate and the scorer in the Remote SQL
#   results  each query gives the same rows sharded and unsharded, and
#            the numbers of `earful report`'s metrics.json on the CSV
#   twins    each aggregate against plain SQL that computes it slowly
#   faults   a worker down is a clear error; a worker scoring with
#            another lexicon shows another earful_version()
# Skips (with the reason) when PostgreSQL 15 or its server headers are
# not installed (make deps installs both), or no server can start.
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0

skip() { echo "SKIP pg: $*"; echo "0 passed, 0 failed"; exit 0; }
check() { # NAME COMMAND...: passes when the command succeeds
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}
eq() { # NAME GOT WANT
    if [ "$2" == "$3" ]; then pass=$((pass + 1)); else
        echo "FAIL $1: got '$2', want '$3'"; fail=$((fail + 1)); fi
}
contains() { grep -qF -- "$2" "$1"; }

# ==== Three servers ==========================================================

command -v python3 >/dev/null || skip "python3 missing"
if [ -f "$(pg_config --pgxs 2>/dev/null)" ]; then
    make -s earful pg build/tools/gen_sample >/dev/null || {
        echo "FAIL pg: cannot build earful, the extension or the generator"
        echo "0 passed, 1 failed"; exit 1; }
fi
. pg/cluster.sh
trap pg_cleanup EXIT
t0=$EPOCHREALTIME
pg_init "$PWD/build/pg/test" || skip "$pg_why"
root=$pg_root sock=$pg_sock bin=$pg_bin
pg_start c 5432 & pg_start w1 5433 & pg_start w2 5434 & wait
q() { pg_psql "$@"; }
for p in 5432 5433 5434; do
    q $p -c 'SELECT 1' >/dev/null 2>&1 || {
        tail -5 "$root"/*.log; skip "a server did not start (logs above)"; }
done

schema='shard int4 NOT NULL, id text NOT NULL, date timestamptz NOT NULL,
    channel text, author text, text text NOT NULL, rating int4, nps int4,
    responded_at timestamptz, label text, url text, segment text'
for p in 5433 5434; do
    q $p -c "CREATE EXTENSION earful_pg" -c "CREATE TABLE feedback ($schema)"
done
q 5432 <<EOF
CREATE EXTENSION earful_pg;
CREATE EXTENSION postgres_fdw;
CREATE SERVER w1 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (
    host '$sock', port '5433', dbname 'postgres', async_capable 'true',
    extensions 'earful_pg', use_remote_estimate 'true', batch_size '1000');
CREATE SERVER w2 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (
    host '$sock', port '5434', dbname 'postgres', async_capable 'true',
    extensions 'earful_pg', use_remote_estimate 'true', batch_size '1000');
CREATE USER MAPPING FOR postgres SERVER w1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR postgres SERVER w2 OPTIONS (user 'postgres');
CREATE TABLE feedback ($schema) PARTITION BY LIST (shard);
CREATE FOREIGN TABLE feedback_w1 PARTITION OF feedback FOR VALUES IN (0)
    SERVER w1 OPTIONS (table_name 'feedback');
CREATE FOREIGN TABLE feedback_w2 PARTITION OF feedback FOR VALUES IN (1)
    SERVER w2 OPTIONS (table_name 'feedback');
CREATE TABLE feedback_local ($schema);
EOF

# The sample: 20,000 rows, sharded by author (the id for anonymous rows);
# a segment, and human labels from the stars, to give those queries work.
build/tools/gen_sample -n 20000 >"$root/sample.csv"
chmod a+r "$root/sample.csv"
q 5432 <<EOF
CREATE TEMP TABLE raw (id text, date text, channel text, author text,
    text text, rating text, nps text, responded_at text, url text);
\\copy raw FROM '$root/sample.csv' WITH (FORMAT csv, HEADER, FORCE_NOT_NULL (text))
INSERT INTO feedback_local
SELECT earful_shard(coalesce(nullif(author, ''), id), 2), id,
       date::timestamptz, channel, author, text, rating::int4, nps::int4,
       nullif(responded_at, '')::timestamptz,
       CASE WHEN rating IN ('1', '2') THEN 'negative'
            WHEN rating = '3' THEN 'neutral'
            WHEN rating IN ('4', '5') THEN 'positive' END,
       url,
       CASE WHEN channel IN ('twitter', 'facebook') THEN 'social'
            ELSE 'owned' END
FROM raw;
INSERT INTO feedback SELECT * FROM feedback_local;
ANALYZE feedback_local;
EOF
for p in 5433 5434; do q $p -c "ANALYZE feedback"; done
t1=$EPOCHREALTIME
echo "note: three servers up and 20,000 rows sharded in $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
eq "rows: sharded" "$(q 5432 -Atc 'SELECT count(*) FROM feedback')" 20000
eq "rows: on both workers" "$(q 5432 -Atc 'SELECT count(DISTINCT tableoid) FROM feedback')" 2
eq "rows: each author on one shard" \
    "$(q 5432 -Atc "SELECT count(*) FROM (SELECT author FROM feedback WHERE author <> '' GROUP BY author HAVING count(DISTINCT shard) > 1) a")" 0

# ==== Scores: the extension against the CLI =================================

# 20,000 texts, one a line: the conformance texts when there, then the
# sample's (newlines inside a text made spaces, as one line must hold it).
python3 - "$root/sample.csv" "$root/texts.txt" ../shared/conformance <<'PY'
import csv, glob, os, sys
sample, out, conf = sys.argv[1:4]
texts = []
for f in sorted(glob.glob(os.path.join(conf, "*.tsv"))):
    with open(f, encoding="utf-8", newline="") as fh:
        next(fh)
        texts += [line.rstrip("\n").split("\t")[5] for line in fh]
with open(sample, encoding="utf-8", newline="") as fh:
    texts += [r["text"].replace("\r", " ").replace("\n", " ")
              for r in csv.DictReader(fh)]
# COPY below reads them as CSV quoted with \x01 and delimited by \x02
texts = [t for t in texts if not any(c in t for c in "\r\x00\x01\x02")]
with open(out, "w", encoding="utf-8", newline="\n") as fh:
    fh.write("".join(t + "\n" for t in texts[:20000]))
PY
chmod a+r "$root/texts.txt"
./earful score --names -j 1 "$root/texts.txt" >"$root/cli.tsv"
[ -d ../shared/conformance ] || echo "note: ../shared/conformance absent: sample texts only"
same=$(q 5432 -At <<EOF
CREATE TEMP TABLE texts (n serial, body text);
CREATE TEMP TABLE cli (n serial, neg float8, neu float8, pos float8,
                       compound float8, class text);
\\copy texts (body) FROM '$root/texts.txt' WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01', FORCE_NOT_NULL (body))
\\copy cli (neg, neu, pos, compound, class) FROM '$root/cli.tsv' WITH (FORMAT csv, DELIMITER E'\\t', HEADER)
SELECT count(*), count(*) FILTER (WHERE s = (c.neg, c.neu, c.pos, c.compound)::earful_scores
                                    AND earful_class_name(k) = c.class
                                    AND earful_compound(t.body) = c.compound)
FROM (SELECT n, body, earful_score(body) AS s,
             earful_class(body, -0.05, 0.05) AS k FROM texts) t
JOIN cli c USING (n);
EOF
)
eq "scores: 20,000 texts as the CLI scores them (rows|equal)" "$same" "20000|20000"
eq "scores: class of a stored compound" \
    "$(q 5432 -Atc "SELECT earful_class(-0.05::float8, -0.05, 0.05), earful_class(0.0499::float8, -0.05, 0.05), earful_class(0.05::float8, -0.05, 0.05)")" "0|1|2"

# ==== The query set: plans =================================================

# Splits queries.sql into one file per query, placeholders filled for the
# sharded table, the plain one, and no segment.
mkdir -p "$root/q"
python3 - pg/queries.sql "$root/q" <<'PY'
import re, sys
src, out = sys.argv[1:3]
name, body = None, []
for line in open(src, encoding="utf-8"):
    m = re.match(r"-- name: (\w+)", line)
    if m:
        name, body = m.group(1), []
    elif name and line.strip() == ";":
        sql = "".join(l for l in body if not l.startswith("--"))
        for tag, table, seg in (("sharded", "feedback", "segment"),
                                ("local", "feedback_local", "segment"),
                                ("noseg", "feedback", "NULL::text")):
            with open(f"{out}/{name}.{tag}.sql", "w") as fh:
                fh.write(sql.replace("{table}", table).replace("{segment}", seg))
        name = None
    elif name:
        body.append(line)
PY
# Each query's parameters: thresholds, week, a zone with DST, k.
declare -A params=(
    [versions]=""
    [report]="-0.05, 0.05, 1, 'Europe/Paris', 25, 5, 3, 10000"
    [calibration]="1, 'UTC'"
    [period_terms]="-0.05, 0.05, '2025-03-31', '2025-04-07', 5"
    [items]="'{fb-000001,fb-000002}'"
)
# the aggregates (each checked below), then the one that reads rows
names=(versions report calibration period_terms)
eq "queries: the set in queries.sql" \
    "$(ls "$root"/q/*.sharded.sql | xargs -n1 basename | sed 's/\.sharded\.sql//' | sort | tr '\n' ' ')" \
    "$(printf '%s\n' setup "${names[@]}" items | sort | tr '\n' ' ')"
run_set() { # TAG EXPLAIN NAME...: in one session, each query's rows (or
    # its plan, with EXPLAIN options) into $root/out/NAME.TAG
    local tag=$1 explain=$2 n args; shift 2
    mkdir -p "$root/out"
    { cat "$root/q/setup.$tag.sql"; echo ";"
      for n in "$@"; do
          args=${params[$n]}
          echo "PREPARE q_$n AS"; cat "$root/q/$n.$tag.sql"; echo ";"
          echo "\\o $root/out/$n.$tag"
          echo "${explain:+EXPLAIN ($explain)} EXECUTE q_$n${args:+($args)};"
          echo "\\o"
      done; } | q 5432 -At
}
run_set sharded "VERBOSE, COSTS OFF" "${names[@]}"
for n in "${names[@]}"; do
    f=$root/explain/$n.txt
    mkdir -p "$root/explain"
    mv "$root/out/$n.sharded" "$f"
    check "plan $n: two Async Foreign Scans" test "$(grep -c 'Async Foreign Scan' "$f")" -eq 2
    check "plan $n: no other Foreign Scan" test "$(grep -c 'Foreign Scan' "$f")" -eq 2
    remote=$(grep 'Remote SQL:' "$f")
    check "plan $n: aggregated on the workers" test "$(grep -c 'GROUP BY' <<<"$remote")" -eq 2
    case $n in
        versions) fn=earful_version ;;
        scores | calibration) fn=earful_compound ;;
        *) fn=earful_class ;;
    esac
    check "plan $n: $fn in the Remote SQL" test "$(grep -c "public\.$fn(" <<<"$remote")" -eq 2
    echo "ok: $n: $(grep -m1 'Remote SQL:' "$f" | sed 's/^ *//' | cut -c1-200)"
done
run_set sharded "VERBOSE, COSTS OFF" items
f=$root/out/items.sharded
check "plan items: fetched by id on both workers" test "$(grep -c "Remote SQL: .*WHERE ((id = ANY ('{fb-000001,fb-000002}'::text\[\])))" "$f")" -eq 2
check "plan items: two Async Foreign Scans" test "$(grep -c 'Async Foreign Scan' "$f")" -eq 2
echo "ok: items: $(grep -m1 'Remote SQL:' "$f" | sed 's/^ *//' | cut -c1-200)"
f=$root/explain/report.txt
for fn in earful_tally earful_term_counts earful_authors earful_topk earful_delay earful_compound; do
    check "plan report: $fn in both workers' Remote SQL" test "$(grep 'Remote SQL:' "$f" | grep -c "public\.$fn(")" -eq 2
done
check "plan report: one scan of each shard" test "$(grep -c 'Foreign Scan' "$f")" -eq 2
check "plan period_terms: the period and the term authors in the Remote SQL" test \
    "$(grep 'Remote SQL:' "$root/explain/period_terms.txt" | grep "date >= '2025-03-31" | grep -c 'public.earful_term_authors(5, text, author)')" -eq 2
run_set noseg "VERBOSE, COSTS OFF" report
check "plan report without a segment: pushed down" test \
    "$(grep 'Remote SQL:' "$root/out/report.noseg" | grep -c 'earful_tally(.*NULL::text')" -eq 2
check "plan report: the time zone ships" grep -q "'Europe/Paris'::public.earful_tz" "$root/explain/report.txt"

# ==== The query set: results ================================================

# the report query's parts, each in a file as a query of its own:
# DIR/NAME.TAG from DIR/report.TAG (a part's columns only)
split_report() { # DIR TAG
    awk -F'|' -v d="$1" -v t="$2" '
        BEGIN { split("cube delays scores terms authors authors authors repair examples negative", nm, " ")
                split("18 4 3 3 4 4 4 3 3 3", w, " ") }
        { p = $(NF - 1); o = $1; for (i = 2; i <= w[p]; i++) o = o "|" $i
          print o >(d "/" nm[p] "." t) }' "$1/report.$2"
}
parts=(cube delays scores terms authors repair examples negative)
run_set sharded "" "${names[@]}"
run_set local "" "${names[@]}"
run_set noseg "" report
for t in sharded local noseg; do split_report "$root/out" $t; done
for n in "${names[@]}" "${parts[@]}"; do
    check "results $n: sharded equals one server" cmp -s "$root/out/$n.sharded" "$root/out/$n.local"
    check "results $n: rows" test "$(wc -l <"$root/out/$n.sharded")" -gt 1
done
check "results report: the parts in order" test \
    "$(awk -F'|' '{ print $(NF - 1) }' "$root/out/report.sharded" | uniq | tr '\n' ' ')" = "1 2 3 4 5 6 7 8 9 10 "
# a spike's terms by plain SQL: each author once (an anonymous item its
# own), at most 5
eq "results period_terms: the items and distinct authors of each term" \
    "$(cat "$root/out/period_terms.sharded")" \
    "$(q 5432 -Atc "SELECT term, count(*), least(5, count(DISTINCT CASE WHEN author IS NULL OR author = '' THEN 'i' || id ELSE 'a' || author END)) FROM feedback_local, unnest(earful_terms(text)) AS term WHERE date >= '2025-03-31' AND date < '2025-04-07' AND earful_class(text, -0.05, 0.05) = 0 GROUP BY term ORDER BY term COLLATE \"C\"")"
check "results period_terms: some term of 5 authors" grep -q '|5$' "$root/out/period_terms.sharded"
check "results period_terms: some term of fewer" grep -q '|[1-4]$' "$root/out/period_terms.sharded"
check "results cube: without a segment" test "$(cut -d'|' -f3 "$root/out/cube.noseg" | sort -u)" = ""
eq "results versions" "$(cat "$root/out/versions.sharded")" \
    "$(q 5432 -Atc "SELECT shard, earful_version(), count(*), min(date), max(date) FROM feedback_local GROUP BY 1 ORDER BY 1")"

# The same numbers as `earful report` on the CSV (UTC weeks for the
# cube, whose test above used Paris).
params[report]="-0.05, 0.05, 1, 'UTC', 25, 5, 3, 10000"
mkdir -p "$root/utc"
run_set sharded "" report && mv "$root/out/report.sharded" "$root/utc/report.sharded" &&
    split_report "$root/utc" sharded
./earful report --quiet -o "$root/report" "$root/sample.csv" ||
    echo "FAIL pg: earful report on the sample"
python3 - "$root" <<'PY' >"$root/metrics.check"
import json, math, re, struct, sys
root = sys.argv[1]
m = json.load(open(f"{root}/report/metrics.json"))
def rows(name, d="out"):
    return [l.rstrip("\n").split("|") for l in open(f"{root}/{d}/{name}.sharded")]
bad = []
def same(what, got, want):
    ok = (abs(got - want) <= 5e-7 * max(1, abs(want))
          if isinstance(want, float) else got == want)
    if not ok:
        bad.append(f"{what}: sql {got!r}, report {want!r}")
cube = rows("cube", "utc")
cls = {0: "negative", 1: "neutral", 2: "positive"}
for c, name in cls.items():
    same(f"sentiment.{name}.count",
         sum(int(r[4]) for r in cube if int(r[3]) == c),
         m["sentiment"][name]["count"])
scores = rows("scores")
same("strongly_negative.count",
     sum(int(n) for ch, c, n in scores if float(c) <= -0.75),
     m["sentiment"]["strongly_negative"]["count"])
per = {}
for r in cube:
    p = per.setdefault(r[0][:10], [0, 0])
    p[0] += int(r[4]); p[1] += int(r[4]) if r[3] == "0" else 0
same("periods (start, n, negative)", sorted((k, *v) for k, v in per.items()),
     [(p["start"], p["n"], p["negative"]) for p in m["periods"]])
ch = {}
for r in cube:
    ch[r[1]] = ch.get(r[1], 0) + int(r[4])
same("channels (name, n)", sorted(ch.items()),
     sorted((c["name"], c["n"]) for c in m["channels"]))
nps = [sum(int(r[i]) for r in cube) for i in (5, 6, 7)]
same("nps", nps, [m["nps"]["detractors"], m["nps"]["passives"],
                  m["nps"]["promoters"]])
same("stars", [sum(int(r[i]) for r in cube) for i in range(8, 13)],
     m["stars"]["distribution"])
neg = [r for r in cube if r[3] == "0"]
nneg = sum(int(r[4]) for r in neg)
for i, k in ((14, "terse_share"), (15, "abusive_share"), (16, "detailed_share")):
    same(f"venting.{k}", round(sum(int(r[i]) for r in neg) / nneg, 6),
         m["venting"][k])
same("concentration.anonymous_share",
     round(sum(int(r[17]) for r in neg) / nneg, 6),
     m["concentration"]["anonymous_share"])
hours = []
for channel, segment, seconds, n in rows("delays"):
    # the report keeps hours as float32
    hours += [struct.unpack("f", struct.pack("f", int(seconds) / 3600.0))[0]] * int(n)
hours.sort()
def quantile(v, q):
    h = q * (len(v) - 1); i = int(h); f = h - i
    return v[-1] if i >= len(v) - 1 else v[i] + f * (v[i + 1] - v[i])
same("response.median_hours", round(quantile(hours, 0.5), 6),
     m["response"]["median_hours"])
same("response.p90_hours", round(quantile(hours, 0.9), 6),
     m["response"]["p90_hours"])
same("response.rate", round(sum(int(r[13]) for r in cube) / 20000, 6),
     m["response"]["rate"])
terms = {t: int(n) for t, n, o in rows("terms")}
same("themes (term, count)", [(t["term"], terms.get(t["term"]))
                              for t in m["themes"]],
     [(t["term"], t["count"]) for t in m["themes"]])
au = rows("authors")
hist = sorted((int(r[2]), int(r[3])) for r in au if r[0] == "negative")
negs = sorted((n for n, k in hist for _ in range(k)), reverse=True)
c = m["concentration"]
same("concentration.negative_authors", len(negs), c["negative_authors"])
same("concentration.repeat_authors", sum(1 for n in negs if n >= 3),
     c["repeat_authors"])
total = m["sentiment"]["negative"]["count"]
for pct, k in ((0.01, "top1_share"), (0.05, "top5_share"), (0.10, "top10_share")):
    same(f"concentration.{k}",
         round(sum(negs[:math.ceil(pct * len(negs))]) / total, 6), c[k])
turned = [r for r in au if r[0] == "turned"][0]
same("turned_around (authors, after_response)",
     (int(turned[2]), int(turned[3])),
     (m["turned_around"]["authors"], m["turned_around"]["after_response"]))
print("\n".join(bad) if bad else "same")
PY
eq "results: the numbers of earful report's metrics.json" "$(cat "$root/metrics.check")" same

# ==== earful report postgresql:// ==========================================

# The same rows as a CSV (with the segment column), dates in UTC.
q 5432 -c "\\copy (SELECT id, to_char(date AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS date, channel, author, text, rating, nps, to_char(responded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS responded_at, url, segment FROM feedback_local ORDER BY id) TO '$root/same.csv' WITH (FORMAT csv, HEADER)"
url="postgresql://postgres@/postgres?host=$sock&port=5432"
export SOURCE_DATE_EPOCH=1700000000
same_report() { # NAME ARGS...: metrics.json from the cluster equals the CSV's
    local name=$1 out; shift
    rm -rf "$root/rep.pg" "$root/rep.csv"
    ./earful report -q --no-xlsx -o "$root/rep.csv" "$@" "$root/same.csv" ||
        echo "FAIL pg: earful report on same.csv ($name)"
    ./earful report -o "$root/rep.pg" "$@" "$url" 2>"$root/rep.err" ||
        { echo "FAIL pg: earful report $url ($name)"; cat "$root/rep.err"; }
    out=$(python3 tests/json_same.py --ignore input.files \
        "$root/rep.csv/metrics.json" "$root/rep.pg/metrics.json" 2>&1)
    eq "report $name: metrics.json from the cluster equals the CSV's (every number)" "$out" same
}
# the statements the workers run during one report (log_statement)
for p in 5432 5433 5434; do
    q $p -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
done
sleep 0.3
wc1=$(wc -l <"$root/w1.log") wc2=$(wc -l <"$root/w2.log") wcc=$(wc -l <"$root/c.log")
same_report "sharded, weeks"
check "report: says where the time went" grep -q 'postgresql: .*shard queries .* s, transfer .* s (.* rows, .* bytes; .* items fetched), rendering .* s' "$root/rep.err"
we1=$(wc -l <"$root/w1.log") we2=$(wc -l <"$root/w2.log") wce=$(wc -l <"$root/c.log")
for p in 5432 5433 5434; do
    q $p -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
done
# one log entry a line (a statement's lines joined)
entries() { sed -n "$(($2 + 1)),$3p" "$1" | awk '/^20[0-9][0-9]-/ { if (e != "") print e; e = $0; next } { e = e " " $0 } END { if (e != "") print e }'; }
{ entries "$root/w1.log" "$wc1" "$we1"; entries "$root/w2.log" "$wc2" "$we2"; } >"$root/w.stmts"
grep -o 'DECLARE c[0-9]* CURSOR FOR .*' "$root/w.stmts" >"$root/w.selects"
# versions, report, the fetch by id, a spike's terms: on each worker
check "report: the workers ran queries" test "$(wc -l <"$root/w.selects")" -ge 8
check "report: one scan of each worker for the whole report" \
    test "$(grep -c 'earful_term_counts(' "$root/w.selects")" -eq 2
check "report: every worker query aggregates, but the fetch by id" \
    test "$(grep -v 'GROUP BY' "$root/w.selects" | grep -vc 'WHERE ((id = ANY')" -eq 0
check "report: a spike's terms aggregated on the workers" \
    test "$(grep -c 'earful_term_authors(5, text, author).*GROUP BY' "$root/w.selects")" -ge 2
check "report: rows fetched by id only for what it shows (the report's, the Negative sheet's)" \
    test "$(grep -c 'WHERE ((id = ANY' "$root/w.selects")" -eq 4
check "report: one read-only transaction" \
    grep -q 'statement: BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' <(sed -n "$((wcc + 1)),${wce}p" "$root/c.log")
check "report: no write on any server" \
    test "$(grep -Eic 'statement: (INSERT|UPDATE|DELETE|COPY|CREATE|ALTER)' "$root/w.stmts")" -eq 0
cp "$root/rep.pg/metrics.json" "$root/sharded.json"
same_report "sharded, months in Paris, a segment" --period month --tz Europe/Paris --segment segment
same_report "sharded, days, other thresholds" --period day --thresholds -0.3,0.3 --min-n 5
same_report "one server (--table)" --table feedback_local --segment segment
# the workbook: the CSV's without its Data sheet, sheet for sheet
rm -rf "$root/wb.csv" "$root/wb.pg"
./earful report -q --no-data-sheet -o "$root/wb.csv" "$root/same.csv" ||
    echo "FAIL pg: earful report --no-data-sheet on same.csv"
./earful report -o "$root/wb.pg" "$url" 2>"$root/wb.err" ||
    echo "FAIL pg: earful report $url (workbook)"
check "workbook: says what it holds" grep -q 'report.xlsx from PostgreSQL: no Data sheet' "$root/wb.err"
for d in csv pg; do
    mkdir -p "$root/wb.$d/x" && (cd "$root/wb.$d/x" && unzip -q ../report.xlsx)
done
eq "workbook: the same parts" "$(cd "$root/wb.pg/x" && find . -type f | sort)" \
    "$(cd "$root/wb.csv/x" && find . -type f | sort)"
eq "workbook: the same sheets" "$(cat "$root/wb.pg/x/xl/workbook.xml")" "$(cat "$root/wb.csv/x/xl/workbook.xml")"
check "workbook: no Data sheet" test "$(grep -c '"Data' "$root/wb.pg/x/xl/workbook.xml")" -eq 0
check "workbook: a Negative sheet" grep -q 'name="Negative"' "$root/wb.pg/x/xl/workbook.xml"
# every sheet but Method (which describes the input) the CSV's, but the
# source named (a path, a URI) and the CSV's line numbers after it
method=$(grep -o '<sheet name="Method" sheetId="[0-9]*"' "$root/wb.pg/x/xl/workbook.xml" | grep -o '[0-9]*"$' | tr -d '"')
for f in "$root"/wb.csv/x/xl/worksheets/*.xml "$root"/wb.csv/x/xl/charts/*.xml; do
    g=${f/wb.csv/wb.pg}
    [ "${f##*/}" == "sheet$method.xml" ] && continue
    out=$(python3 - "$f" "$g" "$root/same.csv" "postgresql://:5432/postgres table feedback" <<'PY'
import re, sys
a, b = (open(f).read() for f in sys.argv[1:3])
a, b = a.replace(sys.argv[3], "SRC"), b.replace(sys.argv[4], "SRC")
# the row sheets' last cell, the CSV's line number (after File, or after
# the id when one input gives no File column): the servers have no lines
if "<t>Line</t></is></c></row>" in a:
    a = re.sub(r'(</t></is></c>)<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?><v>[0-9]+</v></c></row>', r"\1</row>", a)
i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
print("same" if a == b else "csv: ..." + a[max(0, i - 150):i + 150] + "\n  pg:  ..." + b[max(0, i - 150):i + 150])
PY
)
    eq "workbook: ${f##*/x/} the CSV's (the source aside)" "$out" same
done
check "workbook: the sheets compared" test -n "$method" -a -s "$root/wb.pg/x/xl/worksheets/sheet7.xml"
out=$(./earful report -q -o "$root/rep.x" --table nosuch "$url" 2>&1); rc=$?
eq "report: a missing table (exit)" "$rc" 74
check "report: a missing table says so" grep -q 'nosuch' <<<"$out"
q 5432 -c "CREATE TABLE empty ($schema)"
out=$(./earful report -q -o "$root/rep.x" --table empty "$url" 2>&1); rc=$?
eq "report: an empty table (exit)" "$rc" 66
check "report: an empty table says so" grep -q 'table empty: no rows: no report' <<<"$out"
check "report: an empty table, no folder" test ! -e "$root/rep.x"
out=$(./earful report -q -o "$root/rep.x" --labels x.csv "$url" 2>&1); rc=$?
eq "report: postgresql:// with --labels is a usage error" "$rc" 64

# ==== earful import ... postgresql:// =======================================

# A second sharded table, filled by earful import: the same report as the
# CSV's; idempotent; rejected rows as for a SQLite store.
for p in 5433 5434; do q $p -c "CREATE TABLE imp ($schema)"; done
q 5432 -c "CREATE TABLE imp ($schema) PARTITION BY LIST (shard)" \
    -c "CREATE FOREIGN TABLE imp_w1 PARTITION OF imp FOR VALUES IN (0) SERVER w1 OPTIONS (table_name 'imp')" \
    -c "CREATE FOREIGN TABLE imp_w2 PARTITION OF imp FOR VALUES IN (1) SERVER w2 OPTIONS (table_name 'imp')"
eq "import: into the sharded table" \
    "$(./earful import -q --table imp "$root/sample.csv" "$url" 2>&1)" \
    "$root/sample.csv: 20000 added, 0 already present, 0 rejected"
eq "import: each row on its author's shard, as written" \
    "$(q 5432 -Atc "SELECT count(*) FROM imp i JOIN feedback_local f USING (id) WHERE i.shard = f.shard AND i.date = f.date AND i.text = f.text AND i.channel IS NOT DISTINCT FROM nullif(f.channel, '') AND i.responded_at IS NOT DISTINCT FROM f.responded_at")" 20000
eq "import: again, nothing added" \
    "$(./earful import -q --table imp "$root/sample.csv" "$url" 2>&1)" \
    "$root/sample.csv: 0 added, 20000 already present, 0 rejected"
rm -rf "$root/rep.imp" "$root/rep.samp"
./earful report -q --no-xlsx -o "$root/rep.samp" "$root/sample.csv"
./earful report -q -o "$root/rep.imp" --table imp "$url"
eq "import: the report from the imported rows equals the CSV's (every number)" \
    "$(python3 tests/json_same.py --ignore input.files "$root/rep.samp/metrics.json" "$root/rep.imp/metrics.json")" same
{ head -1 "$root/sample.csv"
  echo 'x-1,2025-02-01T10:00:00Z,web,ann,Not bad at all,,,,'
  echo 'x-2,not a date,web,bob,Terrible,,,,'
  echo 'x-3,2025-02-02T10:00:00Z,web,,Good,,,,'; } >"$root/bad.csv"
eq "import: a rejected row" \
    "$(./earful import -q --rejects "$root/bad.rej" --table imp "$root/bad.csv" "$url" 2>&1)" \
    "$root/bad.csv: 2 added, 0 already present, 1 rejected"
check "import: the rejected row in --rejects" grep -q ',3,unparseable date .*,x-2,not a date,' "$root/bad.rej"
q 5432 -c "DELETE FROM imp WHERE id LIKE 'x-%'" >/dev/null
out=$(./earful import -q --strict --table imp "$root/bad.csv" "$url" 2>&1); rc=$?
eq "import: --strict, a rejected row is fatal" "$rc" 65
eq "import: and the input rolled back" "$(q 5432 -Atc "SELECT count(*) FROM imp")" 20000
out=$(./earful import -q --table nosuch "$root/bad.csv" "$url" 2>&1); rc=$?
eq "import: a missing table (exit)" "$rc" 74
check "import: a missing table says so" grep -q 'nosuch' <<<"$out"
q 5432 -c "CREATE TABLE scored ($schema, neg float8, neu float8, pos float8, compound float8, scorer text)"
./earful import -q --table scored "$root/bad.csv" "$url" >/dev/null 2>&1
eq "import: scores and the scorer's version kept when the table has the columns" \
    "$(q 5432 -Atc "SELECT count(*), count(*) FILTER (WHERE scorer = earful_version() AND compound = earful_compound(text) AND (neg, neu, pos, compound) = ((earful_score(text)).neg, (earful_score(text)).neu, (earful_score(text)).pos, (earful_score(text)).compound)) FROM scored")" "2|2"
unset SOURCE_DATE_EPOCH

# ==== Each aggregate against plain SQL ======================================

twin() { # NAME FAST SLOW: two queries on feedback_local, equal rows
    local a b
    a=$(q 5432 -Atc "$2" 2>&1); b=$(q 5432 -Atc "$3" 2>&1)
    check "twin $1: $(wc -l <<<"$a") rows" test -n "$a" -a "$a" == "$b"
    [ "$a" == "$b" ] || { echo "  fast: $(head -c 300 <<<"$a")"; echo "  slow: $(head -c 300 <<<"$b")"; }
}
twin term_counts \
    "SELECT u.* FROM (SELECT earful_term_counts(text, earful_class(text, -0.05, 0.05) = 0) m FROM feedback_local) x, unnest((m).term, (m).negative, (m).other) u" \
    "SELECT t, count(*) FILTER (WHERE earful_class(text, -0.05, 0.05) = 0), count(*) FILTER (WHERE earful_class(text, -0.05, 0.05) <> 0) FROM feedback_local, unnest(earful_terms(text)) t GROUP BY t ORDER BY t COLLATE \"C\""
twin topk \
    "SELECT u.* FROM (SELECT earful_topk(300, earful_compound(text), id) m FROM feedback_local) x, unnest((m).key, (m).id) u" \
    "SELECT earful_compound(text), id FROM feedback_local ORDER BY 1, id COLLATE \"C\" LIMIT 300"
twin topk_merge \
    "SELECT (earful_topk_merge(p)).* FROM (SELECT earful_topk(7, rating::float8, id) p FROM feedback_local GROUP BY channel) x" \
    "SELECT (earful_topk(7, rating::float8, id)).* FROM feedback_local"
# distinct authors per term, up to 5, merged across groups that share
# authors: anonymous items each their own author
q 5432 -c "CREATE TABLE ta AS SELECT * FROM (VALUES
    (0, '1', 'ann', 'battery died'), (1, '2', 'ann', 'battery died again'),
    (0, '3', 'ann', 'battery dead'), (0, '4', '', 'battery broken'),
    (1, '5', NULL, 'battery broken'), (1, '6', 'bob', 'battery'),
    (0, '7', 'cy', 'battery'), (1, '8', 'dee', 'battery'),
    (0, '9', 'bob', 'screen cracked'), (1, '10', 'bob', 'screen cracked'),
    (1, '11', 'cy', 'screen cracked')) AS v(g, id, author, text)" >/dev/null
twin term_authors \
    "SELECT u.* FROM (SELECT earful_term_authors_merge(p) m FROM (SELECT earful_term_authors(5, text, author) p FROM ta GROUP BY g) x) y, unnest((m).term, (m).negative, (m).authors) u" \
    "SELECT t, count(*), least(5, count(DISTINCT CASE WHEN author IS NULL OR author = '' THEN 'i' || id ELSE 'a' || author END)) FROM ta, unnest(earful_terms(text)) t GROUP BY t ORDER BY t COLLATE \"C\""
eq "twin term_authors: the cases (5 of 6 authors; one author's items; two)" \
    "$(q 5432 -Atc "SELECT string_agg(u.negative::text || '/' || u.authors, ' ' ORDER BY u.negative DESC, u.authors) FROM (SELECT earful_term_authors_merge(p) m FROM (SELECT earful_term_authors(5, text, author) p FROM ta GROUP BY g) x) y, unnest((m).term, (m).negative, (m).authors) AS u(term, negative, authors) WHERE u.negative > 1")" \
    "8/5 3/2 3/2 2/1 2/2"
tally="earful_tally(earful_period(date, 1), channel, segment, rating, nps::float8, ARRAY[1, (responded_at IS NOT NULL)::int4, (nps > 8)::int4])"
twin tally \
    "SELECT r.* FROM (SELECT $tally m FROM feedback_local) x, earful_tally_rows(x.m) r" \
    "SELECT earful_period(date, 1), channel, segment, rating, nps::float8, ARRAY[count(*), count(responded_at), count(*) FILTER (WHERE nps > 8)] FROM feedback_local GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, channel COLLATE \"C\", segment COLLATE \"C\", 4, 5"
twin tally_merge \
    "SELECT (earful_tally_merge(p)).* FROM (SELECT $tally p FROM feedback_local GROUP BY date::date) x" \
    "SELECT ($tally).* FROM feedback_local"
authors_slow="WITH a AS (
    SELECT author, count(*) FILTER (WHERE c = 0) AS neg,
           min(date) FILTER (WHERE c = 0) AS first_neg,
           max(date) FILTER (WHERE c = 2) AS last_pos,
           min(responded_at) FILTER (WHERE c = 0) AS first_reply
    FROM (SELECT *, earful_class(text, -0.05, 0.05) c FROM feedback_local) f
    WHERE coalesce(author, '') <> '' AND c <> 1 GROUP BY author)
SELECT 5, (SELECT array_agg(neg ORDER BY neg) FROM (SELECT DISTINCT neg FROM a WHERE neg > 0) d),
       (SELECT array_agg(k ORDER BY neg) FROM (SELECT neg, count(*) k FROM a WHERE neg > 0 GROUP BY neg) d),
       (SELECT count(*) FROM a WHERE neg > 0 AND last_pos > first_neg),
       (SELECT count(*) FROM a WHERE neg > 0 AND last_pos > first_neg AND first_reply <= last_pos),
       (SELECT array_agg(author ORDER BY neg DESC, author COLLATE \"C\") FROM (SELECT * FROM a WHERE neg > 0 ORDER BY neg DESC, author COLLATE \"C\" LIMIT 5) l),
       (SELECT array_agg(neg ORDER BY neg DESC, author COLLATE \"C\") FROM (SELECT * FROM a WHERE neg > 0 ORDER BY neg DESC, author COLLATE \"C\" LIMIT 5) l)"
twin authors \
    "SELECT (earful_authors(5, author, earful_class(text, -0.05, 0.05), date, responded_at)).* FROM feedback_local" \
    "$authors_slow"
twin authors_merge \
    "SELECT (earful_authors_merge(p)).* FROM (SELECT earful_authors(5, author, earful_class(text, -0.05, 0.05), date, responded_at) p FROM feedback_local GROUP BY shard) x" \
    "$authors_slow"
twin period \
    "SELECT earful_period(date, 2, 'Europe/Paris'), count(*) FROM feedback_local GROUP BY 1 ORDER BY 1" \
    "SELECT (date_trunc('month', date AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'Europe/Paris'), count(*) FROM feedback_local GROUP BY 1 ORDER BY 1"
twin week \
    "SELECT earful_period(date, 1), count(*) FROM feedback_local GROUP BY 1 ORDER BY 1" \
    "SELECT date_trunc('week', date AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*) FROM feedback_local GROUP BY 1 ORDER BY 1"

# ==== Errors are database errors ===========================================

err() { # NAME SQL MESSAGE: the statement fails with the message
    local out
    out=$(q 5432 -Atc "$2" 2>&1)
    check "error $1" grep -qF -- "$3" <<<"$out"
}
err "period kind" "SELECT earful_period(now(), 3)" "kind 3 is not 0 (day), 1 (week) or 2 (month)"
err "time zone" "SELECT 'Mars/Olympus'::earful_tz" "earful_tz:"
err "topk k" "SELECT earful_topk(0, 1.0, 'a')" "k must be 1 to"
err "shards" "SELECT earful_shard('a', 0)" "earful_shard: 0 shards"
err "partial" "SELECT earful_topk_merge((1, '{1,2}', '{a}')::earful_topk_part)" "arrays differ in length"
err "infinite date" "SELECT earful_epoch('infinity')" "infinite timestamp"
eq "errors: the server lives on" "$(q 5432 -Atc "SELECT earful_class('good', -0.05, 0.05)")" 2

# ==== Faults: a worker down, a worker with another scorer ===================

pg_stop w2
out=$(run_set sharded "" report 2>&1); rc=$?
check "worker down: the query fails" test $rc -ne 0
check "worker down: says which server" grep -q 'could not connect to server "w2"' <<<"$out"
check "worker down: no partial rows" test ! -s "$root/out/report.sharded"
rm -rf "$root/rep.down"
out=$(./earful report -q -o "$root/rep.down" "$url" 2>&1); rc=$?
eq "worker down: earful report exits 74" "$rc" 74
check "worker down: earful report names the server" grep -q 'could not connect to server "w2"' <<<"$out"
check "worker down: no report folder" test ! -e "$root/rep.down"

printf 'pebblewave\t3.0\n' >"$root/brand.tsv"
chmod a+r "$root/brand.tsv"
pg_start w2 5434 "-c earful_pg.lexicon=$root/brand.tsv"
run_set sharded "" versions
eq "another scorer: the shards' versions differ" \
    "$(cut -d'|' -f2 "$root/out/versions.sharded" | sort -u | wc -l)" 2
check "another scorer: shard 1 names its lexicon" \
    grep -q '^1|vader-3.3.2/lexicon-1.1.3/earful-1+custom-' "$root/out/versions.sharded"
# 'pebblewave' at 3.0 alone: 3 / sqrt(3^2 + 15) = 0.61237 -> 0.6124
eq "another scorer: and scores with it" \
    "$(q 5434 -Atc "SELECT earful_compound('Pebblewave'), earful_version() <> '$(q 5432 -Atc 'SELECT earful_version()')'")" "0.6124|t"

out=$(./earful report -q -o "$root/rep.other" "$url" 2>&1); rc=$?
eq "another scorer: earful report refuses (exit)" "$rc" 65
check "another scorer: earful report names the shard and both scorers" \
    grep -q 'shard 1 scores with vader-3.3.2/lexicon-1.1.3/earful-1+custom-.*, this earful with vader-3.3.2/lexicon-1.1.3/earful-1+names: refusing' <<<"$out"
check "another scorer: no report folder" test ! -e "$root/rep.other"

# A lexicon file that is not there: an error naming it, not a crash.
q 5433 -c "LOAD 'earful_pg'" \
    -c "ALTER SYSTEM SET earful_pg.lexicon = '$root/missing.tsv'" \
    -c "SELECT pg_reload_conf()" >/dev/null
for i in $(seq 50); do
    [ "$(q 5433 -Atc 'SHOW earful_pg.lexicon' 2>/dev/null)" = "$root/missing.tsv" ] && break
    sleep 0.1
done
out=$(q 5433 -Atc "SELECT earful_compound('good')" 2>&1)
check "lexicon missing: an error naming the file" \
    grep -qF "earful_pg.lexicon: $root/missing.tsv: No such file or directory" <<<"$out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
