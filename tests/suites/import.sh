#!/usr/bin/env bash
# import.sh - `earful import`: counts and idempotence on the sample, what
# the store holds (schema, dates, NULLs, scores, ids), rejected rows,
# --strict, atomicity under kill -9, a concurrent writer, foreign stores.
# Runs from the repository root; the stores live in a temporary folder.
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
tmp=$(mktemp -d)
bg=""
trap '[ -n "$bg" ] && kill "$bg" 2>/dev/null; rm -rf "$tmp"' EXIT
PY=/usr/bin/python3 # Debian's, with the sqlite3 module
E=./earful
SCORER="vader-3.3.2/lexicon-1.1.3/earful-1+names" # @mentions carry no valence

check() { # NAME COMMAND...: passes when the command succeeds
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}
eq() { # NAME GOT WANT
    if [ "$2" == "$3" ]; then pass=$((pass + 1)); else
        echo "FAIL $1: got '$2', want '$3'"; fail=$((fail + 1)); fi
}
sql() { # DB SQL: one query through Python's sqlite3 (no CLI needed)
    $PY - "$1" "$2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for row in c.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
PY
}
contains() { grep -qF -- "$2" "$1"; }

make -s samples/feedback.csv build/tools/gen_sample build/tools/read_csv \
    >/dev/null || { echo "FAIL import: cannot build the fixtures"; echo "0 passed, 1 failed"; exit 1; }
sample=samples/feedback.csv
rows=$($PY -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], encoding="utf-8"))))' $sample)

# ==== The sample, twice ======================================================
db=$tmp/store.db
$E import $sample "$db" >"$tmp/out" 2>"$tmp/err"
eq "sample: exit" $? 0
eq "sample: summary" "$(cat "$tmp/out")" "$sample: $rows added, 0 already present, 0 conflicting, 0 rejected"
eq "sample: nothing on stderr (not a terminal)" "$(cat "$tmp/err")" ""
eq "sample: row count" "$(sql "$db" 'SELECT count(*) FROM feedback')" "$rows"
$E import $sample "$db" >"$tmp/out" 2>"$tmp/err"
eq "sample again: exit" $? 0
eq "sample again: 0 added" "$(cat "$tmp/out")" "$sample: 0 added, $rows already present, 0 conflicting, 0 rejected"
eq "sample again: row count" "$(sql "$db" 'SELECT count(*) FROM feedback')" "$rows"
eq "integrity" "$(sql "$db" 'PRAGMA integrity_check')" "ok"

# ==== What the store holds ===================================================
eq "schema: columns" "$(sql "$db" 'SELECT group_concat(name) FROM pragma_table_info("feedback")')" \
    "id,date,channel,author,text,rating,nps,responded_at,label,url,segment,neg,neu,pos,compound,scorer,source,imported_at,terms"
eq "schema: version" "$(sql "$db" "SELECT value FROM meta WHERE key = 'schema_version'")" "1"
eq "schema: WAL" "$(sql "$db" 'PRAGMA journal_mode')" "wal"
eq "schema: indexes" "$(sql "$db" "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'feedback' ORDER BY name)")" \
    "feedback_channel,feedback_date,sqlite_autoindex_feedback_1"
eq "ids unique" "$(sql "$db" 'SELECT count(DISTINCT id) FROM feedback')" "$rows"
eq "dates: ISO 8601 UTC" "$(sql "$db" "SELECT count(*) FROM feedback WHERE date NOT GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z'")" "0"
eq "dates: as in the CSV" "$(sql "$db" "SELECT date FROM feedback WHERE id = 'fb-000001'")" "2025-01-06T00:02:06Z"
eq "scorer" "$(sql "$db" 'SELECT group_concat(DISTINCT scorer) FROM feedback')" "$SCORER"
eq "source" "$(sql "$db" 'SELECT group_concat(DISTINCT source) FROM feedback')" "$sample"
$PY - "$sample" "$db" >"$tmp/nulls" <<'PY'
import csv, sqlite3, sys
want = {"rating": 0, "nps": 0, "responded_at": 0, "url": 0, "author": 0}
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    for k in want:
        want[k] += r[k] == ""
