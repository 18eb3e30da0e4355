#!/usr/bin/env bash
# Every benchmark: prints figures and ratios against baselines measured in the
# same run. Not part of the tests (timings are not assertions).
#   benchmarks/run.sh                       all of them
#   BENCH_RECORDS=20000 BENCH_MEMORY_RECORDS=0 benchmarks/run.sh   a quick run
set -euo pipefail
cd "$(dirname "$0")"
python3 -c 'import requests' 2>/dev/null || pip install -q requests
command -v wrk >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null 2>&1 || echo 'wrk not installed: the ceiling falls back to a Python client' >&2; }
python3 startup.py
BENCH_REBUILD=0 python3 push.py
BENCH_REBUILD=0 python3 growth.py
BENCH_REBUILD=0 python3 csv_reader.py
