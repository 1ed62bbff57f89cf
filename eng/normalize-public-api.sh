#!/usr/bin/env bash
# After merging branches (PublicAPI.Unshipped.txt is union-merged), remove duplicate lines and sort like the analyzer's code fix.
set -euo pipefail
cd "$(dirname "$0")/.."
for f in src/*/PublicAPI.Unshipped.txt src/*/PublicAPI.Shipped.txt; do
  { echo "#nullable enable"; { grep -v -e '^#nullable enable$' -e '^\s*$' "$f" || true; } | LC_ALL=C sort -u; } > "$f.tmp"
  mv "$f.tmp" "$f"
done
