#!/usr/bin/env bash
# labels.sh - the label loop end to end: --label-sample, labels given by
# hand or in a spreadsheet, fed back with --labels; on a CSV without ids,
# with unique ids, with colliding ids, on the store imported from it, and
# after a spreadsheet round trip; the errors; --seed and the top-up; then
# `earful label` driven through a pseudo-terminal (tests/label_pty.py).
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1767571200
PY=python3
command -v "$PY" >/dev/null || PY=/usr/bin/python3
E="./earful report -q --no-charts --no-xlsx"

check() { # NAME COMMAND...
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}
json() { # FILE EXPR: prints the Python expression over metrics.json as m
    $PY -c 'import json, sys; m = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

make -s samples/feedback.csv
# the sample brand without its id column, as most exports come
$PY - samples/feedback.csv "$tmp/noid.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    csv.writer(f).writerows(r[1:] for r in rows)
EOF

# label FILE OUT [KEYCOL]: a person's labels for a sample: VADER's class,
# except that every 3rd neutral item is negative to them
label() {
    $PY - "$1" "$2" <<'EOF'
import csv, subprocess, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
out = subprocess.run(["./earful", "score"], input="\n".join(
    r["text"].replace("\n", " ").replace("\r", " ") for r in rows) + "\n",
    capture_output=True, text=True, check=True).stdout.splitlines()[1:]
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["key", "label"])
    k = 0
    for r, line in zip(rows, out):
        cls = line.split("\t")[4]
        if cls == "neutral":
            k += 1
            if k % 3 == 0:
                cls = "negative"
        w.writerow([r["key"], cls])
EOF
}

