#!/usr/bin/env bash
# report.sh - `earful report` end to end: numbers worked out by hand, the
# golden metrics.json, determinism, atomic output, escaping of hostile
# text, --fail-if, templates, and the sample brand's planted story.
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1767571200 # 2026-01-05T00:00:00Z
PY=python3
command -v "$PY" >/dev/null || PY=/usr/bin/python3

check() { # NAME COMMAND...
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}
suite() { # a checker that prints "N passed, N failed"
    local out p f
    out=$("$@")
    echo "$out" | grep '^FAIL'
    p=$(echo "$out" | tail -n 1 | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(echo "$out" | tail -n 1 | sed -E 's/.* ([0-9]+) failed.*/\1/')
    pass=$((pass + p)); fail=$((fail + f))
}
data=tests/data/report

# ---- numbers worked out by hand, and the golden file -------------------
./earful report -q --min-n 1 -o "$tmp/small" "$data/small.csv"
check "small: exit 0" test $? -eq 0
suite $PY tests/check_metrics.py "$tmp/small/metrics.json" "$data/small.expected"
check "small: golden metrics.json" cmp -s "$data/small.metrics.json" "$tmp/small/metrics.json"
check "small: rejected.csv has both rejected rows" \
    test "$(grep -c 'small.csv' "$tmp/small/rejected.csv")" -eq 2
check "small: rejected.csv keeps the original fields" \
    grep -q '^tests/data/report/small.csv,12,unparseable date' "$tmp/small/rejected.csv"

# ---- determinism: two runs, the same bytes -----------------------------
./earful report -q --min-n 1 -o "$tmp/small2" "$data/small.csv"
for f in report.md report.html metrics.json rejected.csv; do
    check "deterministic $f" cmp -s "$tmp/small/$f" "$tmp/small2/$f"
done
for f in "$tmp"/small/charts/*; do
    check "deterministic charts/$(basename "$f")" cmp -s "$f" "$tmp/small2/charts/$(basename "$f")"
done
check "deterministic report.xlsx" cmp -s "$tmp/small/report.xlsx" "$tmp/small2/report.xlsx"

# ---- atomic output -------------------------------------------------------
sum_before=$(cd "$tmp/small" && find . -type f | sort | xargs sha256sum)
./earful report -q --strict -o "$tmp/small" "$data/small.csv" 2>"$tmp/err"
check "strict: exit 65" test $? -eq 65
check "strict: names file and line" grep -q 'small.csv:11: no text' "$tmp/err"
check "failed run leaves the old report" \
    test "$sum_before" = "$(cd "$tmp/small" && find . -type f | sort | xargs sha256sum)"
check "failed run leaves no staging folder" \
    test -z "$(find "$tmp/small" -name '.earful-tmp-*')"
touch "$tmp/not-a-dir"
./earful report -q -o "$tmp/not-a-dir/out" "$data/small.csv" 2>"$tmp/err"
check "unwritable output: exit 73" test $? -eq 73
./earful report -q -o "$tmp/x" no/such/file.csv 2>"$tmp/err"
check "missing input: exit 66" test $? -eq 66
./earful report --bogus 2>/dev/null
check "bad option: exit 64" test $? -eq 64
./earful report -q -o "$tmp/x" --period fortnight "$data/small.csv" 2>/dev/null
check "bad period: exit 64" test $? -eq 64

# ---- hostile text ----------------------------------------------------------
./earful report -q --min-n 1 -o "$tmp/hostile" "$data/hostile.csv"
check "hostile: exit 0" test $? -eq 0
suite $PY tests/check_safe.py "$tmp/hostile"

# ---- --fail-if ---------------------------------------------------------------
./earful report -q --min-n 1 -o "$tmp/gate" "$data/small.csv" \
    --fail-if 'sentiment.negative.share > 0.25' 2>"$tmp/err"
check "gate tripped: exit 1" test $? -eq 1
check "gate tripped: report written" test -f "$tmp/gate/metrics.json"
check "gate tripped: says which" grep -q 'gate tripped: sentiment.negative.share' "$tmp/err"
./earful report -q --min-n 1 -o "$tmp/gate" "$data/small.csv" \
    --fail-if 'sentiment.negative.share > 0.5' --fail-if 'nps.score < 0' \
    --fail-if 'periods[-1].negative_share >= 0.1'
check "gates not tripped: exit 0" test $? -eq 0
./earful report -q --min-n 1 -o "$tmp/gate" "$data/small.csv" \
    --fail-if 'sentiment.negative.shar > 0.5' 2>"$tmp/err"
check "unknown metric: exit 64" test $? -eq 64
./earful report -q --min-n 1 -o "$tmp/gate" "$data/small.csv" \
    --fail-if 'sentiment.negative.share ~ 0.5' 2>"$tmp/err"
check "bad gate: exit 64" test $? -eq 64

# ---- templates -----------------------------------------------------------
./earful report -q --min-n 1 --list-vars "$data/small.csv" >"$tmp/vars"
check "list-vars: headline" grep -q '^headline	' "$tmp/vars"
check "list-vars: kpi" grep -q '^kpi.negative.share	33.3%' "$tmp/vars"
mkdir -p "$tmp/tpl"
printf '# {{title}}\n\nNegative: {{kpi.negative.share}}\n' >"$tmp/tpl/report.md"
printf '<html><body>{{{body}}}</body></html>\n' >"$tmp/tpl/report.html"
./earful report -q --min-n 1 --templates "$tmp/tpl" -o "$tmp/tplout" "$data/small.csv"
check "custom template: md" grep -q '^Negative: 33.3%' "$tmp/tplout/report.md"
check "custom template: html" grep -q '<p>Negative: 33.3%</p>' "$tmp/tplout/report.html"
printf 'line one\n{{kpi.negative.shar}}\n' >"$tmp/tpl/report.md"
./earful report -q --min-n 1 --templates "$tmp/tpl" -o "$tmp/tplout" "$data/small.csv" 2>"$tmp/err"
check "unknown template variable: exit 65" test $? -eq 65
check "unknown template variable: names the line" grep -q 'report.md:2: unknown variable' "$tmp/err"

# ---- the sample brand: what the generator planted is found --------------
make -s samples/feedback.csv
./earful report -q -o "$tmp/sample" samples/feedback.csv
check "sample: exit 0" test $? -eq 0
check "sample: the crisis week is the one spike, about its battery" $PY -c '
import json, sys
m = json.load(open(sys.argv[1]))
spikes = [p for p in m["periods"] if p["spike"]]
assert [p["label"] for p in spikes] == ["2025-W14"], spikes
assert spikes[0]["terms"][0] == "battery", spikes[0]["terms"]
assert 0.12 < m["sentiment"]["negative"]["share"] < 0.18
assert m["concentration"]["top1_share"] > 0.08
assert m["turned_around"]["authors"] >= 40
assert m["nps"] is not None and m["stars"] is not None
' "$tmp/sample/metrics.json"
for f in report.md report.html metrics.json report.xlsx; do
    check "sample: $f written" test -s "$tmp/sample/$f"
done
check "sample: html is self-contained" $PY -c '
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
assert not re.search(r"<(script|link|img|iframe)\b", h)
assert not re.search(r"(src|href)=\"?(https?:)?//", h)
assert h.count("<svg") >= 4
' "$tmp/sample/report.html"

# ---- human labels: --labels, --label-sample ---------------------------------
# people disagree with VADER on purpose: every 3rd neutral item of the
# sample is negative to them, so the adjusted share must come out higher
./earful report -q -o "$tmp/ls" --label-sample 400 samples/feedback.csv
check "label sample: exit 0" test $? -eq 0
check "label sample: 400 rows and a header" test "$($PY -c 'import csv, sys
print(len(list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))))' "$tmp/ls/label_sample.csv")" -eq 401
check "label sample: columns" grep -q '^.*key,date,channel,author,text,label' "$tmp/ls/label_sample.csv"
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
    check "label sample: a To label sheet with a label dropdown" /usr/bin/python3 -c '
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["To label"]
assert ws.max_row == 407, ws.max_row  # 5 notes, a blank row, the header
assert [c.value for c in ws[7]][:2] == ["key", "label"], ws[7]
dv = ws.data_validations.dataValidation[0]
assert dv.formula1 == "\"positive,neutral,negative\"", dv.formula1
assert str(dv.sqref) == "B8:B407", dv.sqref
' "$tmp/ls/report.xlsx"
fi
$PY - "$tmp/ls/label_sample.csv" samples/feedback.csv "$tmp/labels.csv" <<'PYEOF'
import csv, subprocess, sys
want = {r["key"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))}
rows = [r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))
        if r["id"] in want]
out = subprocess.run(["./earful", "score"], input="\n".join(
    r["text"].replace("\n", " ").replace("\r", " ") for r in rows) + "\n",
    capture_output=True, text=True, check=True).stdout.splitlines()[1:]
with open(sys.argv[3], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "label"])
    k = 0
    for r, line in zip(rows, out):
        cls = line.split("\t")[4]
        if cls == "neutral":
            k += 1
            if k % 3 == 0:
                cls = "negative"
        w.writerow([r["id"], cls])
PYEOF
./earful report -q -o "$tmp/lab" --labels "$tmp/labels.csv" samples/feedback.csv
check "labels: exit 0" test $? -eq 0
check "labels: adjusted above raw, raw beside it in the headline" $PY -c '
import json, sys
m = json.load(open(sys.argv[1] + "/metrics.json"))
c = m["calibration"]
assert c["labeled"] == 400, c
assert c["adjusted_negative_share"] > c["raw_negative_share"], c
md = open(sys.argv[1] + "/report.md", encoding="utf-8").read()
assert "VADER alone counts" in md and "How sure are we?" in md
' "$tmp/lab"
printf 'id,label\nfb-000001,grumpy\n' >"$tmp/badlabels.csv"
./earful report -q -o "$tmp/lab2" --labels "$tmp/badlabels.csv" samples/feedback.csv 2>"$tmp/err"
check "bad label: exit 65" test $? -eq 65
check "bad label: names file and line" grep -q 'badlabels.csv:2: label' "$tmp/err"

# ---- the store gives the same numbers as the CSV ---------------------------
if ./earful import --help >/dev/null 2>&1; then
    ./earful import -q samples/feedback.csv "$tmp/store.db" >/dev/null
    ./earful report -q -o "$tmp/fromdb" "$tmp/store.db"
    check "store: exit 0" test $? -eq 0
    check "store: same sentiment as the CSV" $PY -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
for k in ("sentiment", "nps", "stars", "periods", "channels", "themes",
          "concentration", "venting", "response", "turned_around"):
    assert a[k] == b[k], k
' "$tmp/sample/metrics.json" "$tmp/fromdb/metrics.json"
fi
echo "$pass passed, $fail failed"
