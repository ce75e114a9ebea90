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
    ctest --test-dir build -j2 --output-on-failure --timeout 300 -LE scale
    # At scale (label scale): 2000 local workers, 512 on Slurm, a 256-element PBS array, 128 over
    # ssh to 16 hosts. Each fills the machine, so they run one at a time, after the others (their
    # Slurm and ssh beds are their own and never overlap the small ones).
    ctest --test-dir build --output-on-failure --timeout 600 -L scale
    # The tests where several threads use dc at once, again under ThreadSanitizer: a data race
    # in the master or a worker fails them.
    cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDC_SANITIZE=thread \
      -DDC_BUILD_EXAMPLES=OFF -DDC_BUILD_BENCH=OFF >/dev/null
    cmake --build build-tsan -j"$(nproc)" --target dc_integration_tests
    TSAN_OPTIONS="halt_on_error=1" ctest --test-dir build-tsan -j2 --output-on-failure \
      --timeout 300 -R "threads_|pool|local_threads"
    ;;
  bench)
    bash bench/run.sh build
    ;;
  *)
    echo "usage: scripts/run.sh demo|test|bench" >&2
    exit 2
    ;;
esac
