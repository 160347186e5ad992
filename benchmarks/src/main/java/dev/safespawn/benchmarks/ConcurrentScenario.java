package dev.safespawn.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scenario 3, run by the harness in a fresh JVM per launcher: N children at
 * once, each {@code cat} blocked on its stdin, so the work is the same for
 * every launcher and does not depend on timers (a {@code sleep 1} child would
 * make the result depend on how long starting took). A round starts all N,
 * then closes every stdin and reaps every child.
 *
 * <p>Reported per round: wall time to start all, wall time to close and reap
 * all, the peak of live threads (the JDK's count) against the count when this
 * JVM started (before any launcher existed, so threads a launcher keeps count
 * as its own), the peak of safespawn's own threads, the kinds of thread added
 * at the peak, and the heap the live children hold (after a GC, taken between
 * the two timed phases and not counted in either).
 *
 * <p>Arguments: launcher id, children, measured rounds, warm-up children.
 */
public final class ConcurrentScenario {
    static final String CHILD = "/bin/cat";

    private ConcurrentScenario() {
    }

    public static void main(String[] args) throws Exception {
        LauncherKind kind = LauncherKind.byId(args[0]);
        int children = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        try (ThreadSampler sampler = new ThreadSampler()) {
            int atStart = threads.getThreadCount();
            try (Launcher launcher = kind.open()) {
                measure(kind, launcher, sampler, atStart, children, rounds, warmup);
            }
        }
    }

    private static void measure(LauncherKind kind, Launcher launcher, ThreadSampler sampler, int atStart, int children,
                                int rounds, int warmup) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        round(launcher, warmup); // class loading, JIT, the library's lazily started threads
        long[] startMs = new long[rounds];
        long[] reapMs = new long[rounds];
        int peakThreads = 0;
        int peakLibrary = 0;
        String libraryNames = "none";
        long heapRetained = 0;
        String kinds = "";
        for (int r = 0; r < rounds; r++) {
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            threads.resetPeakThreadCount();
            sampler.reset();

            long t0 = System.nanoTime();
            List<Launcher.Running> live = new ArrayList<>(children);
            for (int i = 0; i < children; i++) {
                live.add(launcher.start(CHILD));
            }
            long t1 = System.nanoTime();
            sampler.sample();
            System.gc(); // not timed: what the live children hold, not what starting them allocated
            long held = memory.getHeapMemoryUsage().getUsed() - heapBefore;
            long t2 = System.nanoTime();
            for (Launcher.Running child : live) {
                child.closeStdin();
            }
            for (Launcher.Running child : live) {
                int code = child.waitFor();
                if (code != 0) {
                    throw new IllegalStateException(CHILD + " exited " + code + " under " + kind.id());
                }
            }
            long t3 = System.nanoTime();
            sampler.sample();

            startMs[r] = (t1 - t0) / 1_000_000;
            reapMs[r] = (t3 - t2) / 1_000_000;
            if (threads.getPeakThreadCount() >= peakThreads) {
                peakThreads = threads.getPeakThreadCount();
                kinds = sampler.kindsAtPeak();
            }
            if (sampler.peakLibrary() >= peakLibrary) {
                peakLibrary = sampler.peakLibrary();
                libraryNames = sampler.libraryAtPeak();
            }
            heapRetained = Math.max(heapRetained, held);
            System.out.printf("%s round %d: start %d ms, close+reap %d ms, peak %d threads (%d safespawn-*), "
                            + "%d KiB held%n",
                    kind.id(), r + 1, startMs[r], reapMs[r], threads.getPeakThreadCount(),
                    sampler.peakLibrary(), held / 1024);
        }
        ResultLines.emit(System.out, "children", children);
        ResultLines.emit(System.out, "rounds", rounds);
        ResultLines.emit(System.out, "startMs", join(startMs));
        ResultLines.emit(System.out, "reapMs", join(reapMs));
        ResultLines.emit(System.out, "threadsPeak", peakThreads);
        ResultLines.emit(System.out, "threadsBefore", atStart);
        ResultLines.emit(System.out, "libraryThreadsPeak", peakLibrary);
        ResultLines.emit(System.out, "libraryThreadNames", libraryNames);
        ResultLines.emit(System.out, "heapHeldBytes", heapRetained);
        ResultLines.emit(System.out, "threadKindsAtPeak", kinds);
    }

    private static void round(Launcher launcher, int children) throws Exception {
        List<Launcher.Running> live = new ArrayList<>(children);
        for (int i = 0; i < children; i++) {
            live.add(launcher.start(CHILD));
        }
        for (Launcher.Running child : live) {
            child.closeStdin();
        }
        for (Launcher.Running child : live) {
            child.waitFor();
        }
    }

    private static String join(long[] values) {
        return String.join(",", Arrays.stream(values).mapToObj(Long::toString).toList());
    }
}
