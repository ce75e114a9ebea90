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
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if ! ip link show br-dcscale >/dev/null 2>&1; then
  ip link add br-dcscale type bridge
  ip addr add 10.201.0.1/24 dev br-dcscale
  ip link set br-dcscale up
fi
key=$(cut -d' ' -f1,2 "$D/host_ed25519_key.pub")
: > "$D/known_hosts"
: > "$D/hosts"
for i in $(seq "$HOSTS"); do
  ns=dcs-h$i; addr=10.201.0.$((i + 1))
  if ! ip netns exec "$ns" true 2>/dev/null; then
    ip link del "veth-dcs$i" 2>/dev/null || true
    ip netns add "$ns"
    ip link add "veth-dcs$i" type veth peer name "veth-dcs$i-ns"
    ip link set "veth-dcs$i" master br-dcscale
    ip link set "veth-dcs$i" up
    ip link set "veth-dcs$i-ns" netns "$ns"
    ip netns exec "$ns" ip addr add "$addr/24" dev "veth-dcs$i-ns"
    ip netns exec "$ns" ip link set "veth-dcs$i-ns" up
    ip netns exec "$ns" ip link set lo up
  fi
  if ! alive "$D/sshd-$i.pid"; then
    cat > "$D/sshd-$i.conf" <<CONF
Port 22
ListenAddress $addr
HostKey $D/host_ed25519_key
PidFile none
AuthorizedKeysFile $D/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
MaxStartups 200
MaxSessions 64
AcceptEnv DC_*
CONF
    /usr/sbin/sshd -t -f "$D/sshd-$i.conf"
    ip netns exec "$ns" /usr/sbin/sshd -D -e -f "$D/sshd-$i.conf" >"$D/sshd-$i.log" 2>&1 &
    echo $! > "$D/sshd-$i.pid"
  fi
  echo "$addr $key" >> "$D/known_hosts"
  echo "$addr" >> "$D/hosts"
done
chmod 600 "$D/known_hosts"

# Ready when all answer with their banner.
for addr in $(cat "$D/hosts"); do
  ok=
  for _ in $(seq 100); do
    if timeout 1 bash -c "exec 3<>/dev/tcp/$addr/22; head -c 4 <&3" 2>/dev/null | grep -q SSH; then
      ok=1
      break
    fi
    sleep 0.1
  done
  [ -n "$ok" ] || { echo "ssh scale bed: no sshd answers at $addr:22" >&2; exit 1; }
done
echo "ssh scale bed: $HOSTS hosts, 10.201.0.2 ... 10.201.0.$((HOSTS + 1)) port 22"