c = sqlite3.connect(sys.argv[2])
for k, n in want.items():
    got = c.execute("SELECT count(*) FROM feedback WHERE %s IS NULL" % k).fetchone()[0]
    print("%s %d %d" % (k, got, n))
kinds = {k for (k,) in c.execute("SELECT DISTINCT typeof(rating) || ' ' || "
                                  "typeof(nps) FROM feedback")}
ok = kinds <= {"integer null", "null integer", "null null"} and len(kinds) == 3
print("types", "ok" if ok else sorted(kinds))
PY
while read -r k got want; do
    [ "$k" = types ] && continue
    eq "NULL when absent: $k" "$got" "$want"
done <"$tmp/nulls"
check "rating and nps are INTEGER or NULL" grep -qxF "types ok" "$tmp/nulls"

# Scores: the same as `earful score` gives for the same texts.
$PY - "$db" "$tmp/texts" "$tmp/stored" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = c.execute("SELECT text, neg, neu, pos, compound FROM feedback "
                 "WHERE text NOT LIKE '%' || char(10) || '%' "
                 "AND text NOT LIKE '%' || char(13) || '%' ORDER BY id").fetchall()
with open(sys.argv[2], "w", encoding="utf-8") as t, open(sys.argv[3], "w") as s:
    for text, neg, neu, pos, comp in rows:
        t.write(text + "\n")
        s.write("%.3f\t%.3f\t%.3f\t%.4f\n" % (neg, neu, pos, comp))
PY
$E score "$tmp/texts" | tail -n +2 | cut -f1-4 >"$tmp/scored"
check "scores: as earful score gives them" cmp -s "$tmp/scored" "$tmp/stored"
eq "scores: every row" "$(wc -l <"$tmp/stored")" "$(sql "$db" "SELECT count(*) FROM feedback WHERE text NOT LIKE '%' || char(10) || '%' AND text NOT LIKE '%' || char(13) || '%'")"

# The store reads back through the sources (as `earful report` reads it).
build/tools/read_csv "$db" >"$tmp/out" 2>&1
check "read back: every row used" contains "$tmp/out" "$db: $rows read, $rows used, 0 rejected"

# ==== Rows without an id: a hash =============================================
printf 'created_at,Comment,user,channel\n2025-03-04 10:00:00,Great product,bob,Forum\n1741082525,"bad, really ""bad""",,\n2025-03-04 10:00:00,Great product,bob,Forum\n' >"$tmp/noid.csv"
$E import "$tmp/noid.csv" "$tmp/noid.db" >"$tmp/out" 2>&1
eq "no id: the same row twice is one" "$(cat "$tmp/out")" "$tmp/noid.csv: 2 added, 1 already present, 0 conflicting, 0 rejected"
want=$($PY -c 'import hashlib; print(hashlib.sha256(b"2025-03-04T10:00:00Z\0forum\0bob\0Great product").hexdigest()[:16])')
eq "no id: sha256 of date, channel, author, text" "$(sql "$tmp/noid.db" "SELECT id FROM feedback WHERE author = 'bob'")" "$want"
$E import "$tmp/noid.csv" "$tmp/noid.db" >"$tmp/out" 2>&1
eq "no id: again, 0 added" "$(cat "$tmp/out")" "$tmp/noid.csv: 0 added, 3 already present, 0 conflicting, 0 rejected"
# the channel is stored as written; its case is no part of the identity
eq "no id: the channel as written" "$(sql "$tmp/noid.db" "SELECT channel FROM feedback WHERE author = 'bob'")" "Forum"
printf 'created_at,Comment,user,channel\n2025-03-04 10:00:00,Great product,bob,FORUM \n' >"$tmp/noid2.csv"
$E import "$tmp/noid2.csv" "$tmp/noid.db" >"$tmp/out" 2>&1
eq "no id: FORUM is the same channel" "$(cat "$tmp/out")" "$tmp/noid2.csv: 0 added, 1 already present, 0 conflicting, 0 rejected"

