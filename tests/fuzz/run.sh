#!/usr/bin/env bash
# run.sh SECONDS TARGET... - runs each libFuzzer target for SECONDS, one
# after the other, on its corpus (build/corpus/NAME, grown as it goes, and
# the seeds in tests/fuzz/corpus/NAME), and prints per target the runs,
# the coverage (edges) and features it reached and the corpus size; the
# table also goes to build/fuzz/summary.txt. A crash stops with the tail
# of its log and exit 1 (the input is saved as build/fuzz/crash-*).
set -u
cd "$(dirname "$0")/../.."
secs=$1
shift
summary=build/fuzz/summary.txt
mkdir -p build/fuzz
{
    echo "fuzzing: ${secs} s per target, started $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '%-16s %12s %8s %8s %8s %8s\n' target runs exec/s cov ft corpus
} | tee "$summary"
for f in "$@"; do
    n=$(basename "$f")
    log=build/fuzz/$n.log
    mkdir -p "build/corpus/$n"
    seeds=tests/fuzz/corpus/$n
    [ -d "$seeds" ] || seeds=
    if ! "$f" -max_total_time="$secs" -max_len=65536 -print_final_stats=1 \
        -artifact_prefix=build/fuzz/ "build/corpus/$n" $seeds 2>"$log"; then
        tail -40 "$log"
        echo "fuzz: $n FAILED (log: $log)" | tee -a "$summary"
        exit 1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    cov=$(echo "$last" | sed -nE 's/.* cov: ([0-9]+).*/\1/p')
    ft=$(echo "$last" | sed -nE 's/.* ft: ([0-9]+).*/\1/p')
    corp=$(echo "$last" | sed -nE 's/.* corp: ([0-9]+).*/\1/p')
    printf '%-16s %12s %8s %8s %8s %8s\n' "$n" "${runs:-?}" "${speed:-?}" \
        "${cov:-?}" "${ft:-?}" "${corp:-?}" | tee -a "$summary"
done
