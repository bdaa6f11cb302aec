#!/usr/bin/env bash
# exports.sh - real exports in, nothing silently lost: one airline export
# as published and after spreadsheet round trips (ids in scientific
# notation or cut to 15 digits or kept as text by ="00100", dates day
# first or month first), id
# conflicts and true duplicates, date forms, inputs without a usable row,
# the column names people export, response figures from CSV and store
# alike, partial periods, what a spike was about, ratings and NPS
# answers written as survey and review tools write them, and a rating
# column on 0-10. The exports are
# made up by tests/gen_exports.py.
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1767571200 # 2026-01-05T00:00:00Z
PY=/usr/bin/python3 # Debian's, with the sqlite3 module
E=./earful

check() { # NAME COMMAND...: passes when the command succeeds
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}
eq() { # NAME GOT WANT
    if [ "$2" == "$3" ]; then pass=$((pass + 1)); else
        echo "FAIL $1: got '$2', want '$3'"; fail=$((fail + 1)); fi
}
contains() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
sql() { # DB SQL
    $PY - "$1" "$2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for row in c.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
PY
}
metric() { # METRICS.JSON PATH: the value at a dotted path, as JSON
    $PY - "$1" "$2" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
for part in re.findall(r"[^.\[\]]+|\[-?\d+\]", sys.argv[2]):
    d = d[int(part[1:-1])] if part.startswith("[") else d[part]
print(json.dumps(d))
PY
}
same_numbers() { # A B: two metrics.json give the same numbers
    $PY - "$1" "$2" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
for k in ("sentiment", "nps", "stars", "periods", "change", "channels",
          "themes", "concentration", "venting", "response",
          "turned_around"):
    if a[k] != b[k]:
        sys.exit("differs: " + k)
if a["input"]["rows_used"] != b["input"]["rows_used"]:
    sys.exit("differs: input.rows_used")
PY
}

G=$tmp/gen
mkdir -p "$G"
$PY tests/gen_exports.py "$G" || { echo "FAIL exports: cannot make the fixtures"; echo "0 passed, 1 failed"; exit 1; }

# ==== 1. An id is an identity ================================================
# The export as published: 1,200 tweets, 25 of them exported twice, and 3
# rows reusing another's id with other text.
$E import --rejects "$tmp/rej.csv" "$G/pristine.csv" "$tmp/p.db" >"$tmp/out" 2>"$tmp/err"
eq "import: exit" $? 0
eq "import: duplicates present, conflicts counted" "$(cat "$tmp/out")" \
    "$G/pristine.csv: 1200 added, 25 already present, 3 conflicting, 0 rejected"
eq "import: the store holds each tweet once" "$(sql "$tmp/p.db" 'SELECT count(*) FROM feedback')" 1200
eq "import: the first content of an id stays" \
    "$(sql "$tmp/p.db" "SELECT count(*) FROM feedback WHERE text LIKE '%edited reply%'")" 0
eq "import: --rejects holds the conflicts" "$($PY -c 'import csv,sys
print(sum(1 for r in csv.DictReader(open(sys.argv[1])) if r["reason"].startswith("id-conflict")))' "$tmp/rej.csv")" 3
# (a cell starting with @ gets a ' in front: no formula in a spreadsheet)
check "import: rejected row keeps its fields" contains "$tmp/rej.csv" \
    "\"'@Southwest edited reply 0, still waiting\""
check "import: conflict named on stderr" contains "$tmp/err" "id-conflict: id '"
$E import -q "$G/pristine.csv" "$tmp/p.db" >"$tmp/out" 2>&1
eq "import again: nothing added, conflicts again" "$(cat "$tmp/out")" \
    "$G/pristine.csv: 0 added, 1225 already present, 3 conflicting, 0 rejected"
$E import -q --strict "$G/pristine.csv" "$tmp/strict.db" >"$tmp/out" 2>"$tmp/err"
eq "import --strict: a conflict is fatal" $? 65
check "import --strict: file and line" contains "$tmp/err" "pristine.csv:1227: id-conflict"
# rolled back, and the store it created, left empty, removed
eq "import --strict: rolled back, the new store removed" "$(test -e "$tmp/strict.db" && echo there || echo gone)" gone

# neighbours: a conflict and a duplicate in the same insert statement
$E import -q --rejects "$tmp/crej.csv" "$G/close.csv" "$tmp/close.db" >"$tmp/out"
eq "neighbours: counted" "$(cat "$tmp/out")" "$G/close.csv: 40 added, 2 already present, 2 conflicting, 0 rejected"
eq "neighbours: the conflicts' lines" "$(cut -d, -f2 "$tmp/crej.csv" | tail -n +2 | tr '\n' ' ')" "8 36 "
$E report -q -o "$tmp/close" "$G/close.csv"
eq "neighbours: report drops and rejects the same" \
    "$(metric "$tmp/close/metrics.json" input.duplicates) $(metric "$tmp/close/metrics.json" 'input.rejected_by_reason.id-conflict') $(metric "$tmp/close/metrics.json" sentiment.n)" "2 2 40"

