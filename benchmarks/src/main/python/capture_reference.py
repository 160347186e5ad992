"""Python's side of the harness's run-and-capture comparison.

Started by the "targets" part (it is packaged in the benchmark jar), kept warm
across rounds: it prints "ready", then answers each line on stdin with one
line on stdout and exits at end of input:

  N PROGRAM [ARG...]   the median, in ns, of N calls of
                       subprocess.run([PROGRAM, ARG...], capture_output=True),
                       each checked to exit 0 with some output

Usage: python3 capture_reference.py --serve
"""

import subprocess
import sys
import time


def median_of_runs(n, argv):
    samples = []
    for _ in range(n):
        start = time.perf_counter_ns()
        done = subprocess.run(argv, capture_output=True)
        samples.append(time.perf_counter_ns() - start)
        if done.returncode != 0 or not done.stdout:
            raise RuntimeError(f"{argv} exited {done.returncode} with {done.stdout!r}")
    samples.sort()
    return samples[(len(samples) - 1) // 2]


def main():
    if sys.argv[1:] != ["--serve"]:
        sys.exit(__doc__)
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        print(median_of_runs(int(words[0]), words[1:]), flush=True)


if __name__ == "__main__":
    main()
