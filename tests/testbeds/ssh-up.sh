#!/usr/bin/env bash
# The SSH test bed: three key-only sshd servers playing three hosts, all state in DIR.
#   host A: 127.0.0.1:<free port>   (port written to DIR/port)
#   host B: 10.200.0.2:22 in network namespace dcrun-h1
#   host C: 10.200.0.3:22 in network namespace dcrun-h2
# B and C hang off bridge br-dcrun, whose address 10.200.0.1 is this host's side.
# Writes DIR/id_ed25519 (client key), DIR/known_hosts (all host keys), DIR/*.pid.
# Idempotent: servers already running are left alone. Stop with ssh-down.sh DIR.
set -euo pipefail
D=$(realpath -m "${1:?usage: ssh-up.sh DIR}")
mkdir -p "$D"
install -d -m 755 /run/sshd # privilege separation directory
[ -f "$D/host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$D/host_ed25519_key" -C dcrun-test-host
[ -f "$D/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$D/id_ed25519" -C dcrun-test
install -m 600 "$D/id_ed25519.pub" "$D/authorized_keys"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

write_config() { # file listen-address port
  cat > "$1" <<CONF
Port $3
ListenAddress $2
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
AllowTcpForwarding yes
AcceptEnv DC_*
CONF
  /usr/sbin/sshd -t -f "$1"
}

# Host A on loopback.
if ! alive "$D/sshd-a.pid"; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  write_config "$D/sshd-a.conf" 127.0.0.1 "$port"
  /usr/sbin/sshd -D -e -f "$D/sshd-a.conf" >"$D/sshd-a.log" 2>&1 &
  echo $! > "$D/sshd-a.pid"
  echo "$port" > "$D/port"
fi

# Hosts B and C: a namespace each, joined by a bridge (no routing needed on this host).
if ! ip link show br-dcrun >/dev/null 2>&1; then
  ip link add br-dcrun type bridge
  ip addr add 10.200.0.1/24 dev br-dcrun
  ip link set br-dcrun up
fi
for i in 1 2; do
  ns=dcrun-h$i; addr=10.200.0.$((i + 1)); name=$([ "$i" = 1 ] && echo b || echo c)
  if ! ip netns exec "$ns" true 2>/dev/null; then
    ip link del "veth-dch$i" 2>/dev/null || true
    ip netns add "$ns"
    ip link add "veth-dch$i" type veth peer name "veth-dch$i-ns"
    ip link set "veth-dch$i" master br-dcrun
    ip link set "veth-dch$i" up
    ip link set "veth-dch$i-ns" netns "$ns"
    ip netns exec "$ns" ip addr add "$addr/24" dev "veth-dch$i-ns"
    ip netns exec "$ns" ip link set "veth-dch$i-ns" up
    ip netns exec "$ns" ip link set lo up
  fi
  if ! alive "$D/sshd-$name.pid"; then
    write_config "$D/sshd-$name.conf" "$addr" 22
    ip netns exec "$ns" /usr/sbin/sshd -D -e -f "$D/sshd-$name.conf" >"$D/sshd-$name.log" 2>&1 &
    echo $! > "$D/sshd-$name.pid"
  fi
done

key=$(cut -d' ' -f1,2 "$D/host_ed25519_key.pub")
printf '[127.0.0.1]:%s %s\n10.200.0.2 %s\n10.200.0.3 %s\n' "$(cat "$D/port")" "$key" "$key" "$key" > "$D/known_hosts"
chmod 600 "$D/known_hosts"

# Ready when all answer with their banner.
for addr in "127.0.0.1 $(cat "$D/port")" "10.200.0.2 22" "10.200.0.3 22"; do
  for _ in $(seq 100); do
    timeout 1 bash -c "exec 3<>/dev/tcp/${addr% *}/${addr#* }; head -c 4 <&3" 2>/dev/null | grep -q SSH && break
    sleep 0.1
  done
done
echo "ssh test bed: 127.0.0.1:$(cat "$D/port"), 10.200.0.2:22 (dcrun-h1), 10.200.0.3:22 (dcrun-h2)"