# report on the CSV and on the store: one rule, the same numbers
$E report -q -o "$tmp/pr" "$G/pristine.csv"
eq "report csv: exit" $? 0
$E report -q -o "$tmp/ps" "$tmp/p.db"
eq "report store: exit" $? 0
check "report: CSV and store give the same numbers" same_numbers "$tmp/pr/metrics.json" "$tmp/ps/metrics.json"
eq "report csv: duplicates counted" "$(metric "$tmp/pr/metrics.json" input.duplicates)" 25
eq "report csv: conflicts rejected" "$(metric "$tmp/pr/metrics.json" 'input.rejected_by_reason.id-conflict')" 3
eq "report csv: 1,200 items" "$(metric "$tmp/pr/metrics.json" sentiment.n)" 1200
check "report csv: Data quality, duplicates" contains "$tmp/pr/report.md" "| Duplicates dropped (the same item again) | 25 |"
check "report csv: Data quality, conflicts" contains "$tmp/pr/report.md" "| — id-conflict | 3 |"
eq "report csv: rejected.csv holds the conflicts" "$(grep -c 'id-conflict' "$tmp/pr/rejected.csv")" 3
$E report -q --strict -o "$tmp/prs" "$G/pristine.csv" 2>"$tmp/err"
eq "report --strict: a conflict is fatal" $? 65
check "report --strict: file and line" contains "$tmp/err" "pristine.csv:1227: id-conflict"

# The spreadsheet round trip: ids in scientific notation collide in
# hundreds; they are not identities, so items are known by content.
$E import --rejects "$tmp/mrej.csv" "$G/mangled.csv" "$tmp/m.db" >"$tmp/out" 2>"$tmp/err"
eq "mangled: exit" $? 0
eq "mangled: no distinct row lost" "$(cat "$tmp/out")" \
    "$G/mangled.csv: 1203 added, 25 already present, 0 conflicting, 0 rejected"
check "mangled: warning names the column" contains "$tmp/err" \
    "column 'tweet_id' holds ids a spreadsheet has mangled (in scientific notation, such as '5.67588E+17')"
check "mangled: dates read day first" contains "$tmp/err" "'%d-%m-%Y %H:%M' (day first)"
eq "mangled: stored under content hashes" \
    "$(sql "$tmp/m.db" "SELECT count(*) FROM feedback WHERE length(id) = 16 AND id NOT GLOB '*[^0-9a-f]*'")" 1203
$E report -q -o "$tmp/mr" "$G/mangled.csv"
$E report -q -o "$tmp/ms" "$tmp/m.db"
check "mangled: CSV and store give the same numbers" same_numbers "$tmp/mr/metrics.json" "$tmp/ms/metrics.json"
check "mangled: Data quality says so" contains "$tmp/mr/report.md" \
    "column 'tweet\_id' holds ids a spreadsheet has mangled"
eq "mangled: metrics.json says so" "$(metric "$tmp/mr/metrics.json" 'input.files[0].ids_mangled')" true
# ids cut to 15 significant digits, dates month first with AM/PM
$E report -o "$tmp/cr" "$G/cut.csv" 2>"$tmp/err"
eq "cut: exit" $? 0
check "cut: ids cut to 15 digits are not used" contains "$tmp/err" "cut to 15 significant digits"
check "cut: dates month first" contains "$tmp/err" "'%m/%d/%Y %I:%M %p' (month first)"
eq "cut: every item" "$(metric "$tmp/cr/metrics.json" sentiment.n)" 1203

# Ids a spreadsheet was told to keep as text, ="00100": stored as
# written, a later export's 00100 was another item (imported twice)
$E import "$G/ids_excel.csv" "$G/ids_plain.csv" "$tmp/ids.db" >"$tmp/out" 2>"$tmp/err"
eq "=\"00100\" ids: the later plain export adds only the new items" "$(cat "$tmp/out")" \
    "$G/ids_excel.csv: 20 added, 0 already present, 0 conflicting, 0 rejected
$G/ids_plain.csv: 5 added, 20 already present, 0 conflicting, 0 rejected"
eq "=\"00100\" ids: stored as 00100, zeros kept" \
    "$(sql "$tmp/ids.db" "SELECT count(*), min(id), max(id) FROM feedback")" "25|00100|00124"
$E report -q -o "$tmp/ids" "$G/ids_excel.csv" "$G/ids_plain.csv"
eq "=\"00100\" ids: report drops the same items" \
    "$(metric "$tmp/ids/metrics.json" input.duplicates) $(metric "$tmp/ids/metrics.json" sentiment.n)" "20 25"