# ==== Rejected rows, --strict, several inputs ================================
rej=tests/data/source/rejects.csv
$E import --rejects "$tmp/rejected.csv" $rej tests/data/source/basic.csv "$tmp/r.db" >"$tmp/out" 2>"$tmp/err"
eq "rejects: exit" $? 0
eq "rejects: summaries" "$(cat "$tmp/out")" "$rej: 2 added, 0 already present, 0 conflicting, 10 rejected
tests/data/source/basic.csv: 3 added, 0 already present, 0 conflicting, 0 rejected"
eq "rejects: file rows" "$(wc -l <"$tmp/rejected.csv")" 11
check "rejects: file header" contains "$tmp/rejected.csv" "source,line,reason,id,date,text,rating,nps,responded_at,label"
check "rejects: file:line" contains "$tmp/rejected.csv" "$rej,7,rating 'x' is not 1-5,6,"
check "rejects: warned" contains "$tmp/err" "earful: $rej:3: no text (row written to $tmp/rejected.csv)"
eq "rejects: first five warned" "$(grep -c '(row written to' "$tmp/err")" 5
$E import $rej "$tmp/r2.db" >"$tmp/out" 2>"$tmp/err"
check "rejects: without --rejects, counted" contains "$tmp/out" "$rej: 2 added, 0 already present, 0 conflicting, 10 rejected"
check "rejects: without --rejects, warned" contains "$tmp/err" "more rows rejected: --rejects FILE keeps them"
$E import -q $rej "$tmp/r3.db" >"$tmp/out" 2>"$tmp/err"
eq "rejects: --quiet" "$(cat "$tmp/err")" ""

$E import tests/data/source/basic.csv "$tmp/s.db" >/dev/null 2>&1
$E import --strict tests/data/source/dates.csv $rej "$tmp/s.db" >"$tmp/out" 2>"$tmp/err"
eq "strict: exit 65" $? 65
check "strict: file:line" contains "$tmp/err" "earful: tests/data/source/dates.csv:11: unparseable date '04/03/2025' (not a date)"
check "strict: rolled back" contains "$tmp/err" "earful: tests/data/source/dates.csv: nothing imported from this file (rolled back)"
eq "strict: nothing from the file" "$(sql "$tmp/s.db" "SELECT count(*) FROM feedback WHERE source = 'tests/data/source/dates.csv'")" 0
eq "strict: later inputs not read" "$(sql "$tmp/s.db" 'SELECT count(*) FROM feedback')" 3
eq "strict: no summary" "$(cat "$tmp/out")" ""

# ==== Other inputs: a store, gzip, stdin =====================================
$E import "$db" "$tmp/copy.db" >"$tmp/out" 2>&1
eq "store to store" "$(cat "$tmp/out")" "$db: $rows added, 0 already present, 0 conflicting, 0 rejected"
eq "store to store: same rows and scores" \
    "$(sql "$tmp/copy.db" 'SELECT count(*), sum(compound), sum(neg), min(date), max(date) FROM feedback')" \
    "$(sql "$db" 'SELECT count(*), sum(compound), sum(neg), min(date), max(date) FROM feedback')"
