#!/usr/bin/env python3
"""Checks metrics.json against `path value` lines (hand-worked values).

usage: check_metrics.py metrics.json expected   -> "N passed, N failed"
"""
import json
import re
import sys


def lookup(doc, path):
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            doc = doc[int(part[1:-1])]
        else:
            doc = doc[part]
    return doc


def main():
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
    passed = failed = 0
    for line in open(sys.argv[2], encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        path, want = line.split()
        try:
            got = lookup(doc, path)
        except (KeyError, IndexError, TypeError):
            got = None
        if got is not None and abs(float(got) - float(want)) <= 1e-6 * max(1, abs(float(want))) + 5e-7:
            passed += 1
        else:
            failed += 1
            print("FAIL %s: got %r, want %s" % (path, got, want))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


main()