# ==== 2. Dates are sniffed ===================================================
check "Twitter's form" contains "$tmp/pr/report.md" "(Twitter's form)"
eq "Twitter's form: the first date" "$(metric "$tmp/pr/metrics.json" input.first_date)" '"2015-02-16T00:06:12Z"'
$E report -q -o "$tmp/dots" "$G/dots.csv"
eq "dots and 11.35: exit" $? 0
eq "dots and 11.35: every row" "$(metric "$tmp/dots/metrics.json" sentiment.n)" 40
eq "dots and 11.35: read day first" "$(metric "$tmp/dots/metrics.json" input.last_date)" '"2015-02-27T09:00:00Z"'
for cmd in report import; do
    if [ $cmd = report ]; then args=(report -q -o "$tmp/amb"); else args=(import -q); fi
    out=("$tmp/amb.db"); [ $cmd = report ] && out=()
    $E "${args[@]}" "$G/ambiguous.csv" "${out[@]}" 2>"$tmp/err"
    eq "$cmd: ambiguous dates: exit 65" $? 65
    check "$cmd: ambiguous: both readings" contains "$tmp/err" \
        "dates like '02/06/2015 10:01' read two ways (no day or month in the first 40 is above 12): 2 June 2015 with --date-format '%d/%m/%Y %H:%M' (day first), or 6 February 2015 with --date-format '%m/%d/%Y %H:%M' (month first)"
    $E "${args[@]}" "$G/unreadable.csv" "${out[@]}" 2>"$tmp/err"
    eq "$cmd: unreadable dates: exit 65" $? 65
    check "$cmd: unreadable: the bad values and a form" contains "$tmp/err" \
        "30 of the first 40 dates cannot be read, such as 'yesterday', '2 hours ago', 'n/a'; the nearest form is --date-format '%d-%m-%Y %H:%M' (reads 10)"
done
check "import: no store made for bad dates" test ! -e "$tmp/amb.db"
$E report -q -o "$tmp/amb" --date-format '%m/%d/%Y %H:%M' "$G/ambiguous.csv"
eq "ambiguous with --date-format: exit" $? 0
eq "ambiguous with --date-format: month first" "$(metric "$tmp/amb/metrics.json" input.first_date)" '"2015-01-01T10:00:00Z"'
$E report -q -o "$tmp/x" --date-format '%Y-%m-%d' "$G/mangled.csv" 2>"$tmp/err"
eq "a --date-format that reads nothing: exit 65" $? 65
check "a --date-format that reads nothing: the form that would" contains "$tmp/err" \
    "--date-format '%Y-%m-%d' reads only 0 of the first 1000 dates, not '16-02-2015 00:06', '16-02-2015 00:33', '16-02-2015 00:56'; the nearest form is --date-format '%d-%m-%Y %H:%M' (reads 1000)"

# ==== Nothing usable: never a report =========================================
mkdir -p "$tmp/old" && echo keep >"$tmp/old/metrics.json"
$E report -q -o "$tmp/old" "$G/no_text.csv" --fail-if 'sentiment.negative.share > 0.25' 2>"$tmp/err"
eq "report, no usable row: exit 65 whatever the gate" $? 65
check "report, no usable row: says why" contains "$tmp/err" \
    "no_text.csv: no usable row (10 read, 10 rejected: 10 no text): no report"
eq "report, no usable row: the old report stays" "$(cat "$tmp/old/metrics.json")" keep
$E report -q -o "$tmp/old" "$G/header_only.csv" --fail-if 'sentiment.n < 1' 2>"$tmp/err"
eq "report, no rows at all: exit 66" $? 66
check "report, no rows at all: says so" contains "$tmp/err" "header_only.csv: no rows (only a header): no report"
$E import -q "$G/no_text.csv" "$tmp/nt.db" 2>"$tmp/err" >"$tmp/out"
eq "import, no usable row: exit 65" $? 65
check "import, no usable row: says why" contains "$tmp/err" "no_text.csv: no usable row (10 read: 10 no text)"
$E import -q "$G/header_only.csv" "$tmp/nt.db" 2>"$tmp/err" >"$tmp/out"
eq "import, no rows: exit 66" $? 66
printf '' >"$tmp/empty.csv"
$E report -q -o "$tmp/e" "$tmp/empty.csv" 2>/dev/null
eq "report, empty file: exit 66" $? 66

