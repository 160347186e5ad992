package dev.safespawn.benchmarks;

import java.util.List;

/**
 * How long each part runs. {@link #FULL} is sized to finish in about 22
 * minutes on a 2-core machine with every part included; {@link #QUICK}
 * only proves the plumbing and its numbers mean nothing.
 *
 * @param name shown in the report
 * @param forks JMH forks per launcher (and heap size) for the latency benchmarks: a fresh JVM each,
 *        so one unlucky JIT or placement does not decide the result
 * @param warmupIterations JMH warm-up iterations for the latency benchmarks
 * @param warmupSeconds length of each of them
 * @param iterations JMH measured iterations for the latency benchmarks
 * @param iterationSeconds length of each of them
 * @param heapsMiB touched heap sizes for the spawn benchmark (0: no ballast, default JVM heap)
 * @param floorWarmup C floor warm-up spawns
 * @param floorIterations C floor timed spawns per run (there are two runs per launcher, and two at the end)
 * @param stdoutBytes bytes the child writes in the stdout benchmark
 * @param stdoutIterations measured children per launcher and fork in the stdout benchmark
 * @param subprocessSeconds length of each Subprocess.call iteration (one JVM start is ~0.1–0.5 s)
 * @param children children at once in the concurrent scenario
 * @param concurrentRounds measured rounds of it per launcher
 * @param failureSeconds measured seconds of the failure scenario per launcher
 */
record Profile(String name, int forks, int warmupIterations, double warmupSeconds, int iterations, double iterationSeconds,
               List<Integer> heapsMiB, int floorWarmup, int floorIterations, long stdoutBytes, int stdoutIterations,
               double subprocessSeconds, int children, int concurrentRounds, double failureSeconds) {

    static final Profile FULL = new Profile("full", 2, 2, 1, 5, 2, List.of(0, 64, 4096), 300, 3_000,
            1L << 30, 8, 4, 1000, 3, 5);

    static final Profile QUICK = new Profile("quick", 1, 1, 0.2, 1, 0.5, List.of(0, 64, 512), 20, 200,
            64L << 20, 1, 1, 100, 1, 0.5);

    boolean quick() {
        return this == QUICK;
    }
}
