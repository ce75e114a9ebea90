#!/usr/bin/env bash
# Installs the Debian 12 packages dcrun needs, only when some are missing (idempotent).
set -euo pipefail
packages=(
  g++ libtsan2 cmake make pkg-config
  libboost-dev libboost-filesystem-dev libcli11-dev libyaml-cpp-dev libtoml11-dev
  libgtest-dev libgmock-dev libcereal-dev rapidjson-dev libssh-dev libeigen3-dev chromium
  python3
  # Test beds the manager tests start and stop themselves: sshd (and network namespaces to play
  # a second host), a two-node Slurm with munge, and Slurm's Torque-compatible qsub/qstat/qdel.
  openssh-server openssh-client iproute2 slurm-wlm munge slurm-wlm-torque
)
# The benchmarks also measure Python peers (multiprocessing, Dask) with Debian's python3.
[ "${1:-}" = "bench" ] && packages+=(python3-distributed)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
