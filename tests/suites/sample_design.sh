#!/usr/bin/env bash
# sample_design.sh - the label sample stratified by channel and score bin
# keeps the calibrated share unbiased (tests/sample_validate.c), on two
# human-labelled files of ../shared/calibration taken as two channels;
# skipped when that folder or its two files are absent.
set -u
cd "$(dirname "$0")/../.."
dir=../shared/calibration
a=$dir/tweets_labeled.csv
b=$dir/amazon_labeled.csv
if [ ! -f "$a" ] || [ ! -f "$b" ]; then
    echo "SKIP sample design: $a and $b not found"
    echo "0 passed, 0 failed"
    exit 0
fi
if ! make --no-print-directory -s build/tools/sample_validate; then
    echo "FAIL sample design: cannot build build/tools/sample_validate"
    echo "0 passed, 1 failed"
    exit 1
fi
build/tools/sample_validate "$a" "$b"
