#!/usr/bin/env bash
# xlsx.sh - the workbook read back with Debian's openpyxl: the files the
# unit tests wrote (build/test-xlsx/, see tests/unit/test_xlsx.c) and,
# once `earful report` exists, the sample's report.xlsx against its
# metrics.json. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3 # Debian's Python, which has python3-openpyxl
dir=build/test-xlsx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! $PY -c 'import openpyxl' 2>/dev/null; then
    echo "SKIP xlsx: python3-openpyxl is not installed (make deps)"
    echo "0 passed, 0 failed"
    exit 0
fi
if [ ! -f "$dir/t.xlsx" ] && [ -x build/unit ]; then
    build/unit >/dev/null 2>&1
fi

# ==== The unit tests' workbooks ============================================

$PY - "$dir" <<'PY' >"$tmp/unit.out" 2>&1
import datetime, re, sys, zipfile
import openpyxl

d = sys.argv[1]
passed = failed = 0

def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL %s%s" % (name, (": " + str(detail)) if detail else ""))

def near(a, b, tol=1e-9):
    return a is not None and b is not None and abs(a - b) <= tol

CUT = "\u2026 [cut]"
try:
    wb = openpyxl.load_workbook(d + "/t.xlsx")
except Exception as exc:
    print("FAIL t.xlsx: cannot be read: %s" % exc)
    print("0 passed, 1 failed")
    sys.exit(1)

# Sheets, in order.
want = ["Summary", "Trend", "Channels", "Themes", "Spikes", "Repair queue",
        "Negative", "Data", "Calibration", "Method"]
check("sheet names", wb.sheetnames == want, wb.sheetnames)
nd = openpyxl.load_workbook(d + "/nodata.xlsx")
check("--no-data-sheet: no Data, no Calibration without labels",
      nd.sheetnames == ["Summary", "Trend", "Channels", "Themes", "Spikes",
                        "Repair queue", "Negative", "Method"], nd.sheetnames)
sp = openpyxl.load_workbook(d + "/split.xlsx")
check("split: Data continues on Data (2)..., Negative on Negative (2)",
      sp.sheetnames == want[:8] + ["Data (2)", "Data (3)", "Data (4)",
                                   "Negative (2)", "Calibration", "Method"],
      sp.sheetnames)
rows = sum(sp[n].max_row - 1 for n in sp.sheetnames if n.startswith("Data"))
check("split: every row once across the Data sheets", rows == 10, rows)
check("split: 3 rows per part", sp["Data (2)"].max_row == 4)
negs = [r[0] for n in ("Negative", "Negative (2)")
        for r in sp[n].iter_rows(min_row=2, values_only=True)]
check("split: negatives sorted across parts", negs == sorted(negs) and
      len(negs) == 5, negs)

# Every sheet: a frozen header row (Summary's is under its title).
for ws in wb.worksheets:
    hdr = 1
    if ws.title == "Summary":
        hdr = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Measure")
    check("%s: frozen header" % ws.title,
          ws.freeze_panes == "A%d" % (hdr + 1), ws.freeze_panes)

# KPI cells by defined name.
names = {}
for dn in wb.defined_names.definedName:
    if dn.name.startswith("_xlnm"):
        continue
    for title, ref in dn.destinations:
        names[dn.name] = wb[title][ref.replace("$", "")]
model = {
    "items": 1234, "negative_share": 185 / 1234, "negative_count": 185,
    "negative_share_ci_low": 0.1311, "negative_share_ci_high": 0.1709,
    "neutral_share": 420 / 1234, "positive_share": 629 / 1234,
    "strongly_negative_share": 41 / 1234,
    "net_sentiment": 444 / 1234, "net_excluding_neutral": 444 / 814,
    "nps": 20.0, "nps_margin_of_error": 8.7, "nps_ci_low": 11.3,
    "stars_mean": 3.9, "csat": 0.7, "response_rate": 0.35,
    "negative_response_rate": 0.5, "median_response_hours": 6.25,
    "p90_response_hours": 30.5, "top1_authors_share": 0.05,
    "top10_authors_share": 0.2, "repeat_authors": 4, "anonymous_share": 0.1,
    "terse_share": 0.4, "abusive_share": 0.05, "detailed_share": 0.55,
    "turned_around_share": 0.08, "turned_around_authors": 12,
    "negative_share_change": -0.05, "expected_negative": 0.3,
    "adjusted_negative_share": 0.21, "adjusted_negative_share_ci_low": 0.17,
    "rows_read": 1240, "rows_used": 1234, "rows_rejected": 6,
}
for k, v in model.items():
    c = names.get(k)
    check("defined name %s" % k, c is not None and near(c.value, v),
          None if c is None else c.value)