gzip -c tests/data/source/basic.csv >"$tmp/basic.csv.gz"
$E import - "$tmp/stdin.db" <"$tmp/basic.csv.gz" >"$tmp/out" 2>&1
eq "stdin, gzip" "$(cat "$tmp/out")" "-: 3 added, 0 already present, 0 conflicting, 0 rejected"
# A Windows-1252 export (Excel's "CSV (Comma delimited)"), read without
# --encoding: the store keeps U+FFFD for good, and no later report on it
# can tell, so import says so; NUL bytes likewise.
printf 'id,date,text\n1,2025-03-03,Tr\xe8s bien caf\xe9 \x93top\x94\n2,2025-03-04,go\x00od\n' >"$tmp/cp1252.csv"
$E import "$tmp/cp1252.csv" "$tmp/cp.db" >"$tmp/out" 2>"$tmp/err"
eq "not UTF-8: imported" "$(cat "$tmp/out")" "$tmp/cp1252.csv: 2 added, 0 already present, 0 conflicting, 0 rejected"
check "not UTF-8: said" contains "$tmp/err" \
    "earful: $tmp/cp1252.csv: 4 invalid UTF-8 sequences read as U+FFFD into the store (not a UTF-8 file? name its encoding with --encoding, e.g. windows-1252)"
check "NUL bytes: said" contains "$tmp/err" "earful: $tmp/cp1252.csv: 1 NUL byte dropped from the rows read"
$E import --encoding windows-1252 "$tmp/cp1252.csv" "$tmp/cp2.db" >/dev/null 2>"$tmp/err"
check "--encoding: nothing replaced, nothing said" test "$(grep -c 'U+FFFD' "$tmp/err")" = 0
# a report on the file says it on stderr too (a CI log shows it), not only
# in its data quality section; -q keeps it quiet
$E report --no-xlsx --no-charts -o "$tmp/cpr" "$tmp/cp1252.csv" >/dev/null 2>"$tmp/err"
eq "not UTF-8, report: said" "$(grep 'U+FFFD' "$tmp/err")" \
    "earful: $tmp/cp1252.csv: 4 invalid UTF-8 sequences read as U+FFFD (not a UTF-8 file? name its encoding with --encoding, e.g. windows-1252)"
check "NUL bytes, report: said" contains "$tmp/err" "earful: $tmp/cp1252.csv: 1 NUL byte dropped from the rows read"
$E report -q --no-xlsx --no-charts -o "$tmp/cpr" "$tmp/cp1252.csv" >/dev/null 2>"$tmp/err"
check "not UTF-8, report -q: nothing said" test ! -s "$tmp/err"
eq "--encoding: the text as written" "$(sql "$tmp/cp2.db" 'SELECT text FROM feedback WHERE id = 1')" "Très bien café “top”"

# ==== Errors that leave the store alone ======================================
$E import tests/data/source/basic.csv tests/cli/no-such.csv "$tmp/none.db" >/dev/null 2>&1
eq "missing input: exit 66" $? 66
check "missing input: no store created" test ! -e "$tmp/none.db"
$E import $sample "$db" "$db" >/dev/null 2>"$tmp/err"
eq "input is the store: exit 64" $? 64
$PY -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("CREATE TABLE feedback (id, text, date)"); c.commit()' "$tmp/foreign.db"
$E import tests/data/source/basic.csv "$tmp/foreign.db" >/dev/null 2>"$tmp/err"
eq "foreign feedback table: exit 73" $? 73
check "foreign feedback table: message" contains "$tmp/err" "table feedback has no column 'channel': not an earful store"
mkdir "$tmp/dir.db"
$E import tests/data/source/basic.csv "$tmp/dir.db" >/dev/null 2>"$tmp/err"
eq "store is a folder: exit 73" $? 73

# ==== kill -9 in the middle: all of the file or none =========================
build/tools/gen_sample -n 300000 >"$tmp/big.csv"
kdb=$tmp/kill.db
$E import tests/data/source/basic.csv "$kdb" >/dev/null 2>&1
$E import "$tmp/big.csv" "$kdb" >/dev/null 2>&1 &
bg=$!
# kill once the transaction has written to the WAL (or after 5 s)
for i in $(seq 100); do
    [ "$(stat -c %s "$kdb-wal" 2>/dev/null || echo 0)" -gt 4000000 ] && break
    sleep 0.05
