#!/usr/bin/env python3
"""json_same.py A.json B.json [--ignore PATH]...: every value of two
metrics.json files equal, numbers exactly (no tolerance); prints the
differences (path: a != b) and exits 1 if any. --ignore drops a key path
such as input.files (what names the input: its path, kind, checksum)."""
import json, sys

def walk(a, b, path, out, ignore):
    if path in ignore:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            p = f"{path}.{k}" if path else k
            if p in ignore:
                continue
            if k not in a or k not in b:
                out.append(f"{p}: only in {'B' if k not in a else 'A'}")
            else:
                walk(a[k], b[k], p, out, ignore)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items != {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, f"{path}[{i}]", out, ignore)
    elif type(a) != type(b) or a != b:
        out.append(f"{path}: {a!r} != {b!r}")

args = sys.argv[1:]
ignore = set()
while "--ignore" in args:
    i = args.index("--ignore")
    ignore.add(args[i + 1])
    del args[i:i + 2]
a, b = (json.load(open(f, encoding="utf-8")) for f in args)
diff = []
walk(a, b, "", diff, ignore)
print("\n".join(diff[:40]) if diff else "same")
sys.exit(1 if diff else 0)
