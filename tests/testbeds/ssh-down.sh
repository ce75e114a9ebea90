#!/usr/bin/env bash
# Stops what ssh-up.sh DIR started, by the PIDs it recorded, and removes its namespaces.
set -uo pipefail
D=$(realpath -m "${1:?usage: ssh-down.sh DIR}")
for f in "$D/sshd-a.pid" "$D/sshd-b.pid" "$D/sshd-c.pid"; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  rm -f "$f"
done
for i in 1 2; do
  ip link del "veth-dch$i" 2>/dev/null
  ip netns del "dcrun-h$i" 2>/dev/null
done
ip link del br-dcrun 2>/dev/null
true
