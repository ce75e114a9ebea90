#!/usr/bin/env python3
"""Peer benchmark: Python multiprocessing with 2 worker processes.

Prints `name<TAB>value<TAB>unit` lines on stdout; diagnostics go to stderr.
Run with Debian's interpreter: /usr/bin/python3 bench/peers/mp_bench.py
"""
import sys
import time

try:
    import multiprocessing as mp
    import random
except ImportError as e:  # pragma: no cover
    print(f"mp_bench: skipped, missing module: {e}", file=sys.stderr)
    sys.exit(0)

WORKERS = 2
FLIPS = 20_000_000
REPS = 3


def noop(x):
    return x


def count_heads(args):
    """Returns (heads, seconds spent in the loop)."""
    n, seed = args
    random.seed(seed)  # forked workers would otherwise share the parent's state
    bits = random.getrandbits
    heads = 0
    t0 = time.perf_counter()
    for _ in range(n):
        heads += bits(1)
    return heads, time.perf_counter() - t0


def echo_loop(q_in, q_out):
    while True:
        x = q_in.get()
        if x is None:
            return
        q_out.put(x)


def drain(q, n, done):
    total = 0
    for _ in range(n):
        total += q.get()
    done.put(total)


def report(name, value, unit, digits):
    print(f"{name}\t{value:.{digits}f}\t{unit}", flush=True)


def log(msg):
    print(f"mp_bench: {msg}", file=sys.stderr, flush=True)


def bench_pool():
    with mp.Pool(WORKERS) as pool:
        pool.map(noop, range(10_000))  # warm-up: workers up, pipes primed

        # Default chunksize; size N so the timed run takes roughly 5 s at most.
        t0 = time.perf_counter()
        pool.map(noop, range(200_000))
        probe_rate = 200_000 / (time.perf_counter() - t0)
        n = int(min(2_000_000, max(200_000, probe_rate * 5)))
        t0 = time.perf_counter()
        out = pool.map(noop, range(n))
        dt = time.perf_counter() - t0
        assert len(out) == n
        log(f"pmap default chunks: N={n} in {dt:.3f} s")
        report("mp_pmap_default_chunks", n / dt, "items/s", 0)

        n = 50_000
        pool.map(noop, range(1_000), chunksize=1)
        t0 = time.perf_counter()
        out = pool.map(noop, range(n), chunksize=1)
        dt = time.perf_counter() - t0
        assert len(out) == n
        log(f"pmap chunksize=1: N={n} in {dt:.3f} s")
        report("mp_pmap_chunksize1", n / dt, "items/s", 0)

        # Count heads: serial in this process vs two halves on the pool.
        # Best of REPS for each, to damp noise from other load on the machine.
        half = FLIPS // 2
        t_serial = t_par = float("inf")
        for rep in range(REPS):
            t0 = time.perf_counter()
            heads_serial, _ = count_heads((FLIPS, 1))
            t_serial = min(t_serial, time.perf_counter() - t0)
            t0 = time.perf_counter()
            parts = pool.map(count_heads, [(half, 2), (FLIPS - half, 3)], chunksize=1)
            t_par = min(t_par, time.perf_counter() - t0)
            heads_par = sum(h for h, _ in parts)
            log(f"count heads rep {rep}: serial {heads_serial}/{FLIPS}, "
                f"parallel {heads_par}/{FLIPS}, worker loop times "
                f"{', '.join(f'{t:.3f} s' for _, t in parts)}")
        report("mp_count_heads_serial_s", t_serial, "s", 3)
        report("mp_count_heads_parallel_s", t_par, "s", 3)
        report("mp_count_heads_speedup", t_serial / t_par, "x", 2)


def bench_queue_roundtrip():
    q_in, q_out = mp.Queue(), mp.Queue()
    p = mp.Process(target=echo_loop, args=(q_in, q_out))
    p.start()
    try:
        for i in range(2_000):  # warm-up
            q_in.put(i)
            q_out.get()
        n = 20_000
        t0 = time.perf_counter()
        for i in range(n):
            q_in.put(i)
            q_out.get()
        dt = time.perf_counter() - t0
        report("mp_queue_roundtrip", dt / n * 1e6, "us", 1)
    finally:
        q_in.put(None)
        p.join(10)
        if p.is_alive():
            p.terminate()
            p.join()


def bench_queue_throughput():
    n = 200_000
    q, done = mp.Queue(), mp.Queue()
    p = mp.Process(target=drain, args=(q, n, done))
    p.start()
    try:
        # Give the consumer time to start; the timed window runs from the first
        # put until the consumer reports it has taken all n items.
        time.sleep(0.2)
        t0 = time.perf_counter()
        for i in range(n):
            q.put(1)
        total = done.get()
        dt = time.perf_counter() - t0
        assert total == n
        report("mp_queue_throughput", n / dt, "items/s", 0)
    finally:
        p.join(10)
        if p.is_alive():
            p.terminate()
            p.join()


def main():
    log(f"python {sys.version.split()[0]}, start method {mp.get_start_method()}")
    bench_pool()  # Pool(2): two worker processes
    # The queue benchmarks run after the pool is closed, with one child
    # process each (the main process is the other end), so at most 2
    # worker processes exist at any time.
    bench_queue_roundtrip()
    bench_queue_throughput()


if __name__ == "__main__":
    main()