c = names.get("first_date")
check("first_date is an Excel date", c is not None and c.is_date and
      c.value == datetime.datetime(2025, 1, 6), c and c.value)
check("percent with one decimal",
      names["negative_share"].number_format == "0.0%",
      names["negative_share"].number_format)
check("integers with thousands separators",
      names["items"].number_format == "#,##0")
check("headline on Summary", str(wb["Summary"]["A2"].value).startswith(
    "15.0% of 1,234 feedback items"))

# Data: every row, text stays text.
ws = wb["Data"]
check("Data: 10 rows and a header", ws.max_row == 11, ws.max_row)
check("Data: autofilter", ws.auto_filter.ref == "A1:R11", ws.auto_filter.ref)
hdr = [c.value for c in ws[1]]
col = {h: i for i, h in enumerate(hdr)}
data = list(ws.iter_rows(min_row=2))
t = lambda r: r[col["Text"]]
check("formula-looking text is a string",
      t(data[0]).data_type == "s" and
      t(data[0]).value == '=HYPERLINK("http://x")', t(data[0]).value)
check("+ and @ text is a string", t(data[1]).data_type == "s" and
      t(data[1]).value == "+1 and @SUM(A1) and -2")
check("formula-looking id is a string",
      data[0][col["ID"]].value == "=1+1" and data[0][col["ID"]].data_type == "s")
check("control characters dropped, tab and newline kept",
      t(data[2]).value == "ctl tab\there\nline", repr(t(data[2]).value))
check("invalid UTF-8 replaced",
      t(data[3]).value == "bad \ufffd\ufffd utf8 \ufffd", repr(t(data[3]).value))
# openpyxl does not decode _xHHHH_ in inline strings; Excel shows _x0041_.
check("literal _x0041_ escaped for Excel",
      t(data[4]).value == "lit _x005F_x0041_ end", t(data[4]).value)
big = t(data[5]).value
check("40,000 characters cut at 32,767 with a marker",
      len(big) == 32767 and big.endswith(CUT) and
      big.startswith("terrible service"), len(big))
check("NUL dropped", t(data[6]).value == "nulinside")
check("a text with line breaks is wrapped in a taller row",
      t(data[2]).alignment.wrap_text and
      ws.row_dimensions[4].height == 30.0, ws.row_dimensions[4].height)
check("one-line texts keep one-line rows", ws.row_dimensions[2].height is None)
check("headers of numbers are right-aligned",
      ws.cell(1, col["Compound"] + 1).alignment.horizontal == "right" and
      ws.cell(1, col["Text"] + 1).alignment.horizontal is None)
check("dates are Excel dates", data[0][col["Date"]].is_date and
      data[0][col["Date"]].value == datetime.datetime(2025, 1, 6, 9, 0))
check("scores are numbers", data[0][col["Compound"]].value == -0.5 and
      data[0][col["Compound"]].number_format == "0.0000")
check("class", [r[col["Class"]].value for r in data][:3] ==
      ["negative", "positive", "neutral"])
check("URL in Data is plain text", data[1][col["URL"]].hyperlink is None and
      data[1][col["URL"]].value == "https://x.example/1")

# Negative: most negative first, ties in input order, autofilter.
ws = wb["Negative"]
vals = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
check("Negative: sorted, most negative first",
      vals == [-0.99, -0.9, -0.5, -0.2, -0.2], vals)