done
sleep 0.2
kill -9 $bg 2>/dev/null; wait $bg 2>/dev/null; bg=""
n=$(sql "$kdb" "SELECT count(*) FROM feedback WHERE source = '$tmp/big.csv'")
check "kill -9: none or all of the file ($n rows)" test "$n" -eq 0 -o "$n" -eq 300000
[ "$n" -eq 0 ] && echo "ok: kill -9 mid-import left none of the file's rows"
eq "kill -9: the earlier rows stay" "$(sql "$kdb" "SELECT count(*) FROM feedback WHERE source = 'tests/data/source/basic.csv'")" 3
eq "kill -9: integrity" "$(sql "$kdb" 'PRAGMA integrity_check')" "ok"
$E import "$tmp/big.csv" "$kdb" >"$tmp/out" 2>&1
eq "kill -9: the import runs again" "$(cat "$tmp/out")" "$tmp/big.csv: $((300000 - n)) added, $n already present, 0 conflicting, 0 rejected"

# ==== A concurrent writer ====================================================
cdb=$tmp/busy.db
$E import tests/data/source/basic.csv "$cdb" >/dev/null 2>&1
lock() { # SECONDS: holds the write lock of $cdb that long, in the background
    $PY - "$cdb" "$1" "$tmp/locked" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[3], "w").close()
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")
PY
    bg=$!
    for i in $(seq 100); do [ -e "$tmp/locked" ] && break; sleep 0.05; done
}
rm -f "$tmp/locked"; lock 3
t0=$(date +%s%N)
$E import --busy-timeout 500 $rej "$cdb" >"$tmp/out" 2>"$tmp/err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
wait $bg; bg=""
eq "locked: exit 74" $rc 74
check "locked: clear message" contains "$tmp/err" "earful: $cdb: database is locked: another import is running? (--busy-timeout is 500 ms)"
check "locked: waited about 500 ms ($ms ms)" test "$ms" -ge 400 -a "$ms" -lt 2900
eq "locked: nothing written" "$(sql "$cdb" 'SELECT count(*) FROM feedback')" 3
eq "locked: no summary" "$(cat "$tmp/out")" ""
rm -f "$tmp/locked"; lock 1
$E import --busy-timeout 10000 $rej "$cdb" >"$tmp/out" 2>/dev/null
eq "lock released in time: exit 0" $? 0
wait $bg; bg=""
eq "lock released in time: imported" "$(cat "$tmp/out")" "$rej: 2 added, 0 already present, 0 conflicting, 10 rejected"


# ==== A store read by parts (report, one input: a thread a part) ==============
# Batch k is rowids [4096k, 4096(k+1)) read by part k mod parts; the report
# must not depend on how many parts read it: rows deleted (a whole chunk
# and a few more), rows a report rejects, --strict.
pdb=$tmp/parts.db
build/tools/gen_sample -n 20000 >"$tmp/parts.csv"
$E import -q "$tmp/parts.csv" "$pdb" >/dev/null 2>&1
eq "parts: store" "$(sql "$pdb" 'SELECT count(*) FROM feedback')" 20000
$PY - "$pdb" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("DELETE FROM feedback WHERE rowid BETWEEN 4096 AND 8191 OR rowid IN (3, 9000)")
c.execute("UPDATE feedback SET date = 'garbage' WHERE rowid IN (5, 8192, 12289, 19999)")
c.execute("UPDATE feedback SET rating = 9 WHERE rowid IN (6, 16385)")
c.commit()
PY
for j in 1 2 3; do
    SOURCE_DATE_EPOCH=1700000000 $E report -q -j$j --no-charts -o "$tmp/pr$j" "$pdb" 2>"$tmp/perr$j"
    eq "parts: -j$j exit" $? 0
