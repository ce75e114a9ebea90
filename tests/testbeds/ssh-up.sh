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

. "$(dirname "$0")/common.sh"

write_config() { write_sshd_config "$1" "$2" "$3" "$D"; } # file listen-address port

# Host A on loopback.
if ! alive "$D/sshd-a.pid"; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  write_config "$D/sshd-a.conf" 127.0.0.1 "$port"
  /usr/sbin/sshd -D -e -f "$D/sshd-a.conf" >"$D/sshd-a.log" 2>&1 &
  echo $! > "$D/sshd-a.pid"
  echo "$port" > "$D/port"
fi

# Hosts B and C: a namespace each, joined by a bridge (no routing needed on this host).
bridge_up br-dcrun 10.200.0.1/24
for i in 1 2; do
  ns=dcrun-h$i; addr=10.200.0.$((i + 1)); name=$([ "$i" = 1 ] && echo b || echo c)
  namespace_host "$ns" "veth-dch$i" br-dcrun "$addr/24"
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
wait_for_sshd 127.0.0.1 "$(cat "$D/port")"
wait_for_sshd 10.200.0.2 22
wait_for_sshd 10.200.0.3 22
echo "ssh test bed: 127.0.0.1:$(cat "$D/port"), 10.200.0.2:22 (dcrun-h1), 10.200.0.3:22 (dcrun-h2)"
