#!/usr/bin/env bash
# Stops what ssh-up.sh DIR started, by the PIDs it recorded, and removes its namespace.
set -uo pipefail
D=$(realpath -m "${1:?usage: ssh-down.sh DIR}")
for f in "$D/sshd-a.pid" "$D/sshd-b.pid"; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  rm -f "$f"
done
ip link del veth-dch1 2>/dev/null
ip netns del dcrun-h1 2>/dev/null
true