done
for j in 2 3; do
    for f in metrics.json report.md rejected.csv; do
        check "parts: -j$j $f as -j1" cmp -s "$tmp/pr1/$f" "$tmp/pr$j/$f"
    done
done
eq "parts: rejected rows, in order, numbered by rowid" \
    "$($PY -c 'import csv,sys; print(*[r["line"] for r in csv.DictReader(open(sys.argv[1]))])' "$tmp/pr3/rejected.csv")" \
    "5 6 8192 12289 16385 19999"
# a part reads only the columns items are made of; a rejected row is whole
# (but for the cache of its terms: bytes, not a field, made again from the
# text)
eq "parts: a rejected row, whole (source, imported_at; terms left out)" \
    "$($PY -c 'import csv,sys; r=[x for x in csv.reader(open(sys.argv[1])) if x[1] == "5"][0]; print(r[-3], r[-2], "[%s]" % r[-1])' "$tmp/pr3/rejected.csv")" \
    "$(sql "$pdb" 'SELECT source, imported_at FROM feedback WHERE rowid = 5' | tr '|' ' ') []"
check "parts: rows read" grep -q '"rows_read": 15902,' "$tmp/pr3/metrics.json"
# rowids below 1, and rowids far sparser than the rows (no endless run of
# empty chunks: such a store is read in one piece)
cp "$pdb" "$tmp/neg.db"
$PY -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE feedback SET rowid = -100 WHERE rowid = 1"); c.commit()' "$tmp/neg.db"
for j in 1 3; do
    SOURCE_DATE_EPOCH=1700000000 $E report -q -j$j --no-xlsx --no-charts -o "$tmp/pn$j" "$tmp/neg.db" 2>/dev/null
done
check "parts: a rowid below 1, -j3 as -j1" cmp -s "$tmp/pn1/metrics.json" "$tmp/pn3/metrics.json"
check "parts: a rowid below 1, every row" grep -q '"rows_read": 15902,' "$tmp/pn3/metrics.json"
cp "$pdb" "$tmp/sparse.db"
$PY -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE feedback SET rowid = 9223372036854775807 WHERE rowid = 20000"); c.execute("UPDATE feedback SET rowid = -9223372036854775807 WHERE rowid = 2"); c.commit()' "$tmp/sparse.db"
timeout 120 $E report -q -j2 --no-xlsx --no-charts -o "$tmp/psp" "$tmp/sparse.db" 2>/dev/null
eq "parts: sparse rowids, exit (124: it hung)" $? 0
check "parts: sparse rowids, every row" grep -q '"rows_read": 15902,' "$tmp/psp/metrics.json"
# A table without rowids (WITHOUT ROWID, id its key) cannot be read by
# rowid ranges: it is read in one piece, all of it.
$PY - "$pdb" "$tmp/wr.db" <<'PY'
import sqlite3, sys
src = sqlite3.connect(sys.argv[1])
cols = [r[1] for r in src.execute("PRAGMA table_info(feedback)")]
dst = sqlite3.connect(sys.argv[2])
dst.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
dst.executemany("INSERT INTO meta VALUES (?, ?)", src.execute("SELECT * FROM meta"))
dst.execute("CREATE TABLE feedback (%s, PRIMARY KEY (id)) WITHOUT ROWID" %
            ", ".join(c + (" TEXT NOT NULL" if c == "id" else "") for c in cols))
dst.executemany("INSERT INTO feedback (%s) VALUES (%s)" % (", ".join(cols), ", ".join("?" * len(cols))),
                src.execute("SELECT %s FROM feedback" % ", ".join(cols)))
