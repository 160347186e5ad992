"""External references for safespawn's ProcessPool and Subprocess.call.

Run by the benchmark harness (it is packaged in the benchmark jar); prints
"@result key=value" lines, in nanoseconds, that the harness reads:

  ppe.*          concurrent.futures.ProcessPoolExecutor(max_workers=1): submit
                 a trivial function to the warm worker and wait for its result
  mp_<method>.*  multiprocessing Process(target=noop) start() + join() with the
                 start method <method> (forkserver, spawn, fork)

Usage: python3 pool_reference.py [--quick]
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


def main():
    quick = "--quick" in sys.argv[1:]
    print(f"@result python={sys.version.split()[0]}")
    report("ppe", pool_round_trip(20 if quick else 500, 200 if quick else 5000))
    counts = {"forkserver": (2, 10 if quick else 100), "spawn": (1, 3 if quick else 30),
              "fork": (2, 10 if quick else 100)}
    for method, (warmup, iterations) in counts.items():
        report("mp_" + method, process_start(method, warmup, iterations))


if __name__ == "__main__":
    main()
