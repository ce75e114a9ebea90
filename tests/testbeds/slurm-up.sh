#!/usr/bin/env bash
# The Slurm test bed: munge, one slurmctld and two slurmd playing nodes n1 and n2 (4 CPUs each,
# oversubscribing this machine) on 127.0.0.1, all state in DIR. Clients need
# SLURM_CONF=DIR/slurm.conf. Idempotent: daemons already running are left alone.
# Stop with slurm-down.sh DIR (by the PIDs recorded here).
set -euo pipefail
D=$(realpath -m "${1:?usage: slurm-up.sh DIR}")
H=$(hostname)
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
mkdir -p "$D/state" "$D/spool/n1" "$D/spool/n2"
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
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SlurmdParameters=config_overrides
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool/%n
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.%n.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.%n.log
SlurmctldPort=6817
SlurmdPort=6818
NodeName=n1 NodeHostname=$H NodeAddr=127.0.0.1 Port=17001 CPUs=4 RealMemory=2000
NodeName=n2 NodeHostname=$H NodeAddr=127.0.0.1 Port=17002 CPUs=4 RealMemory=2000
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
for n in n1 n2; do
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