# An export made for Excel in a ';' locale starts with Excel's "sep=;"
# line: the delimiter, no header (it read as a header 'sep=', '': exit 65)
printf 'sep=;\r\nid;date;text;rating\r\n1;13.03.2025 14:05;Great, really good;5\r\n2;14.03.2025 09:30;Awful, never again;1\r\n3;not a date;ok;3\r\n' >"$tmp/sep.csv"
$E report -q -o "$tmp/sep" "$tmp/sep.csv" 2>"$tmp/err"
eq "sep= line: exit" $? 0
eq "sep= line: every row, by its delimiter" "$(metric "$tmp/sep/metrics.json" input.rows_read) $(metric "$tmp/sep/metrics.json" sentiment.n) $(metric "$tmp/sep/metrics.json" stars.n)" "3 2 2"
eq "sep= line: a rejected row's line counts it" "$(cut -d, -f1,2 "$tmp/sep/rejected.csv" | tail -n +2)" "$tmp/sep.csv,5"
$E import -q "$tmp/sep.csv" "$tmp/sep.db" >"$tmp/out"
eq "sep= line: import" "$(cat "$tmp/out")" "$tmp/sep.csv: 2 added, 0 already present, 0 conflicting, 1 rejected"

# A title line above the header (a tool's export name, "Report generated
# ..."), then a blank line: skipped, the header and rows keep their lines
# (it read as a header 'Trustpilot reviews export - 2025-03-01': exit 65)
printf 'Trustpilot reviews export - 2025-03-01\n\nReview Id,Review Created (UTC),Review Content,Review Stars\n1,2025-03-01 10:00:00,Great service,5\n2,not a date,Slow delivery,2\n3,2025-03-02 11:00:00,Awful support,1\n' >"$tmp/title.csv"
$E report -q -o "$tmp/title" "$tmp/title.csv" 2>"$tmp/err"
eq "title line: exit" $? 0
eq "title line: every row, stars" "$(metric "$tmp/title/metrics.json" input.rows_read) $(metric "$tmp/title/metrics.json" sentiment.n) $(metric "$tmp/title/metrics.json" stars.n)" "3 2 2"
eq "title line: a rejected row keeps its line" "$(cut -d, -f1,2 "$tmp/title/rejected.csv" | tail -n +2)" "$tmp/title.csv,5"
$E report --no-xlsx --no-charts -o "$tmp/title2" "$tmp/title.csv" >/dev/null 2>"$tmp/err"
eq "title line: said on stderr" "$(grep 'read as a title' "$tmp/err")" \
    "earful: $tmp/title.csv: 1 line above the header ('Trustpilot reviews export - 2025-03-01') read as a title and skipped: the header is line 3"
# a header found only through --map: the title above it is skipped too
printf 'Export\nBody,When\n"Slow delivery",2025-03-01\n' >"$tmp/titlemap.csv"
$E report -q --no-xlsx --no-charts -m text=Body,date=When -o "$tmp/titlemap" "$tmp/titlemap.csv" 2>/dev/null
eq "title line, --map: exit and rows" "$? $(metric "$tmp/titlemap/metrics.json" input.rows_read)" "0 1"
$E import -q "$tmp/title.csv" "$tmp/title.db" >"$tmp/out"
eq "title line: import" "$(cat "$tmp/out")" "$tmp/title.csv: 2 added, 0 already present, 0 conflicting, 1 rejected"
$E report -q -o "$tmp/bwp" "$G/fmt_brandwatch_preamble.csv" 2>"$tmp/err"
eq "Brandwatch's five lines above the header: exit" $? 0
eq "Brandwatch's five lines above the header: every row" "$(metric "$tmp/bwp/metrics.json" input.rows_read) $(metric "$tmp/bwp/metrics.json" input.rows_used)" "30 30"
$E report -q -o "$tmp/bw0" "$G/fmt_brandwatch.csv"
check "Brandwatch's preamble: the numbers without it" same_numbers "$tmp/bw0/metrics.json" "$tmp/bwp/metrics.json"
# never when the first line could be the header
printf 'id,comment\nid,date,text\n1,2025-03-01,ok\n' >"$tmp/nottitle.csv"
$E report -q -o "$tmp/nt" "$tmp/nottitle.csv" 2>"$tmp/err"
eq "a first line naming a column is the header: exit 65" $? 65
check "a first line naming a column is the header: says so" contains "$tmp/err" "no date column (found 'id', 'comment')"

# A lone CR (an old Mac tool's line end) between two rows of an LF or
# CR LF export: two rows, the second on the CR's line; a lone CR inside a
# row of the right length is data. 7 rows: 5 used, 1 bad date, 1 duplicate
# (rows_read was 5: each joined pair one rejected record)
printf 'id,date,text\n1,2025-03-01,Great crew\r2,2025-03-02,Awful delay\r\n3,2025-03-03,bad\rproduct\n4,not a date,Lost bag\r5,2025-03-04,Fine\n6,2025-03-05,ok\n6,2025-03-05,ok\n' >"$tmp/lonecr.csv"
$E report -q -o "$tmp/lonecr" "$tmp/lonecr.csv" 2>"$tmp/err"
eq "lone CR: exit" $? 0
eq "lone CR: rows_read is the file's rows; used, rejected, duplicates" \
    "$(for k in rows_read rows_used rows_rejected duplicates; do metric "$tmp/lonecr/metrics.json" input.$k; done | tr '\n' ' ')" "7 5 1 1 "
