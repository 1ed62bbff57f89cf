#!/usr/bin/env bash
# The DuckDB engine at scale (docs/benchmarks.md "DuckDB engine at scale"): one run per size, wall + CPU + peak RSS.
# usage: benchmarks/scripts/measure-scale.sh [SIZES]   e.g. "1000000 10000000 100000000" (default 1M and 10M)
#        ANALYZE_UP_TO=10000000 also runs `lifecycle analyze FILE.parquet` end to end up to that many transactions.
# Data go to ${SCALE_DATA:-/tmp/lifecycle-scale} (100M: 1.6 GB of Parquet; DuckDB spills there too) and stay for reruns.
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=${1:-"1000000 10000000"}
data=${SCALE_DATA:-/tmp/lifecycle-scale}
mkdir -p "$data"
dotnet build benchmarks/Lifecycle.Scale -c Release -v q -nologo >/dev/null
dotnet build src/Lifecycle.Cli -c Release -v q -nologo >/dev/null
scale="dotnet benchmarks/Lifecycle.Scale/bin/Release/net10.0/Lifecycle.Scale.dll"
tool="dotnet src/Lifecycle.Cli/bin/Release/net10.0/lifecycle.dll"
timed() { /usr/bin/time -f '  process: %e s wall, %U s user, %S s sys, peak RSS %M KB' "$@"; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
for n in $sizes; do
  file="$data/tx$n.parquet"
  # 10 transactions per customer id drawn (skewed: fewer distinct customers buy).
  [ -f "$file" ] || $scale generate "$n" $((n / 10)) "$file"
  echo "== $n transactions"
  # summary + compressed rows, BG/NBD fit, scoring to Parquet, per-customer summaries; DuckDB memory_limit 3072 MiB.
  timed $scale run "$file" 3072 summary
  echo "-- lifecycle fit (transactions Parquet: summary + compressed rows in DuckDB, then the fit)"
  timed $tool fit "$file" --model bgnbd --unit weeks >/dev/null
  if [ "$n" -le "${ANALYZE_UP_TO:-1000000}" ]; then
    echo "-- lifecycle analyze (end to end, three files)"
    timed $tool analyze "$file" --unit weeks --out "$data/report-$n" >/dev/null
  fi
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
done
