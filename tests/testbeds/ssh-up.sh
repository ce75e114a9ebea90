#!/usr/bin/env bash
# The SSH test bed: two key-only sshd servers playing two hosts, all state in DIR.
#   host A: 127.0.0.1:<free port>          (port written to DIR/port)
#   host B: 10.200.0.2:22 in network namespace dcrun-h1, reached over a veth pair whose
#           host side is 10.200.0.1
# Writes DIR/id_ed25519 (client key), DIR/known_hosts (both host keys), DIR/*.pid.
# Idempotent: servers already running are left alone. Stop with ssh-down.sh DIR.
set -euo pipefail
D=$(realpath -m "${1:?usage: ssh-up.sh DIR}")
NS=dcrun-h1
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

# Host B in its own network namespace.
if ! ip netns exec "$NS" true 2>/dev/null; then
  ip link del veth-dch1 2>/dev/null || true
  ip netns add "$NS"
  ip link add veth-dch1 type veth peer name veth-dch1-ns
  ip link set veth-dch1-ns netns "$NS"
  ip addr add 10.200.0.1/24 dev veth-dch1
  ip link set veth-dch1 up
  ip netns exec "$NS" ip addr add 10.200.0.2/24 dev veth-dch1-ns
  ip netns exec "$NS" ip link set veth-dch1-ns up
  ip netns exec "$NS" ip link set lo up
  ip netns exec "$NS" ip route add default via 10.200.0.1
fi
if ! alive "$D/sshd-b.pid"; then
  write_config "$D/sshd-b.conf" 10.200.0.2 22
  ip netns exec "$NS" /usr/sbin/sshd -D -e -f "$D/sshd-b.conf" >"$D/sshd-b.log" 2>&1 &
  echo $! > "$D/sshd-b.pid"
fi

key=$(cut -d' ' -f1,2 "$D/host_ed25519_key.pub")
printf '[127.0.0.1]:%s %s\n10.200.0.2 %s\n' "$(cat "$D/port")" "$key" "$key" > "$D/known_hosts"
chmod 600 "$D/known_hosts"

# Ready when both answer with their banner.
for addr in "127.0.0.1 $(cat "$D/port")" "10.200.0.2 22"; do
  for _ in $(seq 100); do
    timeout 1 bash -c "exec 3<>/dev/tcp/${addr% *}/${addr#* }; head -c 4 <&3" 2>/dev/null | grep -q SSH && break
    sleep 0.1
  done
done
echo "ssh test bed: 127.0.0.1:$(cat "$D/port") (pid $(cat "$D/sshd-a.pid")), 10.200.0.2:22 in $NS (pid $(cat "$D/sshd-b.pid"))"
