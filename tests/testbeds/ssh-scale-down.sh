#!/usr/bin/env bash
# Stops what ssh-scale-up.sh DIR started, by the PIDs it recorded, and removes its namespaces
# (after killing what still runs in them).
set -uo pipefail
D=$(realpath -m "${1:?usage: ssh-scale-down.sh DIR}")
pids=()
for f in "$D"/sshd-*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
  rm -f "$f"
done
for _ in $(seq 50); do
  left=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
  [ "$left" = 0 ] && break
  sleep 0.1
done
for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
for i in $(seq 16); do
  ns=dcs-h$i
  pids=$(ip netns pids "$ns" 2>/dev/null)
  [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  ip link del "veth-dcs$i" 2>/dev/null
  ip netns del "$ns" 2>/dev/null
done
ip link del br-dcscale 2>/dev/null
true