dst.commit()
PY
$E report -q -j2 --no-xlsx --no-charts -o "$tmp/pwr" "$tmp/wr.db" 2>"$tmp/err"
eq "a WITHOUT ROWID store: exit" $? 0
check "a WITHOUT ROWID store: every row" grep -q '"rows_read": 15902,' "$tmp/pwr/metrics.json"
# A store copied by CREATE TABLE AS SELECT (which drops UNIQUE), then given
# its first 100 rows again and a row with another's id: its ids are no
# longer known to be unique, and the rule of identity applies (the report
# trusted the store's meta and counted the copies as items): 98 copies
# dropped, 2 rejected again (a bad date, a bad rating), 1 id-conflict.
cp "$pdb" "$tmp/ctas.db"
$PY - "$tmp/ctas.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE f2 AS SELECT * FROM feedback")
c.execute("DROP TABLE feedback")
c.execute("ALTER TABLE f2 RENAME TO feedback")
c.execute("INSERT INTO feedback SELECT * FROM feedback WHERE rowid <= 100")
c.execute("INSERT INTO feedback SELECT id, date, channel, author, 'other words', rating, nps,"
          " responded_at, label, url, segment, neg, neu, pos, compound, scorer, source,"
          " imported_at, terms FROM feedback WHERE rowid = 200")
c.commit()
PY
$E report -q -j2 --no-xlsx --no-charts -o "$tmp/pct" "$tmp/ctas.db" 2>/dev/null
eq "a store without UNIQUE ids: exit" $? 0
eq "a store without UNIQUE ids: read, used, duplicates, rejected" \
    "$($PY -c 'import json,sys; m=json.load(open(sys.argv[1]))["input"]; print(m["rows_read"], m["rows_used"], m["duplicates"], m["rows_rejected"])' "$tmp/pct/metrics.json")" \
    "16003 15896 98 9"
check "a store without UNIQUE ids: the conflicting row in rejected.csv" \
    grep -q 'id-conflict' "$tmp/pct/rejected.csv"
# import into such a store (its 4,098 deleted rows come back): the UNIQUE
# index on id comes back (no id
# added twice, no lookup that reads the whole table), or, with an id
# already twice, the store is refused and left as it was
cp "$pdb" "$tmp/ctas2.db"
$PY -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("CREATE TABLE f2 AS SELECT * FROM feedback"); c.execute("DROP TABLE feedback"); c.execute("ALTER TABLE f2 RENAME TO feedback"); c.commit()' "$tmp/ctas2.db"
$E import -q "$tmp/parts.csv" "$tmp/ctas2.db" 2>"$tmp/err"
eq "import, a table without UNIQUE: exit" $? 0
eq "import, a table without UNIQUE: rows, ids, a unique index on id" \
    "$(sql "$tmp/ctas2.db" "SELECT count(*), count(DISTINCT id), (SELECT count(*) FROM pragma_index_list('feedback') WHERE \"unique\") FROM feedback" | tr '|' ' ')" \
    "20000 20000 1"
before=$(sha256sum <"$tmp/ctas.db")
$E import -q "$tmp/parts.csv" "$tmp/ctas.db" 2>"$tmp/err"
eq "import, an id twice: exit" $? 73
check "import, an id twice: says so" grep -q "holds an id more than once" "$tmp/err"
eq "import, an id twice: the store unchanged" "$(sha256sum <"$tmp/ctas.db")" "$before"
$E report -q -j3 --strict --no-xlsx --no-charts -o "$tmp/prs" "$pdb" 2>"$tmp/err"
eq "parts: --strict exit" $? 65
eq "parts: --strict, the first row" "$(cat "$tmp/err")" "earful: $pdb:5: unparseable date 'garbage' (not a date)"

# ==== The terms' cache =======================================================
# Every row imported keeps what the term splitter found in its text
# (metrics/themes.h), and a report counts the terms of the items that are
# not negative from it. A cache that is not its text's (gone, damaged, or
# the text changed since) is not used: every report below is the report
# of the same texts split afresh.
eq "terms: a cache a row, a BLOB of 28 + 8n bytes" \
    "$(sql "$db" "SELECT count(*), sum(typeof(terms) = 'blob' AND (length(terms) - 28) % 8 = 0) FROM feedback" | tr '|' ' ')" \
    "$rows $rows"