eq "lone CR: the rejected row, its line and reason" "$(cut -d, -f2,3 "$tmp/lonecr/rejected.csv" | tail -n +2)" "4,unparseable date 'not a date' (not a date)"
check "lone CR: the Data quality section says so" grep -qF "2 rows began after a lone CR (an old Mac line end) inside a line, and were read as rows of their own" "$tmp/lonecr/report.md"
$E import -q "$tmp/lonecr.csv" "$tmp/lonecr.db" >"$tmp/out"
eq "lone CR: import" "$(cat "$tmp/out")" "$tmp/lonecr.csv: 5 added, 1 already present, 0 conflicting, 1 rejected"
# lines that end in CR alone: refused, as one header line
printf 'id,date,text\r1,2025-03-01,Great crew\r2,2025-03-02,Awful delay\r' >"$tmp/cronly.csv"
$E report -q -o "$tmp/cronly" "$tmp/cronly.csv" 2>"$tmp/err"
eq "CR line ends only: exit 65" $? 65
check "CR line ends only: the CRs named" contains "$tmp/err" "the header runs on past a CR (found 'id', 'date', 'text\x0d1'"
check "CR line ends only: what to do" contains "$tmp/err" "are the lines ended by CR alone, as old Mac tools wrote them? Turn them into line feeds first (tr '\r' '\n')"

# ==== 3. Column names people export ==========================================
check "tweet_created is the date, name the author" test "$(metric "$tmp/pr/metrics.json" concentration.negative_authors)" -gt 50
check "name as author: no 'no author column'" lacks "$tmp/pr/report.md" "The input has no author column"
$E report -o "$tmp/hint" "$G/pristine.csv" 2>"$tmp/err" >/dev/null
check "a category column: a hint" contains "$tmp/err" \
    "column 'airline' (6 values) is not used: --segment airline breaks the report down by it, --map channel=airline makes it the channel"
$E report -o "$tmp/seg" --map channel=airline --map author=name "$G/pristine.csv" 2>"$tmp/err" >/dev/null
eq "--map twice: both apply" "$(metric "$tmp/seg/metrics.json" 'channels' | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')" 6
check "--map channel=: no hint left" lacks "$tmp/err" "is not used"
$E report -q -o "$tmp/lab" --map text=Comment --map date=Date "$G/dots.csv"
eq "--map twice on other columns" $? 0

# The headers real tools write (tests/gen_exports.py, fmt_*.csv: 30 rows
# each, 6 of them negative in the body, while titles and brand replies are
# positive): every row read and used, the body taken (6 negatives), and
# stars, NPS, replies and authors where the tool has them.
fields() { # METRICS.JSON: read used rejected negative stars nps response authors
    $PY - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
i = d["input"]
def n(x, k): return "-" if x is None else str(x[k])
print(i["rows_read"], i["rows_used"], i["rows_rejected"],
      d["sentiment"]["negative"]["count"], n(d["stars"], "n"),
      n(d["nps"], "n"), n(d["response"], "rate"),
      n(d["concentration"], "negative_authors"))
PY
}
for want in "trustpilot:30 30 0 6 30 - 0.5 -" \
    "googleplay:30 30 0 6 30 - 0.333333 -" \
    "appfollow:30 30 0 6 30 - 0.266667 6" \
    "zendesk:30 30 0 6 - - - 6" \
    "typeform:30 30 0 6 - 30 - -" \
    "surveymonkey:30 30 0 6 - 30 - -" \
    "survey_two_questions:30 30 0 6 - - - -" \
    "brandwatch:30 30 0 6 - - - 6" \
    "sprout:30 30 0 6 - - - 6" \
    "talkwalker:30 30 0 6 - - - 1" \
    "mention:30 30 0 6 - - - 6" \
    "twitter_api:30 30 0 6 - - - 6" \
    "qualtrics:30 30 0 6 - - - -"; do
    f=${want%%:*}
    $E report -q -o "$tmp/fmt_$f" "$G/fmt_$f.csv" 2>"$tmp/err"
    eq "$f export: exit" $? 0
    eq "$f export: read, used, rejected, negative, stars, nps, replies, authors" \
        "$(fields "$tmp/fmt_$f/metrics.json" 2>&1)" "${want#*:}"
done
eq "Zendesk: Via is the channel" "$(metric "$tmp/fmt_zendesk/metrics.json" 'channels' | $PY -c 'import json,sys; print(sorted(c["name"] for c in json.load(sys.stdin)))')" "['Email', 'Web Form']"
eq "Brandwatch: Page Type is the channel" "$(metric "$tmp/fmt_brandwatch/metrics.json" 'channels' | $PY -c 'import json,sys; print(sorted(c["name"] for c in json.load(sys.stdin)))')" "['forum', 'twitter']"
eq "Brandwatch: its Sentiment column is no human label" "$(metric "$tmp/fmt_brandwatch/metrics.json" calibration)" null
eq "Trustpilot: Review Id, not Reference Id, is the id (no conflict)" \
    "$(metric "$tmp/fmt_trustpilot/metrics.json" 'input.rejected_by_reason.id-conflict') $(metric "$tmp/fmt_trustpilot/metrics.json" input.duplicates)" "0 0"
