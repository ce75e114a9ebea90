#!/usr/bin/env bash
# Stops what slurm-up.sh DIR started, by the PIDs it recorded (slurmd takes a few seconds).
set -uo pipefail
D=$(realpath -m "${1:?usage: slurm-down.sh DIR}")
. "$(dirname "$0")/common.sh"
export SLURM_CONF=$D/slurm.conf
[ -f "$SLURM_CONF" ] && scancel --full --quiet --user=root 2>/dev/null
stop_pids "$D"/slurmd.*.pid.bg
stop_pids "$D/slurmctld.pid.bg"
stop_pids "$D/munged.pid"
true
