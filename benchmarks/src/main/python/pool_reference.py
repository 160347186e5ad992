"""External references for safespawn's ProcessPool and Subprocess.call.

Run by the benchmark harness (it is packaged in the benchmark jar); prints
"@result key=value" lines, in nanoseconds, that the harness reads:

  ppe.*          concurrent.futures.ProcessPoolExecutor(max_workers=1): submit
                 a trivial function to the warm worker and wait for its result
  mp_<method>.*  multiprocessing Process(target=noop) start() + join() with the
                 start method <method> (forkserver, spawn, fork)

With --serve it is instead one side of the harness's "targets" part, kept
warm across rounds: it starts ProcessPoolExecutor(max_workers=1) and
ProcessPoolExecutor(4), warms both, prints "ready", then answers each line
on stdin with one line on stdout:

  rt N       the median, in ns, of N round trips of a trivial task through
             the one-worker executor
  map E C    the ns of sum(executor.map(inc, range(E), chunksize=C)) through
             the four-worker executor, timed from the call to the last
             result, the sum checked

and exits at end of input.

Usage: python3 pool_reference.py [--quick] | --serve
"""

import concurrent.futures
import multiprocessing
import sys
import time


def trivial():
    """The task: nothing to compute, as in the Java benchmark."""
    return 42


def noop():
    """A process body that does nothing."""


def inc(x):
    """The map function, as PoolColdStart.INC in Java."""
    return x + 1


def percentile(sorted_samples, p):
    """Nearest-rank percentile, as the C floor computes it."""
    rank = max(1, min(len(sorted_samples), int(-(-p * len(sorted_samples) // 100))))
    return sorted_samples[rank - 1]


def report(prefix, samples):
    samples = sorted(samples)
    print(f"@result {prefix}.iterations={len(samples)}")
    print(f"@result {prefix}.mean={sum(samples) / len(samples):.0f}")
    for p in (10, 50, 90):
        print(f"@result {prefix}.p{p}={percentile(samples, p)}")
    print(f"{prefix}: median {percentile(samples, 50) / 1000:.1f} us over {len(samples)}", flush=True)


def time_each(action, warmup, iterations):
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter_ns()
        action()
        samples.append(time.perf_counter_ns() - start)
    return samples


def pool_round_trip(warmup, iterations):
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        print(f"@result ppe.start_method={multiprocessing.get_start_method()}")
        return time_each(lambda: pool.submit(trivial).result(), warmup, iterations)


def process_start(method, warmup, iterations):
    context = multiprocessing.get_context(method)

    def start_and_join():
        p = context.Process(target=noop)
        p.start()
        p.join()
        if p.exitcode != 0:
            raise RuntimeError(f"{method} child exited {p.exitcode}")

    return time_each(start_and_join, warmup, iterations)


def serve():
    """Answer the harness's requests on stdin until it closes it; see the module comment."""
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as one, \
            concurrent.futures.ProcessPoolExecutor(max_workers=4) as four:
        for _ in range(200):  # the worker started, imports done, the loop warm
            one.submit(trivial).result()
        sum(four.map(inc, range(40000), chunksize=1000))  # all four workers started
        print("ready", flush=True)
        for line in sys.stdin:
            words = line.split()
            if words[0] == "rt":
                samples = sorted(time_each(lambda: one.submit(trivial).result(), 0, int(words[1])))
                print(percentile(samples, 50), flush=True)
            elif words[0] == "map":
                elements, chunk = int(words[1]), int(words[2])
                start = time.perf_counter_ns()
                total = sum(four.map(inc, range(elements), chunksize=chunk))
                nanos = time.perf_counter_ns() - start
                if total != elements * (elements + 1) // 2:
                    raise RuntimeError(f"map of {elements} summed to {total}")
                print(nanos, flush=True)
            else:
                raise ValueError(f"unknown request {line!r}")


def main():
    if "--serve" in sys.argv[1:]:
        serve()
        return
    quick = "--quick" in sys.argv[1:]
    print(f"@result python={sys.version.split()[0]}")
    report("ppe", pool_round_trip(20 if quick else 500, 200 if quick else 5000))
    counts = {"forkserver": (2, 10 if quick else 100), "spawn": (1, 3 if quick else 30),
              "fork": (2, 10 if quick else 100)}
    for method, (warmup, iterations) in counts.items():
        report("mp_" + method, process_start(method, warmup, iterations))


if __name__ == "__main__":
    main()
