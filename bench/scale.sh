#!/usr/bin/env bash
# Workers at scale. Local workers, N = 10 ... 2000: time to N ready, everywhere of a no-op
# through the tree (the first makes its links; then warm) and flat (DC_TREE_DEGREE=1000000),
# a pmap of 1e6 no-ops, the master's memory, rmprocs of every worker, and the whole run. With
# --slurm (root, Slurm installed), also 512 workers on the scale Slurm bed next to
# `srun -n 512 true` in the same run. Writes the points to BUILD_DIR/bench/scale.tsv (for
# bench/plot_scale.py) and prints tables.
#   bash bench/scale.sh [BUILD_DIR] [--slurm] [N ...]
set -euo pipefail
B=$(realpath "${1:-build}")
shift || true
SLURM=
if [ "${1:-}" = --slurm ]; then SLURM=1; shift; fi
SIZES=${*:-10 100 500 1000 2000}
HERE=$(cd "$(dirname "$0")" && pwd)
TSV="$B/bench/scale.tsv"
value() { awk -F'\t' -v n="$1" '$1 == n { print $2 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf "workers\tready_ms\tmaster_cpu_ms\teverywhere_first_ms\teverywhere_tree_ms\teverywhere_flat_ms\tpmap_1e6_ms\tmaster_rss_mib\tmaster_kib_per_worker\trmprocs_ms\twhole_ms\n" > "$TSV"
echo "| workers | ready | master CPU at ready | everywhere, first (tree) | everywhere (tree) | everywhere (flat) | pmap of 1e6 no-ops | master RSS | master KiB / worker | rmprocs of all | whole run |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
  s=$(date +%s%N)
  out=$("$B/cli/dcrun" -p "$n" --timeout 300 "$B/bench/scale_app")
  e=$(date +%s%N)
  flat=$(DC_TREE_DEGREE=1000000 "$B/cli/dcrun" -p "$n" --timeout 300 "$B/bench/scale_app")
  row=("$n" "$(echo "$out" | value ready_ms)" "$(echo "$out" | value master_cpu_ms)"
       "$(echo "$out" | value everywhere_ms)"
       "$(echo "$out" | value everywhere_again_ms)" "$(echo "$flat" | value everywhere_again_ms)"
       "$(echo "$out" | value pmap_1e6_ms)" "$(echo "$out" | value master_rss_mib)"
       "$(echo "$out" | value master_kib_per_worker)" "$(echo "$out" | value rmprocs_ms)"
       "$(( (e - s) / 1000000 ))")
  (IFS=$'\t'; echo "${row[*]}") >> "$TSV"
  printf "| %s | %.0f ms | %.0f ms | %.1f ms | %.1f ms | %.1f ms | %.0f ms | %.1f MiB | %.1f | %.0f ms | %s ms |\n" "${row[@]}"
done

echo
echo "Broadcast of 256 MiB with sendto (16 local workers, median of 3):"
bcast() { for _ in 1 2 3; do env "$@" "$B/cli/dcrun" -p 16 "$B/bench/broadcast_app" | value "$BCAST_KEY"; done | median; }
echo "| to one worker | to 16 (tree) | to 16 (flat) |"
echo "|---|---|---|"
BCAST_KEY=one_ms; one=$(bcast DC_NONE=1)
BCAST_KEY=all_ms; tree=$(bcast DC_NONE=1); flat=$(bcast DC_TREE_DEGREE=1000000)
printf "| %.0f ms | %.0f ms (%.1fx) | %.0f ms (%.1fx) |\n" "$one" "$tree" "$(echo "$tree / $one" | bc -l)" \
  "$flat" "$(echo "$flat / $one" | bc -l)"

[ -n "$SLURM" ] || exit 0
echo
BED=$(mktemp -d /tmp/dc-scale-bed.XXXXXX)
trap 'bash "$HERE/../tests/testbeds/slurm-scale-down.sh" "$BED" >/dev/null 2>&1; rm -rf "$BED"' EXIT
bash "$HERE/../tests/testbeds/slurm-scale-up.sh" "$BED" >/dev/null
export SLURM_CONF=$BED/slurm.conf
RUN=$(mktemp -d /tmp/dc-scale-run.XXXXXX)
ms_of() { # wall time in ms, median of 5 runs
  for _ in 1 2 3 4 5; do
    s=$(date +%s%N)
    (cd "$RUN" && "$@") >/dev/null || echo "bench/scale.sh: failed: $*" >&2
    e=$(date +%s%N); echo $(( (e - s) / 1000000 ))
  done | median
}
srun_ms=$(ms_of srun -n 512 true)
dc_ms=$(ms_of "$B/cli/dcrun" --manager slurm -n 512 "$B/bench/startup_app")
sub_ms=$(ms_of "$B/cli/dcrun" submit -n 512 --wait "$B/bench/startup_app")
pbs_ms=$(ms_of "$B/cli/dcrun" --manager pbs -n 256 "$B/bench/startup_app")
rm -rf "$RUN"
echo "Slurm scale bed (4 nodes x 128 CPUs on this 2-core VM), whole runs, median of 5:"
echo "| run | time | reference in the same run |"
echo "|---|---|---|"
echo "| dcrun --manager slurm -n 512 (one srun step) | $dc_ms ms | $srun_ms ms srun -n 512 true |"
echo "| dcrun submit -n 512 --wait | $sub_ms ms | |"
echo "| dcrun --manager pbs -n 256 (a job array) | $pbs_ms ms | |"
