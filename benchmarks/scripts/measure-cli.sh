#!/usr/bin/env bash
# Whole-process timings of the lifecycle tool (docs/benchmarks.md): median wall time and peak RSS of RUNS runs.
# usage: benchmarks/scripts/measure-cli.sh [RUNS]   (data goes to ${BENCH_DATA:-/tmp/lifecycle-bench})
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
data=${BENCH_DATA:-/tmp/lifecycle-bench}
mkdir -p "$data"
[ -f "$data/tx10m.csv" ] || python3 benchmarks/scripts/generate-transactions.py "$data/tx10m.csv"
dotnet build src/Lifecycle.Cli -c Release -v q -nologo >/dev/null
tool="dotnet src/Lifecycle.Cli/bin/Release/net10.0/lifecycle.dll"

measure() { # name, command...
  local name=$1; shift
  local times=() rss=0
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f '%M' -o "$data/rss.txt" "$@" >/dev/null 2>"$data/stderr.txt" || { cat "$data/stderr.txt"; exit 1; }
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
    local r; r=$(tail -n 1 "$data/rss.txt"); [ "$r" -gt "$rss" ] && rss=$r
  done
  local median; median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-40s median %6.2f s of %d runs (%s)  peak RSS %d MB\n' "$name" "$median" "$runs" "${times[*]}" $((rss / 1024))
}

measure "summarize 10M transactions" $tool summarize "$data/tx10m.csv" --out "$data/summary.csv"
[ -f "$data/summary1m.csv" ] || cp "$data/summary.csv" "$data/summary1m.csv"
measure "fit bgnbd on the 1M-row summary" $tool fit "$data/summary1m.csv" --model bgnbd
