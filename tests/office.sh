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
# without the Data sheet. Ends with "N passed, N failed".
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
echo "office: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
