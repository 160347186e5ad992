package dev.safespawn.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Warm-up until the JIT compiler has settled, for the comparison tools that
 * measure in rounds: unmeasured rounds run until one adds at most
 * {@link #QUIET_MILLIS} of compilation time (at least {@link #MIN_ROUNDS},
 * at most {@link #MAX_ROUNDS}). A compiler still at work takes a vCPU from
 * the two that a spawn's parent and child share, and makes Java's sides look
 * slower than their steady state: FINDINGS.md found C2 still compiling 70 us
 * per spawn after 10,000 spawns.
 */
final class JitWarmup {
    /** Compilation time a round may add and still count as settled. */
    static final long QUIET_MILLIS = 5;
    static final int MIN_ROUNDS = 2;
    static final int MAX_ROUNDS = 40;

    private JitWarmup() {
    }

    /** One unmeasured round of every side. */
    interface Round {
        void run() throws Exception;
    }

    /**
     * Runs rounds until the compiler has settled, and says how it went.
     *
     * @return the rounds run
     * @throws Exception if a round fails
     */
    static int run(Round round) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long added = -1;
        int r = 0;
        while (r < MIN_ROUNDS || r < MAX_ROUNDS && added > QUIET_MILLIS) {
            long before = jit.getTotalCompilationTime();
            round.run();
            added = jit.getTotalCompilationTime() - before;
            r++;
        }
        System.out.printf("warm-up: %d rounds, the last added %d ms of JIT compilation%s%n", r, added,
                added > QUIET_MILLIS ? " (not settled)" : "");
        return r;
    }
}
