# Pieces the test bed scripts share (sourced, not run).

# True if the PID recorded in file $1 is alive.
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stops the processes whose PIDs the files name: TERM to all first, then waits for all (up to
# 15 s), then KILL. The files are removed.
stop_pids() {
  local pids=() f pid left
  for f in "$@"; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
    rm -f "$f"
  done
  for _ in $(seq 150); do
    left=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
    [ "$left" = 0 ] && return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  return 0
}

# Bridge $1 with this host's address $2 (CIDR), up.
bridge_up() {
  ip link show "$1" >/dev/null 2>&1 && return 0
  ip link add "$1" type bridge
  ip addr add "$2" dev "$1"
  ip link set "$1" up
}

# Network namespace $1 as a host at address $4 (CIDR), joined to bridge $3 by veth pair $2.
namespace_host() {
  local ns=$1 veth=$2 bridge=$3 addr=$4
  ip netns exec "$ns" true 2>/dev/null && return 0
  ip link del "$veth" 2>/dev/null || true
  ip netns add "$ns"
  ip link add "$veth" type veth peer name "$veth-ns"
  ip link set "$veth" master "$bridge"
  ip link set "$veth" up
  ip link set "$veth-ns" netns "$ns"
  ip netns exec "$ns" ip addr add "$addr" dev "$veth-ns"
  ip netns exec "$ns" ip link set "$veth-ns" up
  ip netns exec "$ns" ip link set lo up
}

# A key-only sshd configuration in file $1 listening on $2 port $3, with the keys of DIR $4.
write_sshd_config() {
  cat > "$1" <<CONF
Port $3
ListenAddress $2
HostKey $4/host_ed25519_key
PidFile none
AuthorizedKeysFile $4/authorized_keys
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

# Waits (up to 10 s) until an sshd answers with its banner at address $1 port $2.
wait_for_sshd() {
  for _ in $(seq 100); do
    timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2; head -c 4 <&3" 2>/dev/null | grep -q SSH && return 0
    sleep 0.1
  done
  echo "test bed: no sshd answers at $1:$2" >&2
  return 1
}
