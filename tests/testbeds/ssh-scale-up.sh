#!/usr/bin/env bash
# The SSH scale bed: sixteen hosts, each a network namespace (dcs-h1 ... dcs-h16) with its own
# key-only sshd on port 22 at 10.201.0.2 ... 10.201.0.17, joined by bridge br-dcscale
# (10.201.0.1 is this host's side). Writes DIR/id_ed25519, DIR/known_hosts, DIR/hosts (one
# address a line) and DIR/sshd-*.pid. Idempotent. Stop with ssh-scale-down.sh DIR.
set -euo pipefail
D=$(realpath -m "${1:?usage: ssh-scale-up.sh DIR}")
HOSTS=16
mkdir -p "$D"
install -d -m 755 /run/sshd
[ -f "$D/host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$D/host_ed25519_key" -C dcrun-scale-host
[ -f "$D/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$D/id_ed25519" -C dcrun-scale
install -m 600 "$D/id_ed25519.pub" "$D/authorized_keys"
. "$(dirname "$0")/common.sh"

bridge_up br-dcscale 10.201.0.1/24
key=$(cut -d' ' -f1,2 "$D/host_ed25519_key.pub")
: > "$D/known_hosts"
: > "$D/hosts"
for i in $(seq "$HOSTS"); do
  ns=dcs-h$i; addr=10.201.0.$((i + 1))
  namespace_host "$ns" "veth-dcs$i" br-dcscale "$addr/24"
  if ! alive "$D/sshd-$i.pid"; then
    write_sshd_config "$D/sshd-$i.conf" "$addr" 22 "$D"
    ip netns exec "$ns" /usr/sbin/sshd -D -e -f "$D/sshd-$i.conf" >"$D/sshd-$i.log" 2>&1 &
    echo $! > "$D/sshd-$i.pid"
  fi
  echo "$addr $key" >> "$D/known_hosts"
  echo "$addr" >> "$D/hosts"
done
chmod 600 "$D/known_hosts"

# Ready when all answer with their banner.
for addr in $(cat "$D/hosts"); do wait_for_sshd "$addr" 22; done
echo "ssh scale bed: $HOSTS hosts, 10.201.0.2 ... 10.201.0.$((HOSTS + 1)) port 22"