check("Negative: ties in input order",
      [r[4] for r in ws.iter_rows(min_row=5, values_only=True)][0]
      .startswith("bad"))
check("Negative: autofilter", ws.auto_filter.ref == "A1:O6", ws.auto_filter.ref)
check("Negative: long text cut", len(ws["E3"].value) == 32767)
check("Negative: no note when every negative item is there",
      ws.cell(1, ws.max_column).value == "Line", ws.cell(1, ws.max_column).value)
check("several inputs: File holds the base name, never the path",
      [r[13] for r in ws.iter_rows(min_row=2, values_only=True)] ==
      ["feedback.csv"] * 5)

# The Negative sheet capped at its most negative items, one input.
cp = openpyxl.load_workbook(d + "/capped.xlsx")
ws = cp["Negative"]
hdr = [c.value for c in ws[1]]
check("capped: the 3 most negative, most negative first",
      [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] ==
      [-0.99, -0.9, -0.5], [r[0] for r in ws.iter_rows(min_row=2, values_only=True)])
check("capped: the note beside the header says how many and where",
      hdr[-1] == "The 3 most negative of 5 negative items, most negative "
      "first. Every item is in Data: filter its Class column on "
      "\"negative\".", hdr[-1])
check("one input: no File column in Negative, Data, Repair queue",
      "File" not in hdr and
      "File" not in [c.value for c in cp["Data"][1]] and
      "File" not in [c.value for c in cp["Repair queue"][1]])
check("one input: Line is the last column",
      hdr[14 - 1] == "Line" and [c.value for c in cp["Data"][1]][-1] == "Line"
      and [c.value for c in cp["Repair queue"][1]][-1] == "Line",
      hdr)
check("one input: Line values follow", cp["Data"].cell(2, 17).value == 2,
      cp["Data"].cell(2, 17).value)
check("capped: autofilter over the table only", ws.auto_filter.ref == "A1:N4",
      ws.auto_filter.ref)
ws = openpyxl.load_workbook(d + "/capped_top.xlsx")["Negative"]
hdr = [c.value for c in ws[1]]
check("capped, the input's negatives set: the note counts them all",
      hdr[-1] == "The 3 most negative of 12,345 negative items, most "
      "negative first. The rest are in no sheet: this workbook was written "
      "without Data.", hdr[-1])

# Repair queue: the worklist.
ws = wb["Repair queue"]
hdr = [c.value for c in ws[1]]
check("Repair queue columns", all(h in hdr for h in
      ("Status", "Owner", "Notes", "URL", "Text", "Date")), hdr)
dvs = ws.data_validations.dataValidation
ok = any(v.type == "list" and
         v.formula1 == '"Open,Contacted,Resolved,No action"' and
         str(v.sqref) == "H2:H4" for v in dvs)
check("Status has a dropdown (data validation)", ok,
      [(v.type, v.formula1, str(v.sqref)) for v in dvs])
check("Status, Owner, Notes empty", all(ws.cell(r, c).value is None
      for r in (2, 3, 4) for c in (8, 9, 10)))
check("URL is a hyperlink", ws["K2"].hyperlink is not None and
      ws["K2"].hyperlink.target == "https://reviews.example/p/1")
check("javascript: URL is plain text", ws["K3"].hyperlink is None and
      ws["K3"].value == "javascript:alert(1)")
check("Repair text is a string", ws["E2"].value == '=HYPERLINK("http://x")'
      and ws["E2"].data_type == "s")
check("Repair CR LF becomes LF", ws["E3"].value == "Broken on arrival.\nNo refund!")
check("Repair long text cut", len(ws["E4"].value) == 32767 and
      ws["E4"].value.endswith(CUT))
check("Repair rows as tall as their lines, up to Excel's tallest row",
      ws.row_dimensions[3].height == 30.0 and
      ws.row_dimensions[4].height == 27 * 15.0,
      [ws.row_dimensions[r].height for r in (2, 3, 4)])
check("Repair cells top-aligned", ws["A2"].alignment.vertical == "top" and
      ws["E2"].alignment.vertical == "top" and ws["E2"].alignment.wrap_text)

