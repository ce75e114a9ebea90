#!/usr/bin/env bash
# The Slurm test bed: munge, one slurmctld and two slurmd playing nodes n1 and n2 (4 CPUs each,
# oversubscribing this machine) on 127.0.0.1, all state in DIR. Clients need
# SLURM_CONF=DIR/slurm.conf. Idempotent: daemons already running are left alone.
# Stop with slurm-down.sh DIR (by the PIDs recorded here).
# The shape is settable for the scale bed (slurm-scale-up.sh): DC_BED_NODES, DC_BED_CPUS,
# DC_BED_MEMORY (MB a node), DC_BED_PORT (slurmctld; slurmd the next), DC_BED_NODE_PORT (n1's),
# DC_BED_SCHEDULER (more SchedulerParameters).
set -euo pipefail
D=$(realpath -m "${1:?usage: slurm-up.sh DIR}")
H=$(hostname)
NODES=${DC_BED_NODES:-2}
CPUS=${DC_BED_CPUS:-4}
MEMORY=${DC_BED_MEMORY:-2000}
PORT=${DC_BED_PORT:-6817}
NODE_PORT=${DC_BED_NODE_PORT:-17001}
NAMES=$(seq -f 'n%g' 1 "$NODES")
. "$(dirname "$0")/common.sh"
mkdir -p "$D/state"
for n in $NAMES; do mkdir -p "$D/spool/$n"; done
cat > "$D/slurm.conf" <<CONF
ClusterName=dcrun-test
SlurmctldHost=$H(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0${DC_BED_SCHEDULER:+,$DC_BED_SCHEDULER}
SlurmdParameters=config_overrides
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool/%n
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.%n.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.%n.log
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
$(i=0; for n in $NAMES; do
  echo "NodeName=$n NodeHostname=$H NodeAddr=127.0.0.1 Port=$((NODE_PORT + i)) CPUs=$CPUS RealMemory=$MEMORY"
  i=$((i + 1))
done)
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$D/slurm.conf
if [ ! -s /etc/munge/munge.key ]; then
  mungekey --create --force
  chown munge:munge /etc/munge/munge.key
  chmod 600 /etc/munge/munge.key
fi
install -d -o munge -g munge -m 755 /run/munge
if ! alive "$D/munged.pid"; then
  if [ -S /run/munge/munge.socket.2 ] && munge -n >/dev/null 2>&1; then
    : > "$D/munged.pid.shared" # a munged we did not start already serves: use it, never stop it
  else
    runuser -u munge -- /usr/sbin/munged --force
    cp /run/munge/munged.pid "$D/munged.pid"
  fi
fi
if ! alive "$D/slurmctld.pid.bg"; then
  slurmctld -D -i -f "$SLURM_CONF" >"$D/slurmctld.out" 2>&1 &
  echo $! > "$D/slurmctld.pid.bg"
fi
for n in $NAMES; do
  if ! alive "$D/slurmd.$n.pid.bg"; then
    slurmd -D -N "$n" -f "$SLURM_CONF" >"$D/slurmd.$n.out" 2>&1 &
    echo $! > "$D/slurmd.$n.pid.bg"
  fi
done
for _ in $(seq 150); do
  [ "$(sinfo -h -o %t 2>/dev/null | sort -u)" = idle ] && break
  sleep 0.2
done
sinfo -N
[ "$(sinfo -h -o %t | sort -u)" = idle ] || { echo "slurm test bed: nodes not idle" >&2; exit 1; }