# Twitter's API "source" is the app, as HTML: no channel (it was each
# item's channel, '<a href=...>Twitter for iPhone</a>'), said on stderr
eq "Twitter API: source (HTML links) is not the channel" "$(metric "$tmp/fmt_twitter_api/metrics.json" 'channels' | $PY -c 'import json,sys; print(sorted(c["name"] for c in json.load(sys.stdin)))')" "['(none)']"
$E report --no-xlsx --no-charts -o "$tmp/tw" "$G/fmt_twitter_api.csv" >/dev/null 2>"$tmp/err"
eq "Twitter API: said on stderr" "$(grep "column 'source'" "$tmp/err")" \
    "earful: $G/fmt_twitter_api.csv: column 'source' holds HTML links (30 of the first 30, such as one to 'Twitter for iPhone'): the app a post was written in, not a channel, so it is not read as the channel; --map channel=source reads it all the same"
check "Twitter API: no hint to make it the channel" lacks "$tmp/err" "--map channel=source makes it the channel"
$E report -q --map channel=source -o "$tmp/tw2" "$G/fmt_twitter_api.csv"
eq "Twitter API: --map channel=source takes it all the same" "$(metric "$tmp/tw2/metrics.json" 'channels' | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')" 3
$E import -q "$G/fmt_twitter_api.csv" "$tmp/tw.db" >/dev/null
eq "Twitter API: import stores no channel" "$(sql "$tmp/tw.db" "SELECT count(*) FROM feedback WHERE channel LIKE '%<a%'")" 0
# Qualtrics' question texts and import ids below the header are part of
# it (they were 2 rows rejected for their dates), said on stderr, and the
# rows keep their lines
$E report --no-xlsx --no-charts -o "$tmp/qt" "$G/fmt_qualtrics.csv" >/dev/null 2>"$tmp/err"
eq "Qualtrics: said on stderr" "$(grep 'Qualtrics' "$tmp/err")" \
    "earful: $G/fmt_qualtrics.csv: lines 2 and 3 below the header (Qualtrics' question texts, such as 'Start Date', and import ids, such as '{\"ImportId\":\"startDate\",\"timeZone\":\"A...') read as part of the header and skipped"
printf 'EndDate,ResponseId,Comment\nEnd Date,Response ID,"What is the\nreason?"\n{"ImportId":"endDate"},{"ImportId":"_recordId"},{"ImportId":"QID2_TEXT"}\n2025-03-01 10:00:00,R_1,Great\nsoon,R_2,Slow\n' >"$tmp/qt.csv"
$E report -q -o "$tmp/qt2" "$tmp/qt.csv"
eq "Qualtrics: rows read, used, rejected" "$(for k in rows_read rows_used rows_rejected; do metric "$tmp/qt2/metrics.json" input.$k; done | tr '\n' ' ')" "2 1 1 "
eq "Qualtrics: a rejected row keeps its line" "$(cut -d, -f2 "$tmp/qt2/rejected.csv" | tail -n +2)" 6
$E import -q "$tmp/qt.csv" "$tmp/qt.db" >"$tmp/out"
eq "Qualtrics: import" "$(cat "$tmp/out")" "$tmp/qt.csv: 1 added, 0 already present, 0 conflicting, 1 rejected"
# the shape only: a row of import ids not second below the header is a row
printf 'EndDate,Comment\n{"ImportId":"endDate"},{"ImportId":"QID2_TEXT"}\n2025-03-01 10:00:00,Great\n' >"$tmp/qt3.csv"
$E report -q -o "$tmp/qt3" "$tmp/qt3.csv"
eq "Qualtrics: import ids alone right below the header stay a row" "$(metric "$tmp/qt3/metrics.json" input.rows_rejected)" 1
$E import -q "$G/fmt_googleplay.csv" "$tmp/fmt.db" >"$tmp/out"
eq "Google Play export: import" "$(cat "$tmp/out")" "$G/fmt_googleplay.csv: 30 added, 0 already present, 0 conflicting, 0 rejected"

