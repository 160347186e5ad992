package dev.safespawn.benchmarks;

import java.io.File;
import java.lang.management.ManagementFactory;

/**
 * Scenario 6, run by the harness in a fresh JVM per launcher: start a program
 * that does not exist, as fast as possible, for a fixed time; count the
 * failures per second and the parent's open descriptors before and after.
 *
 * <p>The program is an absolute path, so every launcher has to try the exec
 * (a bare name would let safespawn fail in its PATH look-up without a child).
 * Descriptors are counted right after the loop and again after a GC and a
 * pause: a descriptor that only a GC closes is a leak that is merely deferred,
 * and the two numbers tell the cases apart.
 *
 * <p>Arguments: launcher id, warm-up seconds, measured seconds.
 */
public final class FailureScenario {
    static final String MISSING = "/nonexistent/safespawn-benchmark-missing";
    /**
     * NuProcess logs every failed start as a WARNING with a stack trace; that
     * would flood the console and time the logging, so its logger is silenced
     * (held here: the logging framework keeps loggers only weakly).
     */
    private static final java.util.logging.Logger NUPROCESS_LOG =
            java.util.logging.Logger.getLogger("com.zaxxer.nuprocess");

    private FailureScenario() {
    }

    public static void main(String[] args) throws Exception {
        LauncherKind kind = LauncherKind.byId(args[0]);
        NUPROCESS_LOG.setLevel(java.util.logging.Level.OFF);
        double warmupSeconds = Double.parseDouble(args[1]);
        double seconds = Double.parseDouble(args[2]);
        try (Launcher launcher = kind.open()) {
            failFor(launcher, warmupSeconds);
            ResultLines.emit(System.out, "outcome", outcome(launcher));
            int fdsBefore = openFds();
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            long start = System.nanoTime();
            long failures = failFor(launcher, seconds);
            double elapsed = (System.nanoTime() - start) / 1e9;
            int fdsAfter = openFds();
            int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
            System.gc();
            Thread.sleep(500); // lets cleaners and reapers run
            int fdsAfterGc = openFds();
            System.out.printf("%s: %d failures in %.2f s, fds %d -> %d (%d after GC)%n",
                    kind.id(), failures, elapsed, fdsBefore, fdsAfter, fdsAfterGc);
            ResultLines.emit(System.out, "failures", failures);
            ResultLines.emit(System.out, "seconds", elapsed);
            ResultLines.emit(System.out, "fdsBefore", fdsBefore);
            ResultLines.emit(System.out, "fdsAfter", fdsAfter);
            ResultLines.emit(System.out, "fdsAfterGc", fdsAfterGc);
            ResultLines.emit(System.out, "threadsBefore", threadsBefore);
            ResultLines.emit(System.out, "threadsAfter", threadsAfter);
        }
    }

    /** Fails to start {@link #MISSING} again and again for {@code seconds}; returns how often. */
    private static long failFor(Launcher launcher, double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long failures = 0;
        while (System.nanoTime() < deadline) {
            try {
                int code = launcher.run(MISSING);
                // A launcher may report the failure as an exit code (a child that could not exec).
                if (code == 0) {
                    throw new IllegalStateException(MISSING + " ran and exited 0");
                }
            } catch (IllegalStateException e) {
                throw e;
            } catch (Exception expected) {
                // the normal outcome: counted below either way
            }
            failures++;
        }
        return failures;
    }

    /** How the launcher reports the failure: an exception (type and message) or an exit code. */
    private static String outcome(Launcher launcher) {
        try {
            return "exit code " + launcher.run(MISSING);
        } catch (Exception e) {
            String message = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
            String shown = message.length() > 120 ? message.substring(0, 120) + "…" : message;
            return e.getClass().getSimpleName() + ": " + shown;
        }
    }

    /** Open descriptors of this process; the listing's own descriptor is counted every time alike. */
    static int openFds() {
        String[] names = new File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }
}
