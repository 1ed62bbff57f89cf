#!/usr/bin/env bash
# Whole-process timing of `lifecycle analyze` on the generated 10M-transaction / 1M-customer file (docs/benchmarks.md,
# "lifecycle analyze end to end"): wall, user and system CPU, peak RSS, the load average before and after, and the
# phase log (LIFECYCLE_TIMINGS=1) of every run.
# usage: benchmarks/scripts/measure-analyze.sh [RUNS] [FILE]   (data goes to ${BENCH_DATA:-/tmp/lifecycle-bench})
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-1}
data=${BENCH_DATA:-/tmp/lifecycle-bench}
mkdir -p "$data"
file=${2:-$data/tx10m.csv}
[ -f "$file" ] || python3 benchmarks/scripts/generate-transactions.py "$file"
dotnet build src/Lifecycle.Cli -c Release -v q -nologo >/dev/null
tool="dotnet src/Lifecycle.Cli/bin/Release/net10.0/lifecycle.dll"
for run in $(seq "$runs"); do
  echo "run $run: load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  LIFECYCLE_TIMINGS=1 /usr/bin/time -f 'total: %e s wall, %U s user, %S s sys, %M KB peak RSS' \
    $tool analyze "$file" --out "$data/analyze-report" 2>&1 >/dev/null | grep -E '^(timing|total):'
  echo "run $run: load after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
rm -rf "$data/analyze-report"
