#!/usr/bin/env bash
# xlsx.sh - the workbook module against Debian's python3-xlsxwriter in
# constant_memory mode, writing the same cells: the Data sheet and the
# Negative sheet (most negative first) for BENCH_XLSX_ROWS (default
# 1,000,000) scored rows made from the sample's texts. Median of
# BENCH_XLSX_RUNS (default 3) runs, peak RSS, and RSS at a tenth of the
# rows to show that memory is flat in rows.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${BENCH_XLSX_RUNS:-3}
n=${BENCH_XLSX_ROWS:-1000000}
PY=/usr/bin/python3 # Debian's Python, which has python3-xlsxwriter
out=build/bench/xlsx
mkdir -p "$out" build/tools

if ! $PY -c 'import xlsxwriter' 2>/dev/null; then
    echo "bench: installing: python3-xlsxwriter" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get install -y -q --no-install-recommends python3-xlsxwriter \
        >/dev/null
fi

# The driver: the workbook module alone, fed from a TSV (the Makefile
# links it with the program's objects).
bin=build/tools/xlsx_bench
make -s "$bin"

# The rows: the sample's texts, channels, authors and URLs, repeated, with
# a row every 30 s and scores drawn with a fixed seed (about a quarter
# negative, as in brand feedback).
rows=build/bench/xlsx_rows_$n.tsv
if [ ! -s "$rows" ]; then
    make -s samples/feedback.csv
    $PY - "$n" "$rows.tmp" <<'PY'
import csv, math, random, sys
n, out = int(sys.argv[1]), sys.argv[2]
src = list(csv.DictReader(open("samples/feedback.csv", encoding="utf-8")))
rnd = random.Random(20250701)
clean = lambda s: s.replace("\t", " ").replace("\r", " ").replace("\n", " ")
with open(out, "w", encoding="utf-8", newline="\n") as f:
    for i in range(n):
        r = src[i % len(src)]
        c = round(math.tanh(rnd.gauss(0.3, 0.6)), 4)
        neg = round(max(0.0, -c) * rnd.uniform(0.2, 0.5), 3)
        pos = round(max(0.0, c) * rnd.uniform(0.2, 0.5), 3)
        neu = round(1 - neg - pos, 3)
        date = 1735689600 + 30 * i
        resp = str(date + rnd.randint(600, 172800)) if rnd.random() < 0.3 else ""
        label = str(rnd.randint(0, 2)) if rnd.random() < 0.05 else ""
        seg = rnd.choice(("EU", "US", "APAC", ""))
        f.write("\t".join((str(date), resp, "%.4f" % c, "%.3f" % neg,
                           "%.3f" % neu, "%.3f" % pos, r["rating"], r["nps"],
                           label, r["channel"], clean(r["author"]), seg,
                           r["url"], "fb-%07d" % (i + 1), clean(r["text"])))
                + "\n")
PY
    mv "$rows.tmp" "$rows"
fi
tenth=build/bench/xlsx_rows_$((n / 10)).tsv
[ -s "$tenth" ] || head -n $((n / 10)) "$rows" >"$tenth"

echo "== workbook: $n rows x 17 columns (Data) + the negative rows" \
     "(Negative), median of $runs runs ($(nproc) cores)"
