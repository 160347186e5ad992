"""Python's side of PoolColdStart: one round of one part per run.

PoolColdStart runs this script once per round, between its Java samples, so
both languages share the moment. Only what is timed inside the script counts:
the interpreter's own start does not. Prints "@result key=v1,v2,..." lines,
each value one sample in nanoseconds, that PoolColdStart reads.

  start N      multiprocessing.Process(target=noop) start() + join(), N times
               per start method (fork, forkserver, spawn), after one untimed
               start + join per method (for forkserver this also starts the
               fork server, once per run, so its own start is not timed)
  first N      ProcessPoolExecutor(4) created, 4 trivial tasks submitted, until
               the first result: N times per start method (fork, the default
               on Linux up to 3.13, and forkserver), after one untimed pool
               per method; each executor is shut down outside the timed part
  map E:C ...  one warm ProcessPoolExecutor(2) (default start method), then
               sum(pool.map(inc, range(E), chunksize=C)) once per pair, timed
               from the map call to the last result, the sum checked

Usage: python3 pool_cold_start.py start N | first N | map E:C [E:C ...]
"""

import concurrent.futures
import multiprocessing
import sys
import time

START_METHODS = ("fork", "forkserver", "spawn")
POOL_METHODS = ("fork", "forkserver")
POOL_WORKERS = 4
MAP_WORKERS = 2


def trivial():
    """The task: nothing to compute, as PoolBenchmark.TRIVIAL in Java."""
    return 42


def noop():
    """A process body that does nothing."""


def inc(x):
    """The map function, as PoolColdStart.INC in Java."""
    return x + 1


def emit(key, samples):
    print(f"@result {key}={','.join(str(s) for s in samples)}", flush=True)


def start_and_join(context):
    p = context.Process(target=noop)
    p.start()
    p.join()
    if p.exitcode != 0:
        raise RuntimeError(f"{context.get_start_method()} child exited {p.exitcode}")


def process_start(n):
    for method in START_METHODS:
        context = multiprocessing.get_context(method)
        start_and_join(context)  # untimed: imports, and the fork server's start
        samples = []
        for _ in range(n):
            t = time.perf_counter_ns()
            start_and_join(context)
            samples.append(time.perf_counter_ns() - t)
        emit("start." + method, samples)


def first_result(context):
    """Nanoseconds from creating a pool of 4 to its first result; the shutdown is not timed."""
    t = time.perf_counter_ns()
    pool = concurrent.futures.ProcessPoolExecutor(POOL_WORKERS, mp_context=context)
    try:
        futures = [pool.submit(trivial) for _ in range(POOL_WORKERS)]
        first = next(concurrent.futures.as_completed(futures))
        answer = first.result()
        elapsed = time.perf_counter_ns() - t
    finally:
        pool.shutdown(wait=True)
    if answer != 42:
        raise RuntimeError(f"a task returned {answer}")
    return elapsed


def pool_first_result(n):
    print(f"@result default_method={multiprocessing.get_start_method()}")
    for method in POOL_METHODS:
        context = multiprocessing.get_context(method)
        first_result(context)  # untimed: imports, and the fork server's start
        emit("first." + method, [first_result(context) for _ in range(n)])


def map_throughput(pairs):
    with concurrent.futures.ProcessPoolExecutor(MAP_WORKERS) as pool:
        print(f"@result map_method={multiprocessing.get_start_method()}")
        for _, chunk in pairs:  # untimed: both workers up and warm
            sum(pool.map(inc, range(20 * chunk * MAP_WORKERS), chunksize=chunk))
        for elements, chunk in pairs:
            t = time.perf_counter_ns()
            total = sum(pool.map(inc, range(elements), chunksize=chunk))
            elapsed = time.perf_counter_ns() - t
            if total != elements * (elements + 1) // 2:
                raise RuntimeError(f"map of {elements} summed to {total}")
            emit(f"map.{elements}.{chunk}", [elapsed])


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    print(f"@result python={sys.version.split()[0]}")
    if mode == "start":
        process_start(int(args[0]))
    elif mode == "first":
        pool_first_result(int(args[0]))
    elif mode == "map":
        map_throughput([tuple(int(v) for v in a.split(":")) for a in args])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
