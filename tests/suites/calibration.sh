#!/usr/bin/env bash
# calibration.sh - the calibrated negative share against the human-labelled
# files in ../shared/calibration (issue 7): accuracy and interval coverage
# over 100 random label samples per file and size; skipped when that
# folder is absent. Any labelled CSV there is checked (held-out sets too).
set -u
cd "$(dirname "$0")/../.."
dir=../shared/calibration
if [ ! -d "$dir" ]; then
    echo "SKIP calibration: $dir not found"
    echo "0 passed, 0 failed"
    exit 0
fi
shopt -s nullglob
files=("$dir"/*.csv)
if [ ${#files[@]} -eq 0 ]; then
    echo "SKIP calibration: no CSV file in $dir"
    echo "0 passed, 0 failed"
    exit 0
fi
if ! make --no-print-directory -s build/tools/calib_validate; then
    echo "FAIL calibration: cannot build build/tools/calib_validate"
    echo "0 passed, 1 failed"
    exit 1
fi
build/tools/calib_validate "${files[@]}"