# Trend: conditional formatting on the share shown first (the periods
# are re-estimated from labels: column D, VADER's beside it); charts.
ws = wb["Trend"]
rngs = [str(r.sqref) for r in ws.conditional_formatting]
check("Trend: conditional formatting on the share",
      any(r.startswith("D2") for r in rngs), rngs)
check("Trend: the re-estimated share first, VADER's beside it",
      ws["D1"].value == "Re-estimated share" and
      ws["G1"].value == "VADER's share", (ws["D1"].value, ws["G1"].value))
check("Trend: a row per period", ws.max_row == 5)
check("Spikes: one spike", wb["Spikes"]["A2"].value == "2025-W04")
check("Spikes: formula-looking term is text",
      "=cmd|" in wb["Spikes"]["H2"].value)
check("Channels: formula-looking name is text",
      wb["Channels"]["A4"].value == "@evil=1+1" and
      wb["Channels"]["A4"].data_type == "s")
check("Calibration matrix", wb["Calibration"]["B2"].value == 60 and
      wb["Calibration"]["E5"].value == 300)

# Document properties.
p = wb.properties
check("author earful", p.creator == "earful", p.creator)
check("created = opts.created", p.created == datetime.datetime(2025, 1, 6),
      p.created)
check("title", (p.title or "").startswith("Feedback report, 2025-01-06"),
      p.title)

# The package: native charts, no formula anywhere.
z = zipfile.ZipFile(d + "/t.xlsx")
charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
check("three native charts", len(charts) == 3, charts)
kinds = "".join(z.read(n).decode() for n in charts)
check("line, horizontal bar and stacked column charts",
      "<c:lineChart>" in kinds and kinds.count("<c:barChart>") == 2 and
      '<c:barDir val="bar"/>' in kinds and
      '<c:grouping val="stacked"/>' in kinds)
check("negative is vermillion in the charts", "D55E00" in kinds)
sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
check("no formula in any sheet",
      not any(re.search(rb"<f[ >]", z.read(n)) for n in sheets))
drawing = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
check("Summary holds the charts", "drawing" in drawing)

# Determinism.
a, b = open(d + "/t.xlsx", "rb").read(), open(d + "/t2.xlsx", "rb").read()
check("two writes: byte-identical files", a == b)
z2 = zipfile.ZipFile(d + "/t2.xlsx")
check("two writes: identical xl/worksheets/*.xml",
      all(z.read(n) == z2.read(n) for n in sheets))
print("xlsx unit workbooks: %d passed, %d failed" % (passed, failed))
PY
cat "$tmp/unit.out"
line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$tmp/unit.out" | tail -n 1)
pass=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
fail=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
[ -n "$line" ] || { pass=0; fail=1; echo "FAIL xlsx unit workbooks: no result"; }

# ==== The sample report ====================================================

if [ -x ./earful ] && ./earful report --help >/dev/null 2>&1; then
    make -s samples/feedback.csv >/dev/null 2>&1
    export SOURCE_DATE_EPOCH=1751328000 # 2025-07-01
    ok=1
    ./earful report --quiet -o "$tmp/r1" samples/feedback.csv \
        >"$tmp/r1.log" 2>&1 || ok=0
    ./earful report --quiet -o "$tmp/r2" samples/feedback.csv \
        >"$tmp/r2.log" 2>&1 || ok=0
    if [ $ok -eq 0 ] || [ ! -f "$tmp/r1/report.xlsx" ]; then
        echo "FAIL sample: earful report did not write report.xlsx"
        tail -5 "$tmp/r1.log"
        fail=$((fail + 1))
    else
        # too few to call in some months and channels, and a --title
        ./earful report --quiet -o "$tmp/r3" --min-n 1700 --period month \
            --title "Pebblewave, the title" samples/feedback.csv \
            >"$tmp/r3.log" 2>&1 || ok=0
        $PY - "$tmp/r1" "$tmp/r2" "$tmp/r3" <<'PY' >"$tmp/sample.out" 2>&1
