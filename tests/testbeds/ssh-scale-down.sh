#!/usr/bin/env bash
# Stops what ssh-scale-up.sh DIR started, by the PIDs it recorded, and removes its namespaces
# (after killing what still runs in them).
set -uo pipefail
D=$(realpath -m "${1:?usage: ssh-scale-down.sh DIR}")
. "$(dirname "$0")/common.sh"
stop_pids "$D"/sshd-*.pid
for i in $(seq 16); do
  ns=dcs-h$i
  pids=$(ip netns pids "$ns" 2>/dev/null)
  [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  ip link del "veth-dcs$i" 2>/dev/null
  ip netns del "$ns" 2>/dev/null
done
ip link del br-dcscale 2>/dev/null
true
