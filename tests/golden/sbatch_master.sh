#!/bin/bash
# Written by dcrun submit: the master runs in this batch step and starts its 8 workers as one srun step inside the allocation.
#SBATCH --job-name=dcrun-app
#SBATCH --ntasks=8
#SBATCH --partition=debug
#SBATCH --time=00:10:00
#SBATCH --account=proj
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=4
#SBATCH --cpus-per-task=3
#SBATCH --qos=low
#SBATCH --output=/home/alice/run 1/dcrun-%j.out
cd '/home/alice/run 1' || exit 1
'/opt/dc/bin/dcrun' '-n' '8' '/home/alice/app' 'it'\''s'
status=$?
mkdir -p .dcrun && echo $status > '/home/alice/run 1/.dcrun/submit-0f1e.status'
exit $status
