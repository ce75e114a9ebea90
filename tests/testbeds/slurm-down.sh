#!/usr/bin/env bash
# Stops what slurm-up.sh DIR started, by the PIDs it recorded (slurmd takes a few seconds).
set -uo pipefail
D=$(realpath -m "${1:?usage: slurm-down.sh DIR}")
stop() {
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1")
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$1"
}
export SLURM_CONF=$D/slurm.conf
[ -f "$SLURM_CONF" ] && scancel --full --quiet --user=root 2>/dev/null
for f in "$D/slurmd.n1.pid.bg" "$D/slurmd.n2.pid.bg" "$D/slurmctld.pid.bg" "$D/munged.pid"; do stop "$f"; done
true
