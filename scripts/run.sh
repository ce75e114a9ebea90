#!/usr/bin/env bash
# One entry point: install what is missing, build, then run the demo, the tests or the benchmarks.
#   bash scripts/run.sh demo | test | bench
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-demo}
bash scripts/install-deps.sh "$what"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
case "$what" in
  demo)
    echo "== dcrun -p 4 build/examples/spawnat_fetchfrom"
    build/cli/dcrun -p 4 build/examples/spawnat_fetchfrom
    echo "== dcrun -p 4 build/examples/data_movement"
    build/cli/dcrun -p 4 build/examples/data_movement
    ;;
  test)
    ctest --test-dir build -j2 --output-on-failure --timeout 300
    ;;
  bench)
    bash bench/run.sh build
    ;;
  *)
    echo "usage: scripts/run.sh demo|test|bench" >&2
    exit 2
    ;;
esac
