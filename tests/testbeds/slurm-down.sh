#!/usr/bin/env bash
# Stops what slurm-up.sh DIR started, by the PIDs it recorded (slurmd takes a few seconds).
set -uo pipefail
D=$(realpath -m "${1:?usage: slurm-down.sh DIR}")
stop() { # TERM to each first, then wait for all (slurmd takes 5-7 s to exit)
  local pids=() f pid
  for f in "$@"; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
    rm -f "$f"
  done
  for _ in $(seq 150); do
    local left=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
    [ "$left" = 0 ] && return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
}
export SLURM_CONF=$D/slurm.conf
[ -f "$SLURM_CONF" ] && scancel --full --quiet --user=root 2>/dev/null
stop "$D"/slurmd.*.pid.bg
stop "$D/slurmctld.pid.bg"
stop "$D/munged.pid"
true