# ==== 4. Response figures only where the data has a response column =========
$E import -q "$G/responses.csv" "$tmp/r.db" >/dev/null
$E report -q -o "$tmp/rc" "$G/responses.csv"
$E report -q -o "$tmp/rs" "$tmp/r.db"
check "responses: CSV and store give the same numbers" same_numbers "$tmp/rc/metrics.json" "$tmp/rs/metrics.json"
eq "responses: a rate from the CSV" "$(metric "$tmp/rc/metrics.json" response.rate)" 0.333333
check "responses: the store says the same" contains "$tmp/rs/report.md" "The brand answered **33.3%** of all items"
eq "no response column: none from the CSV" "$(metric "$tmp/pr/metrics.json" response)" null
eq "no response column: none from its store" "$(metric "$tmp/ps/metrics.json" response)" null
check "no response column: the store's report says so" contains "$tmp/ps/report.md" \
    "The input has no response column (responded_at), so response rates cannot be measured."
eq "the store records what its input had" \
    "$(sql "$tmp/p.db" "SELECT group_concat(key) FROM (SELECT key FROM meta WHERE key GLOB 'input_has.*' ORDER BY key)")" \
    "input_has.author,input_has.date,input_has.id,input_has.text"
# a store from before these records, with rows: as it was, every column had
cp "$tmp/p.db" "$tmp/old.db"
$PY -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM meta WHERE key GLOB ?", ("input_has.*",)); c.commit()' "$tmp/old.db"
$E report -q -o "$tmp/olds" "$tmp/old.db"
eq "an older store: response as before" "$(metric "$tmp/olds/metrics.json" response.rate)" 0
$E import -q "$G/responses.csv" "$tmp/old.db" >/dev/null
eq "an older store, imported into: every field counted as had" \
    "$(sql "$tmp/old.db" "SELECT count(*) FROM meta WHERE key GLOB 'input_has.*'")" 10

# ==== 5. Partial periods =====================================================
data=tests/data/report
$E report -q --min-n 1 -o "$tmp/part" "$data/partial.csv"
out=$($PY tests/check_metrics.py "$tmp/part/metrics.json" "$data/partial.expected")
echo "$out" | grep '^FAIL'
p=$(echo "$out" | tail -n 1 | sed -E 's/^([0-9]+) passed.*/\1/')
f=$(echo "$out" | tail -n 1 | sed -E 's/.* ([0-9]+) failed.*/\1/')
pass=$((pass + p)); fail=$((fail + f))
check "partial: the headline compares the last complete week" contains "$tmp/part/report.md" \
    "In 2025-W11, the last complete week, VADER scored 0.0% of 4 items negative"
check "partial: and says the last is partial" contains "$tmp/part/report.md" \
    "2025-W12, the last week, is partial (data for 2 of its 7 days), so it is not compared."
check "partial: marked in the table" contains "$tmp/part/report.md" "| 2025-W12 (partial) | 2 |"
check "partial: the change line" contains "$tmp/part/report.md" \
    "The last complete week (2025-W11) against the one before (2025-W10)"
$E report -q --min-n 1 --period month -o "$tmp/partm" "$data/partial.csv"
eq "partial: one month, both ends" "$(metric "$tmp/partm/metrics.json" 'periods[0].partial')" true
eq "partial: one month, no change" "$(metric "$tmp/partm/metrics.json" change)" null
# the airline export ends two days into its last week: volume did not fall
check "partial: the volume sentence skips it" contains "$tmp/pr/report.md" "![Volume held steady at about"
eq "partial: last week in metrics.json" "$(metric "$tmp/pr/metrics.json" 'periods[-1].partial')" true
eq "partial: first week whole" "$(metric "$tmp/pr/metrics.json" 'periods[0].partial')" false
check "partial: the chart says so" contains "$tmp/pr/report.md" \
    "2015-W11 is partial: the data cover 2 of its 7 days."

# ==== 6. A spike is about what several people said ==========================
$E report -q -o "$tmp/sp" "$G/spike.csv"
eq "spike: found" "$(metric "$tmp/sp/metrics.json" 'periods[8].spike')" true
terms=$(metric "$tmp/sp/metrics.json" 'periods[8].terms')
check "spike: about the wifi (10 authors)" grep -q '"wifi"' <<<"$terms"
check "spike: not one author's refund (1 author, 15 posts)" test -z "$(grep -E 'refund|refused|desk|useless' <<<"$terms")"
check "spike: the rule says so" contains "$tmp/sp/report.md" "among those used by at least 5 different authors"
$E report -q -o "$tmp/sp2" "$G/spike_noauthor.csv"
check "spike without authors: items count" grep -q '"refund"' <<<"$(metric "$tmp/sp2/metrics.json" 'periods[8].terms')"

# ==== 7. Ratings and NPS answers as tools write them ========================
# "5 stars", "4/5", "4 out of 5", "4,0", drawn stars, "10 - Extremely
# likely": every row was rejected (text and all) but the plain numbers
$E report -q -o "$tmp/sv" "$G/survey.csv"
eq "survey values: exit" $? 0
eq "survey values: rows used and rejected" \
    "$(metric "$tmp/sv/metrics.json" input.rows_used) $(metric "$tmp/sv/metrics.json" input.rows_rejected)" "10 4"
