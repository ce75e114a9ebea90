#!/usr/bin/env bash
# The Slurm scale bed: four nodes of 128 CPUs each (512 tasks oversubscribing this machine), a
# slurmctld and slurmds of their own (ports 6917/6918, 17101-17104), so that it could run beside
# the small bed. The scheduler looks at 1000 jobs a cycle (Slurm's default is 100, and the next
# cycle may be a minute away: a 256-job PBS array would start in batches). Stop with
# slurm-down.sh DIR.
DC_BED_SCHEDULER=default_queue_depth=1000 DC_BED_NODES=4 DC_BED_CPUS=128 DC_BED_MEMORY=64000 DC_BED_PORT=6917 DC_BED_NODE_PORT=17101 \
  exec bash "$(dirname "$0")/slurm-up.sh" "$@"
