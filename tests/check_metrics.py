#!/usr/bin/env python3
"""Checks metrics.json against `path value` lines (hand-worked values; a
value is a number, or null, true or false).

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
            got = KeyError  # absent: never what is wanted
        if want == "null":  # present, and null
            ok = got is None
        elif want in ("true", "false"):
            ok = got is (want == "true")
        else:
            ok = (got is not None and got is not KeyError and
                  abs(float(got) - float(want)) <=
                  1e-6 * max(1, abs(float(want))) + 5e-7)
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s: got %s, want %s" %
                  (path, "nothing" if got is KeyError else repr(got), want))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


main()