eq "survey values: stars" "$(metric "$tmp/sv/metrics.json" stars.distribution) $(metric "$tmp/sv/metrics.json" stars.mean)" \
    "[1, 1, 1, 5, 2] 3.6"
eq "survey values: NPS answers" "$(for k in n promoters passives detractors; do metric "$tmp/sv/metrics.json" nps.$k; done | tr '\n' ' ')" "9 3 2 4 "
eq "survey values: the near misses stay rejected" "$(cut -d, -f2,3 "$tmp/sv/rejected.csv" | tail -n +2 | tr '\n' '|')" \
    "12,rating '4.5' is not 1-5|13,rating '8/10' is not 1-5|14,rating '5 stars!!' is not 1-5|15,nps '9-10' is not 0-10|"
$E import -q "$G/survey.csv" "$tmp/sv.db" >"$tmp/out"
eq "survey values: import" "$(cat "$tmp/out")" "$G/survey.csv: 10 added, 0 already present, 0 conflicting, 4 rejected"
eq "survey values: stored as numbers" \
    "$(sql "$tmp/sv.db" "SELECT group_concat(rating || ':' || ifnull(nps, '-'), ' ') FROM (SELECT rating, nps FROM feedback ORDER BY date)")" \
    "5:10 1:0 4:9 4:10 4:7 4:8 3:6 5:5 2:3 4:-"
$E report -q -o "$tmp/svs" "$tmp/sv.db"
check "survey values: CSV and store give the same numbers" same_numbers "$tmp/sv/metrics.json" "$tmp/svs/metrics.json"

# A "rating" column on 0-10: every row above 5 was rejected, the report
# covering only the unhappy rows, exit 0. Refused as ambiguous dates are.
for cmd in report import; do
    if [ $cmd = report ]; then args=(report -q -o "$tmp/r10"); out=(); else args=(import -q); out=("$tmp/r10.db"); fi
    $E "${args[@]}" "$G/rating10.csv" "${out[@]}" 2>"$tmp/err"
    eq "$cmd: a 0-10 rating column: exit 65" $? 65
    check "$cmd: a 0-10 rating column: says what to do" contains "$tmp/err" \
        "rating10.csv: column 'rating': 32 of the first 40 ratings are outside 1-5 but within 0-10, such as '10', '9', '8': ratings are 1-5 stars, and every row above 5 would be rejected. If they are 0-10 answers to 'how likely are you to recommend', --map nps=rating reads them as NPS; else rename the column in the file to leave it out"
done
check "import: no store made for a 0-10 rating column" test ! -e "$tmp/r10.db"
$E report -q -o "$tmp/r10" --map nps=rating "$G/rating10.csv"
eq "a 0-10 rating column, --map nps=rating: every row an NPS answer" \
    "$(metric "$tmp/r10/metrics.json" input.rows_used) $(metric "$tmp/r10/metrics.json" nps.n) $(metric "$tmp/r10/metrics.json" stars)" "40 40 null"
sed '1s/rating/score_10/' "$G/rating10.csv" >"$tmp/renamed.csv"
$E report -q -o "$tmp/r10r" "$tmp/renamed.csv"
eq "a 0-10 rating column renamed: every row, no stars" \
    "$(metric "$tmp/r10r/metrics.json" input.rows_used) $(metric "$tmp/r10r/metrics.json" stars)" "40 null"
$PY - "$G/rating10.csv" "$tmp/r10.sqlite" <<'PY'
import csv, sqlite3, sys
c = sqlite3.connect(sys.argv[2])
c.execute("CREATE TABLE answers (id, date, text, rating INTEGER)")
c.executemany("INSERT INTO answers VALUES (?, ?, ?, ?)",
              list(csv.reader(open(sys.argv[1])))[1:])
c.commit()
PY
$E report -q -o "$tmp/r10s" "$tmp/r10.sqlite" 2>"$tmp/err"
eq "a 0-10 rating column in SQLite: exit 65" $? 65
check "a 0-10 rating column in SQLite: --query" contains "$tmp/err" "--map nps=rating reads them as NPS; else leave the column out with --query"
$E report -q -o "$tmp/r10s" --query 'SELECT id, date, text FROM answers' "$tmp/r10.sqlite"
eq "a 0-10 rating column left out of --query" "$(metric "$tmp/r10s/metrics.json" input.rows_used)" 40
# a few slips in a 1-5 column are rejected rows, as ever
$E report -q -o "$tmp/slips" "$G/rating_slips.csv"
eq "a few ratings above 5: exit" $? 0
eq "a few ratings above 5: rejected rows" \
    "$(metric "$tmp/slips/metrics.json" input.rows_used) $(metric "$tmp/slips/metrics.json" 'input.rejected_by_reason.rating not 1-5')" "36 4"

echo "$pass passed, $fail failed"