import datetime, json, math, re, sys, zipfile
import openpyxl, openpyxl.utils

r1, r2, r3 = sys.argv[1], sys.argv[2], sys.argv[3]
passed = failed = 0

def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL sample %s%s" % (name, (": " + str(detail)) if detail else ""))

m = json.load(open(r1 + "/metrics.json", encoding="utf-8"))
wb = openpyxl.load_workbook(r1 + "/report.xlsx")
names = {}
for dn in wb.defined_names.definedName:
    for title, ref in dn.destinations:
        names[dn.name] = wb[title][ref.replace("$", "")].value

def get(path):
    v = m
    for k in path.split("."):
        if v is None:
            return None
        v = v.get(k)
    return v

# Defined name -> metrics.json path.
pairs = {
    "items": "sentiment.n",
    "rows_read": "input.rows_read", "rows_used": "input.rows_used",
    "rows_rejected": "input.rows_rejected",
    "invalid_utf8_replaced": "input.invalid_utf8_replaced",
    "net_sentiment": "sentiment.net",
    "net_excluding_neutral": "sentiment.net_excluding_neutral",
    "nps": "nps.score", "nps_margin_of_error": "nps.margin_of_error",
    "stars_mean": "stars.mean", "csat": "stars.csat",
    "stars_mean_ci_low": "stars.mean_ci_low",
    "stars_mean_ci_high": "stars.mean_ci_high",
    "response_rate": "response.rate",
    "negative_response_rate": "response.negative_rate",
    "median_response_hours": "response.median_hours",
    "p90_response_hours": "response.p90_hours",
    "negative_authors": "concentration.negative_authors",
    "top1_authors_share": "concentration.top1_share",
    "top5_authors_share": "concentration.top5_share",
    "top10_authors_share": "concentration.top10_share",
    "repeat_authors": "concentration.repeat_authors",
    "anonymous_share": "concentration.anonymous_share",
    "terse_share": "venting.terse_share",
    "abusive_share": "venting.abusive_share",
    "detailed_share": "venting.detailed_share",
    "turned_around_authors": "turned_around.authors",
    "turned_around_share": "turned_around.share_of_negative_authors",
    "turned_around_after_response": "turned_around.after_response",
    "negative_share_change": "change.difference",
    "adjusted_negative_share": "calibration.adjusted_negative_share",
    "adjusted_negative_share_ci_low": "calibration.ci_low",
    "adjusted_negative_share_ci_high": "calibration.ci_high",
}
for cls in ("negative", "neutral", "positive", "strongly_negative"):
    pairs[cls + "_share"] = "sentiment.%s.share" % cls
    pairs[cls + "_share_ci_low"] = "sentiment.%s.ci_low" % cls
    pairs[cls + "_share_ci_high"] = "sentiment.%s.ci_high" % cls
    pairs[cls + "_count"] = "sentiment.%s.count" % cls
for name, path in sorted(pairs.items()):
    want = get(path)
    if path.startswith("change.") and "change" in m and m["change"] is None:
        want = None
    got = names.get(name, "missing")
    if want is None:
        ok = got is None or (name not in names and path.startswith("calib"))
    else:
        ok = isinstance(got, (int, float)) and \
            abs(got - want) <= 5e-7 + 1e-9 * abs(want)
    check("%s == %s" % (name, path), ok, "%r vs %r" % (got, want))
fd = names.get("first_date")
check("first_date", fd is not None and
      fd.date().isoformat() == (m["input"]["first_date"] or "")[:10],
      "%r vs %r" % (fd, m["input"]["first_date"]))

ws = wb["Data"]
check("Data rows == input.rows_used", ws.max_row - 1 == m["input"]["rows_used"],
      "%d vs %d" % (ws.max_row - 1, m["input"]["rows_used"]))
neg = wb["Negative"]
check("Negative rows == sentiment.negative.count, at most 10,000",
      neg.max_row - 1 == min(10000, m["sentiment"]["negative"]["count"]))
