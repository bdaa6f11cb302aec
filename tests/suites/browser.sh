#!/usr/bin/env bash
# browser.sh - the report as readers open it: Debian's chromium, driven by
# npm puppeteer-core (tests/browser/check.js), at phone and laptop width,
# in dark mode and printed to A4 PDF, on the sample brand's report and on
# a hostile, international one (tests/browser/international.js). The
# screenshots, PDFs and PDF pages stay in build/browser/ for a person to
# look at.
set -u
cd "$(dirname "$0")/../.."
out=build/browser
chromium=${CHROMIUM:-/usr/bin/chromium}

skip() {
    echo "SKIP browser: $1"
    echo "0 passed, 0 failed"
    exit 0
}
command -v node >/dev/null || skip "node not found (make deps installs it)"
[ -x "$chromium" ] || skip "$chromium not found (make deps installs chromium)"
command -v pdftoppm >/dev/null ||
    skip "pdftoppm not found (make deps installs poppler-utils)"
[ -d node_modules/puppeteer-core ] ||
    skip "node_modules/puppeteer-core missing (make check runs npm ci)"

rm -rf "$out"
mkdir -p "$out"
export SOURCE_DATE_EPOCH=1767571200 # 2026-01-05T00:00:00Z
make -s samples/feedback.csv || exit 1
./earful report -q samples/feedback.csv -o "$out/sample" \
    --title "Pebblewave feedback, 2025" --expected-negative 0.30 || {
    echo "FAIL browser: earful report on the sample"; echo "0 passed, 1 failed"; exit 1; }
node tests/browser/international.js "$out/international.csv" &&
./earful report -q "$out/international.csv" -o "$out/international" \
    --title "Feedback from everywhere, with hostile text" || {
    echo "FAIL browser: earful report on the international data"
    echo "0 passed, 1 failed"; exit 1; }
CHROMIUM=$chromium node tests/browser/check.js "$out" \
    sample="$out/sample" international="$out/international"
