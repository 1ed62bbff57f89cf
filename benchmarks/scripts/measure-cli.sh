#!/usr/bin/env bash
# Whole-process timings of the lifecycle tool (docs/benchmarks.md): median wall time, median CPU time (user + sys),
# peak RSS of RUNS runs, and the load average before and after (the machine may be shared; CPU time is the steadier number).
# usage: benchmarks/scripts/measure-cli.sh [RUNS]   (data goes to ${BENCH_DATA:-/tmp/lifecycle-bench})
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
data=${BENCH_DATA:-/tmp/lifecycle-bench}
mkdir -p "$data"
[ -f "$data/tx10m.csv" ] || python3 benchmarks/scripts/generate-transactions.py "$data/tx10m.csv"
dotnet build src/Lifecycle.Cli -c Release -v q -nologo >/dev/null
tool="dotnet src/Lifecycle.Cli/bin/Release/net10.0/lifecycle.dll"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)   cores: $(nproc)"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() { # name, command...
  local name=$1; shift
  local times=() cpus=() rss=0
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f '%U %S %M' -o "$data/rss.txt" "$@" >/dev/null 2>"$data/stderr.txt" || { cat "$data/stderr.txt"; exit 1; }
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
    local u s r; read -r u s r < <(tail -n 1 "$data/rss.txt")
    cpus+=("$(echo "$u + $s" | bc)")
    [ "$r" -gt "$rss" ] && rss=$r
  done
  printf '%-40s median %6.2f s wall (%s), %6.2f s CPU (%s), peak RSS %d MB\n' "$name" \
    "$(printf '%s\n' "${times[@]}" | median)" "${times[*]}" "$(printf '%s\n' "${cpus[@]}" | median)" "${cpus[*]}" $((rss / 1024))
}

measure "summarize 10M transactions" $tool summarize "$data/tx10m.csv" --out "$data/summary.csv"
[ -f "$data/summary1m.csv" ] || cp "$data/summary.csv" "$data/summary1m.csv"
measure "fit bgnbd on the 1M-row summary" $tool fit "$data/summary1m.csv" --model bgnbd
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
