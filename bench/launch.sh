#!/usr/bin/env bash
# Launch over SSH and Slurm: dcrun's time to N workers (a whole run of startup_app, which gets
# one result from a worker) next to plain `ssh host true` and `srun -n N true`, same run.
# Starts the project's test beds (tests/testbeds) and stops them again.
#   bash bench/launch.sh [BUILD_DIR]
set -euo pipefail
B=$(realpath "${1:-build}")
HERE=$(cd "$(dirname "$0")" && pwd)
BEDS=$(mktemp -d /tmp/dcrun-bench-beds.XXXXXX)
DCRUN="$B/cli/dcrun"; APP="$B/bench/startup_app"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ms_of() { # wall time of a command in ms, median of 7 runs
  for _ in $(seq 7); do
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000 ))
  done | median | awk '{ printf "%.0f", $1 / 1000 }'
}
cleanup() {
  bash "$HERE/../tests/testbeds/slurm-down.sh" "$BEDS/slurm" >/dev/null 2>&1 || true
  bash "$HERE/../tests/testbeds/ssh-down.sh" "$BEDS/ssh" >/dev/null 2>&1 || true
  rm -rf "$BEDS"
}
trap cleanup EXIT
bash "$HERE/../tests/testbeds/ssh-up.sh" "$BEDS/ssh" >/dev/null
bash "$HERE/../tests/testbeds/slurm-up.sh" "$BEDS/slurm" >/dev/null
export SLURM_CONF=$BEDS/slurm/slurm.conf
S=$BEDS/ssh; PORT=$(cat "$S/port")
KEYS=(--ssh-identity "$S/id_ed25519" --ssh-known-hosts "$S/known_hosts")
SSH=(ssh -i "$S/id_ed25519" -o UserKnownHostsFile="$S/known_hosts" -o BatchMode=yes)

echo "| launch | dcrun to first result | plain | dcrun / plain |"
echo "|---|---|---|---|"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
for n in 1 8; do
  echo "$n*root@127.0.0.1:$PORT" > "$BEDS/machines"
  d=$(ms_of "$DCRUN" "${KEYS[@]}" --machine-file "$BEDS/machines" "$APP")
  p=$(ms_of "${SSH[@]}" -p "$PORT" root@127.0.0.1 true)
  echo "| SSH, $n worker(s) on one host (127.0.0.1) | $d ms | $p ms \`ssh host true\` | $(ratio "$d" "$p") |"
done
echo "2*root@127.0.0.1:$PORT" > "$BEDS/machines"; echo "2*root@10.200.0.2" >> "$BEDS/machines"
d=$(ms_of "$DCRUN" "${KEYS[@]}" --machine-file "$BEDS/machines" "$APP")
p=$(ms_of "${SSH[@]}" root@10.200.0.2 true)
echo "| SSH, 2+2 workers on two hosts (loopback + network namespace) | $d ms | $p ms \`ssh host true\` (one host) | $(ratio "$d" "$p") |"
for n in 2 8; do
  d=$(ms_of "$DCRUN" --manager slurm -n "$n" "$APP")
  p=$(ms_of srun -n "$n" true)
  echo "| Slurm, $n workers, own allocation (two nodes) | $d ms | $p ms \`srun -n $n true\` | $(ratio "$d" "$p") |"
done
d=$(ms_of salloc -n 4 "$DCRUN" --manager slurm "$APP")
p=$(ms_of salloc -n 4 srun true)
echo "| Slurm, 4 workers, one step inside salloc | $d ms | $p ms \`salloc -n 4 srun true\` | $(ratio "$d" "$p") |"
d=$(ms_of "$DCRUN" --manager pbs -n 2 "$APP")
p=$(ms_of sbatch --wait -o /dev/null --array=0-1 --wrap true)
echo "| PBS (Torque qsub on Slurm), 2 workers as a job array | $d ms | $p ms \`sbatch --wait --array=0-1 --wrap true\` | $(ratio "$d" "$p") |"
