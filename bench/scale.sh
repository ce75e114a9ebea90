#!/usr/bin/env bash
# Local workers at scale: time to N ready, everywhere of a no-op, a pmap of 1e6 no-ops, the
# master's memory, and the whole run (start, work, shutdown), for N = 10 ... 2000.
#   bash bench/scale.sh [BUILD_DIR] [N ...]
set -euo pipefail
B=${1:-build}
shift || true
SIZES=${*:-10 100 500 1000 2000}
value() { awk -F'\t' -v n="$1" '$1 == n { print $2 }'; }
echo "| workers | ready | everywhere (no-op) | pmap of 1e6 no-ops | master RSS | master KiB / worker | whole run |"
echo "|---|---|---|---|---|---|---|"
for n in $SIZES; do
  s=$(date +%s%N)
  out=$("$B/cli/dcrun" -p "$n" --timeout 300 "$B/bench/scale_app")
  e=$(date +%s%N)
  printf "| %s | %.0f ms | %.1f ms | %.0f ms | %.1f MiB | %.1f | %.0f ms |\n" "$n" \
    "$(echo "$out" | value ready_ms)" "$(echo "$out" | value everywhere_ms)" \
    "$(echo "$out" | value pmap_1e6_ms)" "$(echo "$out" | value master_rss_mib)" \
    "$(echo "$out" | value master_kib_per_worker)" "$(( (e - s) / 1000000 ))"
done