# ---- no ids: the content hash joins, on the CSV and on its store -----------
./earful report -q --no-charts -o "$tmp/s1" --label-sample 300 "$tmp/noid.csv"
check "no ids: sample written" test -s "$tmp/s1/label_sample.csv"
check "no ids: keys are content hashes" $PY -c '
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
assert len(rows) == 300 and all(re.fullmatch("[0-9a-f]{16}", r["key"]) for r in rows)
assert len({r["key"] for r in rows}) == 300
assert open(sys.argv[1], "rb").read(3) == b"\xef\xbb\xbf"  # spreadsheets read UTF-8
' "$tmp/s1/label_sample.csv"
check "no ids: every channel has labels of its own, about its share" $PY -c '
import csv, collections, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
c = collections.Counter(r["channel"] for r in rows)
p = collections.Counter(r["channel"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8")))
n = sum(p.values())
assert len(c) == 6 and min(c.values()) >= 10, c  # blog: 5% of rows
assert all(abs(c[k] - 300 * p[k] / n) <= 8 for k in p), (c, p)
' "$tmp/s1/label_sample.csv" "$tmp/noid.csv"
label "$tmp/s1/label_sample.csv" "$tmp/l1.csv"
$E -o "$tmp/r1" --labels "$tmp/l1.csv" "$tmp/noid.csv" 2>"$tmp/err"
check "no ids: exit 0" test $? -eq 0
check "no ids: all 300 joined" test "$(json "$tmp/r1/metrics.json" \
    'm["calibration"]["labeled"], m["calibration"]["label_files"][0]["joined"]')" = "(300, 300)"
./earful import -q "$tmp/noid.csv" "$tmp/store.db" >/dev/null
$E -o "$tmp/r2" --labels "$tmp/l1.csv" "$tmp/store.db"
check "store: exit 0" test $? -eq 0
check "store: the same join and the same numbers" $PY -c '
import json, sys
a = json.load(open(sys.argv[1]))["calibration"]; b = json.load(open(sys.argv[2]))["calibration"]
assert a == b, (a, b)
' "$tmp/r1/metrics.json" "$tmp/r2/metrics.json"
# and a sample drawn from the store joins the CSV
$E -o "$tmp/s2" --label-sample 100 --seed 5 "$tmp/store.db"
label "$tmp/s2/label_sample.csv" "$tmp/l2.csv"
$E -o "$tmp/r3" --labels "$tmp/l2.csv" "$tmp/noid.csv"
check "a store's sample joins the CSV" test "$(json "$tmp/r3/metrics.json" \
    'm["calibration"]["label_files"][0]["joined"]')" = 100

# ---- unique ids: the id is the key ------------------------------------------
$E -o "$tmp/s3" --label-sample 200 samples/feedback.csv
check "ids: the id is the key" grep -q '^fb-0' "$tmp/s3/label_sample.csv"
label "$tmp/s3/label_sample.csv" "$tmp/l3.csv"
$E -o "$tmp/r4" --labels "$tmp/l3.csv" samples/feedback.csv
check "ids: all joined" test "$(json "$tmp/r4/metrics.json" 'm["calibration"]["labeled"]')" = 200
# id,label files of earlier versions join too
sed '1s/^key,/id,/' "$tmp/l3.csv" >"$tmp/l3old.csv"
$E -o "$tmp/r4b" --labels "$tmp/l3old.csv" samples/feedback.csv
check "an id,label file joins" test "$(json "$tmp/r4b/metrics.json" 'm["calibration"]["labeled"]')" = 200

# ---- colliding ids: the identity rule decides, as the report reads ------------
# 40 rows share 20 ids pairwise (another item under the same id). The
# report keeps the first row of each id and rejects the second as an
# id-conflict (dedup.h), so each id names one item: the sample may draw
# it, and its label reaches that item and no other.
$PY - samples/feedback.csv "$tmp/collide.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
for i in range(1, 41):
    rows[i][0] = "dup-%d" % ((i + 1) // 2)
csv.writer(open(sys.argv[2], "w", newline="", encoding="utf-8")).writerows(rows)
EOF
./earful report --no-charts --no-xlsx -o "$tmp/s4" --label-sample 20000 "$tmp/collide.csv" 2>"$tmp/err"
check "colliding ids: the second of each pair rejected" test "$(json "$tmp/s4/metrics.json" 'm["input"]["rows_rejected"]')" = 20
check "colliding ids: the first of each pair drawn, once" test "$(grep -c '^dup-' "$tmp/s4/label_sample.csv")" -eq 20
check "colliding ids: drawn with the first row's date" grep -q "^dup-1,$(sed -n 2p samples/feedback.csv | cut -d, -f2)," "$tmp/s4/label_sample.csv"
{ echo "key,label"; for i in $(seq 1 20); do echo "dup-$i,negative"; done
  sed -n '2,161p' "$tmp/l3.csv"; } >"$tmp/l4.csv"
./earful report --no-charts --no-xlsx -o "$tmp/r5" --labels "$tmp/l4.csv" "$tmp/collide.csv" 2>"$tmp/err"
check "colliding ids: exit 0" test $? -eq 0
check "colliding ids: every label joined its one item" test "$(json "$tmp/r5/metrics.json" \
    '(m["calibration"]["labeled"], m["calibration"]["label_files"][0]["several"])')" = "(180, 0)"
check "colliding ids: the rejected rows in Data quality" grep -q 'id-conflict' "$tmp/r5/report.md"

# ---- labels of other inputs, bad values --------------------------------------
$E -o "$tmp/r6" --labels "$tmp/l1.csv" samples/feedback.csv 2>"$tmp/err"
check "other inputs: exit 65" test $? -eq 65
check "other inputs: file, count and first key" grep -q \
    "l1.csv: none of its 300 labels names an item of the inputs (the first key: '[0-9a-f]\{16\}', line 2)" "$tmp/err"
check "other inputs: no report written" test ! -e "$tmp/r6/report.md"
printf 'key,label\nfb-000001,negative\nfb-000002,maybe\n' >"$tmp/bad.csv"
$E -o "$tmp/r7" --labels "$tmp/bad.csv" samples/feedback.csv 2>"$tmp/err"
check "maybe: exit 65" test $? -eq 65
check "maybe: FILE:LINE" grep -q "bad.csv:3: label 'maybe' is not one of" "$tmp/err"
printf 'key,label\nfb-000001,4\n' >"$tmp/bad4.csv"
$E -o "$tmp/r7" --labels "$tmp/bad4.csv" samples/feedback.csv 2>"$tmp/err"
check "4: exit 65 with FILE:LINE" grep -q "bad4.csv:2: label '4'" "$tmp/err"
printf 'id,label\nexport.csv:88,negative\n' >"$tmp/old.csv"
$E -o "$tmp/r7" --labels "$tmp/old.csv" samples/feedback.csv 2>"$tmp/err"
check "FILE:LINE keys of earlier versions: exit 65, explained" grep -q 'come from an earlier earful' "$tmp/err"
cat samples/feedback.csv | $E -o "$tmp/r7" --labels "$tmp/l3.csv" - 2>"$tmp/err"
check "--labels with standard input: exit 64" test $? -eq 64
$E -o "$tmp/r7" --label-sample 10 --seed x samples/feedback.csv 2>/dev/null
check "--seed x: exit 64" test $? -eq 64

# ---- --seed: reproducible; another seed tops up without redrawing --------
$E -o "$tmp/s5" --label-sample 300 "$tmp/noid.csv"
check "same seed (the default): the same sample" cmp -s "$tmp/s1/label_sample.csv" "$tmp/s5/label_sample.csv"
$E -o "$tmp/s6" --label-sample 300 --seed 1 "$tmp/noid.csv"
check "--seed 1 is the default" cmp -s "$tmp/s1/label_sample.csv" "$tmp/s6/label_sample.csv"
$E -o "$tmp/s7" --label-sample 300 --seed 2 "$tmp/noid.csv"
check "another seed: another sample" test "$($PY -c '
import csv, sys
k = [{r["key"] for r in csv.DictReader(open(p, encoding="utf-8-sig"))} for p in sys.argv[1:]]
print(len(k[0] & k[1]) < 50)' "$tmp/s1/label_sample.csv" "$tmp/s7/label_sample.csv")" = True
$E -o "$tmp/s8" --labels "$tmp/l1.csv" --label-sample 200 --seed 2 "$tmp/noid.csv"
check "top-up: none of the labelled drawn again" test "$($PY -c '
import csv, sys
a = {r["key"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))}
b = [r["key"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8-sig"))]
print(len(b), len(a & set(b)))' "$tmp/l1.csv" "$tmp/s8/label_sample.csv")" = "200 0"
label "$tmp/s8/label_sample.csv" "$tmp/l8.csv"
$E -o "$tmp/r8" --labels "$tmp/l1.csv" --labels "$tmp/l8.csv" "$tmp/noid.csv"
check "top-up: both files joined" test "$(json "$tmp/r8/metrics.json" \
    '(m["calibration"]["labeled"], len(m["calibration"]["label_files"]))')" = "(500, 2)"
# a labelled sample in the report folder is never overwritten or removed
cp "$tmp/l1.csv" "$tmp/s1/label_sample.csv"
$E -o "$tmp/s1" --labels "$tmp/s1/label_sample.csv" --label-sample 50 --seed 3 "$tmp/noid.csv"
check "labelled sample kept, the new one beside it" \
    cmp -s "$tmp/l1.csv" "$tmp/s1/label_sample.csv"
check "the new one is label_sample_2.csv" test -s "$tmp/s1/label_sample_2.csv"
$E -o "$tmp/s1" "$tmp/noid.csv"
check "a labelled sample is no stale output" cmp -s "$tmp/l1.csv" "$tmp/s1/label_sample.csv"

# ---- a spreadsheet round trip of the sample ------------------------------
# 18-digit ids, as Twitter's; the sample opened in a spreadsheet and saved
# again: ids become numbers (LibreOffice: 15 digits and E+017; Excel in a
# narrow column: 6 digits), a BOM read as Latin-1 lands in the header
$PY - samples/feedback.csv "$tmp/tweets.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
for i, r in enumerate(rows[1:]):
    r[0] = str(570301130888122368 + i * 1234567891)
csv.writer(open(sys.argv[2], "w", newline="", encoding="utf-8")).writerows(rows)
EOF
$E -o "$tmp/s9" --label-sample 300 "$tmp/tweets.csv"
$PY - "$tmp/s9/label_sample.csv" "$tmp" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
cls = ["negative", "neutral", "positive"]
def save(name, key, header0):
    with open(sys.argv[2] + "/" + name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([header0] + rows[0][1:])
        for i, r in enumerate(rows[1:]):
            w.writerow([key(r[0])] + r[1:5] + [cls[i % 3]])
save("lo.csv", lambda k: ("%.14E" % int(k)).replace("E+", "E+0"),
     "\u00ef\u00bb\u00bfkey")
save("xl.csv", lambda k: "%.5E" % int(k), "key")
EOF
$E -o "$tmp/r9" --labels "$tmp/lo.csv" "$tmp/tweets.csv" 2>"$tmp/err"
check "LibreOffice round trip: all 300 recovered" test "$(json "$tmp/r9/metrics.json" \
    '(m["calibration"]["labeled"], m["calibration"]["label_files"][0]["recovered"])')" = "(300, 300)"
./earful report --no-charts --no-xlsx -o "$tmp/r10" --labels "$tmp/xl.csv" "$tmp/tweets.csv" 2>"$tmp/err"
check "6-digit keys: recovered where the text tells, the rest counted" $PY -c '
import json, sys
f = json.load(open(sys.argv[1]))["calibration"]["label_files"][0]
assert f["recovered"] == f["joined"] > 100 and f["joined"] + f["several"] == 300, f
assert f["unmatched"] == 0, f
' "$tmp/r10/metrics.json"
check "6-digit keys: warned" grep -q 'name several different items' "$tmp/err"
# the workbook's To label sheet saved as CSV (notes above the header)
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
    ./earful report -q --no-charts -o "$tmp/s10" --label-sample 40 samples/feedback.csv
    /usr/bin/python3 - "$tmp/s10/report.xlsx" "$tmp/sheet.csv" <<'EOF'
import csv, openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["To label"]
rows = [[("" if c is None else str(c)) for c in r] for r in ws.iter_rows(values_only=True)]
head = next(i for i, r in enumerate(rows) if r[:2] == ["key", "label"])
assert "Save this sheet as CSV" in " ".join(r[0] for r in rows[:head])
assert "earful label" in " ".join(r[0] for r in rows[:head])
for i, r in enumerate(rows[head + 1:]):
    r[1] = ["positive", "neutral", "negative"][i % 3]
with open(sys.argv[2], "w", newline="", encoding="utf-8-sig") as f:
    csv.writer(f).writerows(rows)
EOF
    check "To label sheet: says how to save and feed back" test $? -eq 0
    $E -o "$tmp/r11" --labels "$tmp/sheet.csv" samples/feedback.csv
    check "To label sheet saved as CSV: joins" test "$(json "$tmp/r11/metrics.json" 'm["calibration"]["labeled"]')" = 40
fi

# ---- earful label, through a pseudo-terminal -------------------------------
if $PY -c 'import pty' 2>/dev/null && [ -e /dev/ptmx ]; then
    mkdir -p "$tmp/pty"
    out=$($PY tests/label_pty.py ./earful "$tmp/pty")
    echo "$out" | grep '^FAIL'
    line=$(echo "$out" | tail -n 1)
    p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    case "$p$f" in *[!0-9]*|'') echo "FAIL label_pty: $line"; fail=$((fail + 1));;
    *) pass=$((pass + p)); fail=$((fail + f));; esac
else
    echo "SKIP earful label through a pty: no pseudo-terminals here"
fi
echo "$pass passed, $fail failed"