same_report() { # NAME A B: the metrics.json of A and B, but for the input files
    check "$1" $PY -c 'import json,sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for m in a, b: del m["input"]["files"]
sys.exit(a != b)' "$2" "$3"
}
report_of() { # DB OUT
    SOURCE_DATE_EPOCH=1700000000 $E report -q --no-xlsx --no-charts -o "$2" "$1" 2>>"$tmp/terr"
}
report_of "$sample" "$tmp/tc_csv"
report_of "$db" "$tmp/tc_db"
same_report "terms: a report from the store is the input's" "$tmp/tc_csv/metrics.json" "$tmp/tc_db/metrics.json"
eq "terms: the cache's bytes are no invalid UTF-8" \
    "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["input"]["invalid_utf8_replaced"])' "$tmp/tc_db/metrics.json")" 0
for how in "NULL" "randomblob(60)" "substr(terms, 1, 27)" "x'54'" "substr(terms, 1, 2) || x'00000000' || substr(terms, 7)"; do
    cp "$db" "$tmp/tc.db"
    $PY -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE feedback SET terms = " + sys.argv[2]); c.commit()' "$tmp/tc.db" "$how"
    rm -rf "$tmp/tc_x"; report_of "$tmp/tc.db" "$tmp/tc_x"
    same_report "terms: caches set to $how, the same report" "$tmp/tc_db/metrics.json" "$tmp/tc_x/metrics.json"
done
# texts changed since they were imported (a typo fixed by hand): their
# caches are another text's, and the report is that of the new texts
cp "$db" "$tmp/tc.db"
$PY -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE feedback SET text = replace(text, \"battery\", \"charger cable\") WHERE compound >= -0.05"); c.commit()' "$tmp/tc.db"
cp "$tmp/tc.db" "$tmp/tc_null.db"
$PY -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE feedback SET terms = NULL"); c.commit()' "$tmp/tc_null.db"
rm -rf "$tmp/tc_x" "$tmp/tc_y"; report_of "$tmp/tc.db" "$tmp/tc_x"; report_of "$tmp/tc_null.db" "$tmp/tc_y"
same_report "terms: texts changed since, their caches not used" "$tmp/tc_y/metrics.json" "$tmp/tc_x/metrics.json"
check "terms: ... and the change shows" $PY -c 'import json,sys
a, b = (json.load(open(f))["themes"] for f in sys.argv[1:3])
sys.exit(a == b)' "$tmp/tc_db/metrics.json" "$tmp/tc_x/metrics.json"
# a store from before the cache: read as it was; an import gives it the
# column, and its new rows their caches
cp "$db" "$tmp/old.db"
$PY -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM feedback WHERE rowid > 15000"); c.execute("ALTER TABLE feedback DROP COLUMN terms"); c.commit(); c.execute("VACUUM")' "$tmp/old.db"
$E import -q "$sample" "$tmp/old.db" >"$tmp/out" 2>&1
eq "terms: a store from before, imported into" "$(cat "$tmp/out")" "$sample: 5000 added, 15000 already present, 0 conflicting, 0 rejected"
eq "terms: ... its old rows without a cache, its new ones with" \
    "$(sql "$tmp/old.db" "SELECT sum(terms IS NULL AND rowid <= 15000), sum(terms IS NOT NULL AND rowid > 15000) FROM feedback" | tr '|' ' ')" \
    "15000 5000"
eq "terms: ... intact" "$(sql "$tmp/old.db" 'PRAGMA integrity_check')" "ok"
rm -rf "$tmp/tc_x"; report_of "$tmp/old.db" "$tmp/tc_x"
same_report "terms: ... and the same report" "$tmp/tc_db/metrics.json" "$tmp/tc_x/metrics.json"
eq "terms: no warnings" "$(cat "$tmp/terr")" ""

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