# Wall time and peak RSS from timeit.py; CPU time (user + sys, median)
# from /usr/bin/time around each run, which is steadier than wall time on
# a busy machine. Prints "median_s min_s max_s peak_mib cpu_s".
t() {
    local log=$out/cpu.log r
    rm -f "$log"
    r=$($PY bench/timeit.py "$runs" /dev/null \
        /usr/bin/time -f "%U %S" -a -o "$log" "$@")
    echo "$r $($PY -c 'import statistics, sys
print("%.2f" % statistics.median(float(u) + float(s) for u, s in
      (l.split() for l in open(sys.argv[1]) if l.strip())))' "$log")"
}
e_all=$(t "$bin" "$rows" "$out/earful.xlsx")
e_nod=$(t "$bin" --no-data-sheet "$rows" "$out/earful-nodata.xlsx")
e_10=$(t "$bin" "$tenth" "$out/earful-tenth.xlsx")
p_all=$(t $PY bench/peers/xlsx_peer.py "$rows" "$out/peer.xlsx")
p_10=$(t $PY bench/peers/xlsx_peer.py "$tenth" "$out/peer-tenth.xlsx")
# The part no writer can avoid: deflate (zlib level 6, as both use) of
# the two sheets' XML.
z=$($PY - "$out/earful.xlsx" <<'PY'
import resource, sys, zipfile, zlib
zf = zipfile.ZipFile(sys.argv[1])
cpu = 0.0
for name in zf.namelist():
    if not name.startswith("xl/worksheets/sheet"):
        continue
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    with zf.open(name) as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            t0 = resource.getrusage(resource.RUSAGE_SELF).ru_utime
            c.compress(chunk)
            cpu += resource.getrusage(resource.RUSAGE_SELF).ru_utime - t0
    c.flush()
print("%.2f" % cpu)
PY
)

# Same cells? Compare the sheets' values with openpyxl on the tenth.
same=$($PY - "$out/earful-tenth.xlsx" "$out/peer-tenth.xlsx" <<'PY'
import sys, openpyxl
a = openpyxl.load_workbook(sys.argv[1], read_only=True)
b = openpyxl.load_workbook(sys.argv[2], read_only=True)
ok = True
for name in ("Data", "Negative"):
    ra = list(a[name].iter_rows(values_only=True))
    rb = list(b[name].iter_rows(values_only=True))
    # (earful's Negative header row has a note beside the columns when
    # it holds only the most negative rows)
    if len(ra) != len(rb) or tuple(ra[0][:len(rb[0])]) != tuple(rb[0]):
        ok = False
    for x, y in zip(ra[1:], rb[1:]):
        if tuple(x) != tuple(y):
            ok = False
            break
print("yes" if ok else "NO")
PY
)

$PY - "$n" "$e_all" "$e_nod" "$e_10" "$p_all" "$p_10" "$same" \
    "$(stat -c %s "$out/earful.xlsx")" "$(stat -c %s "$out/peer.xlsx")" "$z" \
    <<'PY' | tee build/bench/xlsx.txt
import sys
n = int(sys.argv[1])
def parse(s):
    m, lo, hi, rss, cpu = map(float, s.split())
    return m, rss, cpu
rows = [("earful (Data + Negative)", sys.argv[2], n),
        ("earful --no-data-sheet", sys.argv[3], n),
        ("earful, a tenth of the rows", sys.argv[4], n // 10),
        ("python3-xlsxwriter", sys.argv[5], n),
        ("python3-xlsxwriter, a tenth", sys.argv[6], n // 10)]
print("%-30s %10s %8s %12s %9s" % ("writer", "median s", "cpu s", "rows/s",
                                    "peak MiB"))
res = {}
for name, r, k in rows:
    m, rss, cpu = parse(r)
    res[name] = (m, rss, cpu)
    print("%-30s %10.2f %8.2f %12.0f %9.1f" % (name, m, cpu, k / m, rss))
e, p = res[rows[0][0]], res[rows[3][0]]
print("same cells as the peer (a tenth, openpyxl): %s" % sys.argv[7])
print("file size: earful %.1f MB, peer %.1f MB" % (int(sys.argv[8]) / 1e6,
                                                   int(sys.argv[9]) / 1e6))
print("earful vs python3-xlsxwriter: %.1fx faster in wall time, %.1fx in "
      "CPU time (target >= 5x)" % (p[0] / e[0], p[2] / e[2]))
z = float(sys.argv[10])
print("deflating the sheets' XML (zlib level 6, in both writers): %.2f s "
      "CPU; without it: %.1fx" % (z, (p[2] - z) / max(e[2] - z, 0.01)))
print("peak memory, all rows vs a tenth: earful %.1f vs %.1f MiB, "
      "peer %.1f vs %.1f MiB" % (e[1], res[rows[2][0]][1], p[1],
                                 res[rows[4][0]][1]))
PY
