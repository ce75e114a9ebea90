#!/bin/bash
# Written by dcrun submit: the master runs in this job and submits its 8 workers as a job array.
#PBS -N dcrun-app
#PBS -q batch
#PBS -l walltime=01:00:00
#PBS -l nodes=2:ncpus=4
#PBS -A proj
#PBS -j oe
#PBS -o /home/alice/run 1/dcrun-app-0f1e.out
cd '/home/alice/run 1' || exit 1
'/opt/dc/bin/dcrun' '-n' '8' '/home/alice/app' 'it'\''s'
status=$?
mkdir -p .dcrun && echo $status > '/home/alice/run 1/.dcrun/submit-0f1e.status'
exit $status
