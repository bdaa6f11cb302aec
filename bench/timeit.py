#!/usr/bin/env python3
"""Times a command: median wall time and peak RSS over N runs.

usage: timeit.py N OUT CMD...   (stdout of CMD goes to OUT)
prints: median_seconds min_seconds max_seconds peak_rss_mib
"""
import os
import statistics
import subprocess
import sys
import time


def main():
    n, out, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    walls, rss = [], []
    for _ in range(n):
        with open(out, "wb") as f:
            t0 = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=f)
            _, status, usage = os.wait4(p.pid, 0)
            walls.append(time.perf_counter() - t0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit("timeit: %s failed with status %d" % (cmd[0], status))
        rss.append(usage.ru_maxrss / 1024.0)
    print("%.4f %.4f %.4f %.1f" % (statistics.median(walls), min(walls),
                                   max(walls), max(rss)))


main()