vals = [r[0] for r in neg.iter_rows(min_row=2, max_row=2000, values_only=True)]
check("Negative sorted", vals == sorted(vals))
check("Trend rows == periods", wb["Trend"].max_row - 1 == len(m["periods"]))
shares = [r[6] for r in wb["Trend"].iter_rows(min_row=2, values_only=True)]
check("Trend shares == periods[].negative_share",
      all(abs((a or 0) - b["negative_share"]) <= 5e-7
          for a, b in zip(shares, m["periods"])))
check("Channels rows == channels",
      [r[0] for r in wb["Channels"].iter_rows(min_row=2, max_row=1 +
       len(m["channels"]), values_only=True)] ==
      [c["name"] for c in m["channels"]])
dvs = wb["Repair queue"].data_validations.dataValidation
check("Repair queue: Status dropdown", wb["Repair queue"].max_row < 2 or
      any(v.type == "list" for v in dvs))
check("created = SOURCE_DATE_EPOCH",
      wb.properties.created == datetime.datetime(2025, 7, 1))
a = open(r1 + "/report.xlsx", "rb").read()
b = open(r2 + "/report.xlsx", "rb").read()
check("two runs: byte-identical report.xlsx", a == b)

# --title, and "too few to call" as the HTML's charts have it.
w3 = openpyxl.load_workbook(r3 + "/report.xlsx")
check("--title in Summary!A1", w3["Summary"]["A1"].value ==
      "Pebblewave, the title", w3["Summary"]["A1"].value)
check("--title is the document's", w3.properties.title ==
      "Pebblewave, the title", w3.properties.title)
tr = w3["Trend"]
head = [c.value for c in tr[1]]
few_col, share_col = head.index("Too few to call"), head.index("Negative share")
cs, cf = head.index("Chart: negative share"), head.index("Chart: too few to call")
rows = list(tr.iter_rows(min_row=2, values_only=True))
check("some months too few to call, some not",
      0 < sum(r[few_col] == "yes" for r in rows) < len(rows))
check("Trend chart columns: the share only where it can be called",
      all((r[cs] is None) == (r[few_col] == "yes") and
          (r[cf] is None) == (r[few_col] != "yes") and
          (r[cs] if r[cs] is not None else r[cf]) == r[share_col]
          for r in rows))
z3 = zipfile.ZipFile(r3 + "/report.xlsx")
charts = {n: z3.read(n).decode() for n in z3.namelist()
          if n.startswith("xl/charts/chart")}
line = next(x for x in charts.values() if "<c:lineChart>" in x)
bar = next(x for x in charts.values() if '<c:barDir val="bar"/>' in x)
letter = openpyxl.utils.get_column_letter
check("trend chart: the line from the callable share",
      "Trend!$%s$2" % letter(cs + 1) in line, letter(cs + 1))
check("trend chart: too few to call as hollow grey markers, no line",
      "Trend!$%s$2" % letter(cf + 1) in line and "<a:noFill/>" in line and
      "9A9A9A" in line)
check("trend chart: gaps for blanks (the default when not written)",
      not re.search(r'<c:dispBlanksAs val="(zero|span)"/>', line))
maxes = [float(v) for x in charts.values()
         for v in re.findall(r'<c:max val="([0-9.]+)"/>', x)]
check("share axes end at 100% at most, and hold the data",
      len(maxes) == 2 and all(0 < v <= 1 for v in maxes), maxes)
check("channel chart: every name, first on top",
      '<c:tickLblSkip val="1"/>' in bar and
      '<c:orientation val="maxMin"/>' in bar)
check("channel chart: too few to call hollow grey",
      "<c:dPt>" in bar and "<a:noFill/>" in bar and "9A9A9A" in bar)
print("xlsx sample report: %d passed, %d failed" % (passed, failed))
PY
        cat "$tmp/sample.out"
        line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$tmp/sample.out" | tail -n 1)
        if [ -n "$line" ]; then
            pass=$((pass + $(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')))
            fail=$((fail + $(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
        else
            echo "FAIL sample: no result"; fail=$((fail + 1))
        fi
    fi
else
    echo "SKIP sample report: no 'earful report' yet"
fi

echo "xlsx: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
