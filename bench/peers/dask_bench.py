#!/usr/bin/env python3
"""Peer benchmark: dask.distributed LocalCluster with 2 worker processes.

Prints `name<TAB>value<TAB>unit` lines on stdout; diagnostics go to stderr.
Run with Debian's interpreter (package python3-distributed):
    /usr/bin/python3 bench/peers/dask_bench.py
"""
import logging
import sys
import time
import warnings

try:
    from distributed import Client, LocalCluster
except ImportError as e:
    print(f"dask_bench: skipped, missing module: {e}", file=sys.stderr)
    sys.exit(0)


def noop(x):
    return x


def report(name, value, unit, digits):
    print(f"{name}\t{value:.{digits}f}\t{unit}", flush=True)


def log(msg):
    print(f"dask_bench: {msg}", file=sys.stderr, flush=True)


def quiet_logging():
    # Dask logs to stderr already; keep only errors so the output stays readable.
    for name in ("distributed", "dask", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")


def main():
    quiet_logging()
    import distributed
    log(f"distributed {distributed.__version__}, python {sys.version.split()[0]}")
    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        log(f"cluster up in {time.perf_counter() - t0:.2f} s: "
            f"{len(client.scheduler_info()['workers'])} workers")

        # Warm-up: ship the function, open connections on both workers.
        client.gather(client.map(noop, range(200), pure=False))
        for i in range(50):
            client.submit(noop, i, pure=False).result()

        n = 5_000
        t0 = time.perf_counter()
        out = client.gather(client.map(noop, range(n), pure=False))
        dt = time.perf_counter() - t0
        assert out == list(range(n))
        log(f"map: N={n} in {dt:.3f} s")
        report("dask_map_tasks", n / dt, "tasks/s", 0)

        n = 500
        t0 = time.perf_counter()
        for i in range(n):
            assert client.submit(noop, i, pure=False).result() == i
        dt = time.perf_counter() - t0
        log(f"submit+result: {n} in {dt:.3f} s")
        report("dask_submit_roundtrip", dt / n * 1e6, "us", 1)
    # Leaving the with-blocks closes the client, then the cluster (scheduler,
    # the in-process nannies and both worker processes). The worker processes
    # were started with multiprocessing's spawn method, which also started a
    # resource-tracker process; stop and reap it here rather than leave it to
    # exit after us, since it would be orphaned.
    try:
        from multiprocessing import resource_tracker
        stop = getattr(resource_tracker._resource_tracker, "_stop", None)
        if stop is not None:
            stop()
    except Exception as e:  # diagnostics only
        log(f"could not stop the resource tracker: {e}")


if __name__ == "__main__":
    main()
