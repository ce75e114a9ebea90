#!/bin/sh
# dcrun: 4 worker(s), ids 5..8, as a PBS Pro job array. Written by dcrun; removed at the end of the run.
#PBS -N dcrun-workers
#PBS -J 0-3
#PBS -q batch
#PBS -l walltime=01:00:00
#PBS -l select=1:ncpus=4
#PBS -A project42
#PBS -j oe
#PBS -o /dev/null
#PBS -V
walltime=${PBS_WALLTIME:-3600}
[ -n "$walltime" ] && DC_JOB_END=$(($(date +%s) + walltime)) && export DC_JOB_END
index=${PBS_ARRAY_INDEX:-${SLURM_ARRAY_TASK_ID:-0}}
log='/scratch/alice/run 1/.dcrun/pbs-x'/worker-$index
cd '/scratch/alice/run 1' || { echo "dcrun: cannot cd to /scratch/alice/run 1 on $(hostname)" > "$log.out"; echo 1 > "$log.status"; exit 1; }
DC_ID=$((5 + index)) env 'DC_COOKIE_FILE=/scratch/alice/run 1/.dcrun/pbs-x/cookie' 'DC_MASTER=tcp:10.1.0.5:40000' 'DC_ROLE=worker' '/home/alice/app' '--size' 'it'\''s big' > "$log.out" 2>&1 < /dev/null
echo $? > "$log.status"
