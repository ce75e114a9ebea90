#!/usr/bin/env bash
# Stops what ssh-up.sh DIR started, by the PIDs it recorded, and removes its namespaces.
set -uo pipefail
D=$(realpath -m "${1:?usage: ssh-down.sh DIR}")
. "$(dirname "$0")/common.sh"
stop_pids "$D/sshd-a.pid" "$D/sshd-b.pid" "$D/sshd-c.pid"
for i in 1 2; do
  ip link del "veth-dch$i" 2>/dev/null
  ip netns del "dcrun-h$i" 2>/dev/null
done
ip link del br-dcrun 2>/dev/null
true
