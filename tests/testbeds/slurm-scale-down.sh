#!/usr/bin/env bash
# Stops what slurm-scale-up.sh DIR started (see slurm-down.sh).
exec bash "$(dirname "$0")/slurm-down.sh" "$@"
