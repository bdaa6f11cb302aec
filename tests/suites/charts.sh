#!/usr/bin/env bash
# charts.sh - the charts that the unit tests drew under build/test-charts/
# (tests/unit/test_chart.c): every SVG parses as XML (xmllint) and carries
# a <title> and a <desc>; the ids of all of a report's charts are unique
# once they share one HTML page; each PNG is twice its SVG's size, and
# says so (pHYs, 192 dpi): tests/check_png.py reads its chunks.
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # NAME COMMAND...
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}

dir=build/test-charts
if [ ! -d "$dir/realistic/charts" ]; then
    echo "SKIP charts: no $dir (build/unit draws it)"
    echo "0 passed, 0 failed"
    exit 0
fi
if ! command -v xmllint >/dev/null; then
    echo "SKIP charts: xmllint missing (make deps installs libxml2-utils)"
    echo "0 passed, 0 failed"
    exit 0
fi

# The SVG's title and desc, its size against the PNG's.
svg_count() { # FILE XPATH-NAME
    xmllint --xpath "count(/*[local-name()='svg']/*[local-name()='$2'])" "$1" 2>/dev/null
}

n=0
for svg in "$dir"/*/charts/*.svg; do
    case $svg in *.again/*) continue ;; esac
    n=$((n + 1))
    name=${svg#"$dir"/}
    check "$name: well-formed XML" xmllint --noout "$svg"
    check "$name: one <title>" test "$(svg_count "$svg" title)" = 1
    check "$name: one <desc>" test "$(svg_count "$svg" desc)" = 1
    png=${svg%.svg}.png
    sw=$(grep -o 'width="[0-9]*px"' "$svg" | head -n 1 | tr -dc 0-9)
    sh=$(grep -o 'height="[0-9]*px"' "$svg" | head -n 1 | tr -dc 0-9)
    # chunks, CRCs, 2x the SVG's size, 192 dpi in pHYs, the image data
    check "$name: PNG as png.h says, 2x the SVG" python3 tests/check_png.py "$png" $((2 * sw)) $((2 * sh))
done
check "charts found" test "$n" -ge 20

# One page with every chart of a report: well-formed, and no id twice
# (cairo names glyphs "glyph0-1" in every SVG: they must be prefixed).
{
    echo '<html xmlns="http://www.w3.org/1999/xhtml"><body>'
    for svg in "$dir"/realistic/charts/*.svg; do tail -n +2 "$svg"; done
    echo '</body></html>'
} >"$tmp/page.xhtml"
check "page of charts: well-formed" xmllint --noout "$tmp/page.xhtml"
grep -o ' id="[^"]*"' "$tmp/page.xhtml" | sort | uniq -d >"$tmp/dups"
check "page of charts: ids unique" test ! -s "$tmp/dups"
check "page of charts: every reference resolves" bash -c '
    grep -o "href=\"#[^\"]*\"\|url(#[^)]*)" "$1" | sed -E "s/.*#([^\")]*).*/\1/" |
        sort -u | while read -r id; do
            grep -q " id=\"$id\"" "$1" || { echo "missing $id"; exit 1; }
        done' _ "$tmp/page.xhtml"

# Untrusted text (a channel named <script>...) is escaped in <desc>.
check "hostile channel name escaped" grep -q '&lt;script&gt;' "$dir"/long-names/charts/channels.svg

echo "charts: $pass passed, $fail failed"
