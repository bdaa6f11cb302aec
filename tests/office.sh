#!/usr/bin/env bash
# office.sh - `make check-office` (optional: LibreOffice is large). Converts
# the workbooks to PDF with LibreOffice Calc (Debian's
# libreoffice-calc-nogui, installed here when missing) and renders the
# first pages as PNG with pdftoppm, for a person to look at:
#
#   build/office/<name>.pdf, build/office/<name>-<page>.png
#
# Workbooks: the unit tests' build/test-xlsx/t.xlsx (hostile texts, every
# sheet) and, when `earful report` exists, the sample's report.xlsx
# without the Data sheet. Then the label loop through Calc: a label sample
# and the To label sheet saved as CSV by LibreOffice, labelled, fed back.
# Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
out=build/office
pages=${OFFICE_PAGES:-12}
pass=0 fail=0
check() { # NAME CONDITION...
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}

need=""
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-calc-nogui"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
if [ -n "$need" ]; then
    echo "office: installing:$need (this is large)" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q >/dev/null
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -q --no-install-recommends $need >/dev/null
fi

rm -rf "$out"
mkdir -p "$out/in"
# The unit tests write build/test-xlsx/t.xlsx: run them if it is stale.
if [ -x build/unit ] && { [ ! -f build/test-xlsx/t.xlsx ] ||
    [ build/unit -nt build/test-xlsx/t.xlsx ]; }; then
    build/unit >/dev/null 2>&1
fi
if [ -f build/test-xlsx/t.xlsx ]; then
    cp build/test-xlsx/t.xlsx "$out/in/unit.xlsx"
else
    echo "FAIL office: no build/test-xlsx/t.xlsx (build and run build/unit)"
    fail=$((fail + 1))
fi
if [ -x ./earful ] && ./earful report --help >/dev/null 2>&1; then
    make -s samples/feedback.csv >/dev/null 2>&1
    SOURCE_DATE_EPOCH=1751328000 ./earful report --quiet --no-data-sheet \
        -o "$out/sample" samples/feedback.csv >"$out/sample.log" 2>&1 &&
        cp "$out/sample/report.xlsx" "$out/in/sample.xlsx"
    check "office: earful report wrote the sample workbook" \
        test -f "$out/in/sample.xlsx"
fi

for f in "$out"/in/*.xlsx; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .xlsx)
    # A private profile: no first-start dialogs, no clash with a running
    # LibreOffice.
    timeout 300 soffice --headless --norestore \
        "-env:UserInstallation=file://$PWD/$out/profile" \
        --convert-to pdf --outdir "$out" "$f" >"$out/$name.log" 2>&1
    check "office: $name.xlsx converts to PDF" test -s "$out/$name.pdf"
    if [ -s "$out/$name.pdf" ]; then
        check "office: $name.pdf is a PDF" \
            grep -q '^%PDF' "$out/$name.pdf"
        pdftoppm -png -r 70 -f 1 -l "$pages" "$out/$name.pdf" \
            "$out/$name" 2>>"$out/$name.log"
        check "office: $name pages rendered" \
            test -n "$(ls "$out/$name"-*.png 2>/dev/null)"
        n=$(pdfinfo "$out/$name.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
        echo "ok: $out/$name.pdf, ${n:-?} pages; look at $out/$name-*.png"
    else
        tail -5 "$out/$name.log"
    fi
done
# ---- the label loop through LibreOffice ----------------------------------
# label_sample.csv opened in Calc and saved as CSV again (18-digit ids turn
# into numbers, the BOM may be read as Latin-1), and the workbook's To
# label sheet saved as CSV: the labels put in either must join every item.
if [ -x ./earful ] && ./earful label --help >/dev/null 2>&1 &&
    /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
    lo="$out/labels"
    mkdir -p "$lo"
    python3 - samples/feedback.csv "$lo/tweets.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
for i, r in enumerate(rows[1:]):
    r[0] = str(570301130888122368 + i * 1234567891)
csv.writer(open(sys.argv[2], "w", newline="", encoding="utf-8")).writerows(rows)
EOF
    ./earful report -q --no-charts -o "$lo/r" --label-sample 100 "$lo/tweets.csv"
    timeout 300 soffice --headless --norestore \
        "-env:UserInstallation=file://$PWD/$out/profile" \
        --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1' \
        --outdir "$lo/calc" "$lo/r/label_sample.csv" >"$lo/calc.log" 2>&1
    sheet=$(/usr/bin/python3 -c 'import openpyxl, sys
print(openpyxl.load_workbook(sys.argv[1]).sheetnames.index("To label") + 1)' \
        "$lo/r/report.xlsx")
    timeout 300 soffice --headless --norestore \
        "-env:UserInstallation=file://$PWD/$out/profile" \
        --convert-to "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,$sheet" \
        --outdir "$lo/sheet" "$lo/r/report.xlsx" >"$lo/sheet.log" 2>&1
    for f in "$lo/calc/label_sample.csv" "$lo/sheet/report-To label.csv"; do
        check "office: $(basename "$f") saved by Calc" test -s "$f"
        [ -s "$f" ] || continue
        python3 - "$f" "$lo/labelled.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
head = next(i for i, r in enumerate(rows) if "label" in r)
col = rows[head].index("label")
for i, r in enumerate(rows[head + 1:]):
    r[col] = ["negative", "neutral", "positive"][i % 3]
csv.writer(open(sys.argv[2], "w", newline="", encoding="utf-8")).writerows(rows)
EOF
        ./earful report -q --no-charts --no-xlsx -o "$lo/back" \
            --labels "$lo/labelled.csv" "$lo/tweets.csv" 2>"$lo/back.log"
        check "office: labels from $(basename "$f") join all 100" \
            test "$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["calibration"]["label_files"][0]["joined"])' \
                "$lo/back/metrics.json" 2>/dev/null)" = 100
    done
fi

echo "office: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
