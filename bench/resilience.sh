#!/usr/bin/env bash
# Resilience on the ssh test bed (root: it makes network namespaces): how long the master takes
# to notice a host that vanished (its link set down mid-call, heartbeat 3 s), and a pmap of 400
# items of 25 ms over 6 workers on 3 hosts with and without one host lost mid-map (the test
# program of the build, build/tests/dc_test_app, modes vanish and vanish_pmap); and, locally,
# the time from a late worker's job start to its first item of a running pmap (late_join_app).
#   bash bench/resilience.sh [BUILD_DIR]
set -euo pipefail
B=$(realpath "${1:-build}")
HERE=$(cd "$(dirname "$0")" && pwd)
BED=$(mktemp -d /tmp/dc-resilience-bed.XXXXXX)
WORK=$(mktemp -d /tmp/dc-resilience.XXXXXX)
trap 'ip netns exec dcrun-h1 ip link set veth-dch1-ns up 2>/dev/null; bash "$HERE/../tests/testbeds/ssh-down.sh" "$BED" >/dev/null 2>&1; rm -rf "$BED" "$WORK"' EXIT
bash "$HERE/../tests/testbeds/ssh-up.sh" "$BED" >/dev/null
config() { # per-host count, then hosts
  local count=$1; shift
  printf 'manager: ssh\nheartbeat: 3\nssh:\n  identity: %s\n  known_hosts: %s\n  hosts:\n' \
    "$BED/id_ed25519" "$BED/known_hosts"
  printf '    - host: 127.0.0.1\n      user: root\n      count: %s\n      port: %s\n' "$count" "$(cat "$BED/port")"
  for h in "$@"; do printf '    - host: %s\n      user: root\n      count: %s\n' "$h" "$count"; done
}
# Runs dcrun with config $1 and mode $2; with $3 = cut, sets host B's link down once $4 is printed.
run() {
  local out=$WORK/out
  "$B/cli/dcrun" --config "$1" "$B/tests/dc_test_app" "$2" > "$out" 2>/dev/null &
  local pid=$!
  if [ "${3:-}" = cut ]; then
    for _ in $(seq 300); do grep -q "$4" "$out" && break; sleep 0.05; done
    sleep 0.5
    ip netns exec dcrun-h1 ip link set veth-dch1-ns down
  fi
  wait "$pid"
  ip netns exec dcrun-h1 ip link set veth-dch1-ns up
  cat "$out"
}
config 1 10.200.0.2 > "$WORK/two.yaml"
config 2 10.200.0.2 10.200.0.3 > "$WORK/three.yaml"
detect=$(run "$WORK/two.yaml" vanish cut "calling" | awk '/call ended after/ { print $4 - 0.5 }')
sleep 2 # the cut-off worker exits by its own heartbeat
whole=$(run "$WORK/three.yaml" vanish_pmap | awk '/pmap done/ { print $NF }')
lost=$(run "$WORK/three.yaml" vanish_pmap cut "pmap started" | awk '/pmap done/ { print $NF }')
cat > "$WORK/starter.sh" <<STARTER
#!/bin/sh
if [ "\$DC_ID" -gt 2 ]; then sleep 1; fi
date +%s%N > "$WORK/start-\$DC_ID"
exec "$B/bench/late_join_app" "\$@"
STARTER
chmod +x "$WORK/starter.sh"
late=$("$B/cli/dcrun" -p 4 --min-workers 1 --exename "$WORK/starter.sh" "$B/bench/late_join_app" \
  "$WORK" | awk -F'\t' '$1 == "median_ms" { print $2 }')
echo "| measure | time |"
echo "|---|---|"
printf "| a vanished host noticed (heartbeat 3 s), from its link going down | %.2f s |\n" "$detect"
printf "| pmap of 400 x 25 ms over 6 workers on 3 hosts | %.2f s |\n" "$whole"
printf "| the same, one host (2 workers) lost 0.5 s in | %.2f s |\n" "$lost"
printf "| a late worker (--min-workers 1, 3 workers 1 s late), job start to its first pmap item | %.1f ms |\n" "$late"
