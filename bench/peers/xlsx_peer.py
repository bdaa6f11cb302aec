#!/usr/bin/env python3
"""The workbook peer: Debian's python3-xlsxwriter in constant_memory mode
writes the same cells as earful's workbook module (bench/xlsx_bench.c):
the Data sheet, and the Negative sheet (the 10,000 most negative rows,
most negative first, found again in the input by offset, as earful
spills them). One input: no File column, as earful writes it.

usage: xlsx_peer.py [--no-data-sheet] ROWS.tsv OUT.xlsx
"""
import os
import sys

import xlsxwriter

NEG_MAX = -0.05
NEG_ROWS = 10000  # EF_XLSX_NEGATIVE_ROWS
EPOCH = 25569.0


def main():
    args = sys.argv[1:]
    data_sheet = True
    if args and args[0] == "--no-data-sheet":
        data_sheet = False
        args = args[1:]
    src, out = args
    wb = xlsxwriter.Workbook(out, {
        "constant_memory": True,
        "tmpdir": os.path.dirname(os.path.abspath(out)),
        "use_zip64": True,
    })
    header = wb.add_format({"bold": True, "bg_color": "#E5E5E5",
                            "bottom": 1, "font_color": "#222222"})
    dt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    d4 = wb.add_format({"num_format": "0.0000"})
    d3 = wb.add_format({"num_format": "0.000"})
    classes = ("negative", "neutral", "positive")

    def sheet(name, cols):
        ws = wb.add_worksheet(name)
        for c, (title, width) in enumerate(cols):
            ws.write_string(0, c, title, header)
            ws.set_column(c, c, width)
        ws.freeze_panes(1, 0)
        return ws

    neg_ws = sheet("Negative", [
        ("Compound", 10), ("Date", 17), ("Channel", 12), ("Author", 18),
        ("Text", 70), ("Negative", 9), ("Neutral", 9), ("Positive", 9),
        ("Rating", 7), ("NPS", 6), ("Responded", 17), ("URL", 30),
        ("ID", 14), ("Line", 8)])
    data_ws = None
    if data_sheet:
        data_ws = sheet("Data", [
            ("Date", 17), ("Channel", 12), ("Author", 18), ("Text", 70),
            ("Class", 10), ("Compound", 10), ("Negative", 9), ("Neutral", 9),
            ("Positive", 9), ("Rating", 7), ("NPS", 6), ("Responded", 17),
            ("Label", 10), ("Segment", 14), ("URL", 30), ("ID", 14),
            ("Line", 8)])

    def text(ws, r, c, s):
        if s:
            ws.write_string(r, c, s)

    negatives = []
    n = 0
    with open(src, "rb") as f:
        while True:
            off = f.tell()
            raw = f.readline()
            if not raw:
                break
            (date, resp, comp, neg, neu, pos, rating, nps, label, channel,
             author, segment, url, iid, txt) = \
                raw.decode("utf-8").rstrip("\n").split("\t")
            n += 1
            compound = float(comp)
            if compound <= NEG_MAX:
                negatives.append((compound, off, n))
            if data_ws is None:
                continue
            ws, r = data_ws, n
            cls = 2 if compound >= 0.05 else 0 if compound <= NEG_MAX else 1
            ws.write_number(r, 0, int(date) / 86400.0 + EPOCH, dt)
            text(ws, r, 1, channel)
            text(ws, r, 2, author)
            text(ws, r, 3, txt)
            ws.write_string(r, 4, classes[cls])
            ws.write_number(r, 5, compound, d4)
            ws.write_number(r, 6, float(neg), d3)
            ws.write_number(r, 7, float(neu), d3)
            ws.write_number(r, 8, float(pos), d3)
            if rating:
                ws.write_number(r, 9, int(rating))
            if nps:
                ws.write_number(r, 10, int(nps))
            if resp:
                ws.write_number(r, 11, int(resp) / 86400.0 + EPOCH, dt)
            if label:
                ws.write_string(r, 12, classes[int(label)])
            text(ws, r, 13, segment)
            text(ws, r, 14, url)
            text(ws, r, 15, iid)
            ws.write_number(r, 16, n + 1)
        if data_ws is not None:
            data_ws.autofilter(0, 0, n, 16)

        negatives.sort()
        del negatives[NEG_ROWS:]
        ws = neg_ws
        for r, (compound, off, line) in enumerate(negatives, 1):
            f.seek(off)
            (date, resp, comp, neg, neu, pos, rating, nps, label, channel,
             author, segment, url, iid, txt) = \
                f.readline().decode("utf-8").rstrip("\n").split("\t")
            ws.write_number(r, 0, compound, d4)
            ws.write_number(r, 1, int(date) / 86400.0 + EPOCH, dt)
            text(ws, r, 2, channel)
            text(ws, r, 3, author)
            text(ws, r, 4, txt)
            ws.write_number(r, 5, float(neg), d3)
            ws.write_number(r, 6, float(neu), d3)
            ws.write_number(r, 7, float(pos), d3)
            if rating:
                ws.write_number(r, 8, int(rating))
            if nps:
                ws.write_number(r, 9, int(nps))
            if resp:
                ws.write_number(r, 10, int(resp) / 86400.0 + EPOCH, dt)
            text(ws, r, 11, url)
            text(ws, r, 12, iid)
            ws.write_number(r, 13, line + 1)
        ws.autofilter(0, 0, len(negatives), 13)
    wb.set_properties({"title": "Feedback report", "author": "earful"})
    wb.close()


main()
