#!/usr/bin/env bash
# Adds every new public symbol of the shipped projects to its PublicAPI.Unshipped.txt (code fix for RS0016/RS0017).
# Review the diff: each added line is a public API decision.
set -euo pipefail
cd "$(dirname "$0")/.."
for p in src/Lifecycle.Core/Lifecycle.Core.csproj src/Lifecycle.Extensions.DependencyInjection/Lifecycle.Extensions.DependencyInjection.csproj src/Lifecycle.DuckDB/Lifecycle.DuckDB.csproj; do
  dotnet format analyzers "$p" --diagnostics RS0016 RS0017 RS0037 --severity warn -v q || true
done
