#!/usr/bin/env bash
# run.sh - `make bench`: earful against its peers, median of several runs.
# Figures, not pass/fail: machines are noisy, so only ratios measured in
# the same run mean anything. BENCH_RUNS (default 5) sets the run count;
# `bench/run.sh score` runs one section.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/bench

# Peers and tools the benchmarks need (not needed by earful itself).
need=""
for p in python3-nltk nodejs hyperfine; do
    dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
    echo "bench: installing:$need" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get install -y -q --no-install-recommends $need >/dev/null
fi
if [ ! -d build/bench/node_modules/vader-sentiment ]; then
    npm install --silent --no-save --prefix build/bench vader-sentiment@1.1.3 \
        >/dev/null
fi

# earful_pg's benchmarks when PostgreSQL 15 and its PGXS are here
pgs=""
[ -f "$(pg_config --pgxs 2>/dev/null)" ] && pgs="pg pg_report"
sections=${*:-score read import xlsx report $pgs}
for s in $sections; do
    bash "bench/$s.sh"
done
