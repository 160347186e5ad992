package dev.safespawn.strategies.vthreads;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Virtual threads for tests compiled with {@code --release 17}: the JDK 21 API
 * is reached through method handles, so this class compiles on 17 and works
 * on 21 and later.
 */
final class VirtualThreads {
    private VirtualThreads() {
    }

    static final String JDK21_PROPERTY = "safespawn.test.jdk21";

    /**
     * For a {@code @BeforeAll}: fails on a JDK older than 21, unless nobody
     * asked for these tests (no {@value #JDK21_PROPERTY}, not in CI): a
     * developer without JDK 21 may still build. Outside the surefire
     * executions made for them (a {@code -Dtest=} run reaches every
     * execution) they skip: with several carriers they would prove nothing.
     */
    static void requireOneCarrier() {
        if (!"1".equals(System.getProperty("jdk.virtualThreadScheduler.parallelism"))) {
            skip("runs only in the surefire executions virtual-threads*, with one carrier thread");
        }
        if (Runtime.version().feature() >= 21) {
            return;
        }
        String why = "virtual threads need JDK 21 or later, and this test JVM is " + Runtime.version()
                + "; set -D" + JDK21_PROPERTY + "=/path/to/jdk-21-or-later/bin/java";
        if (System.getProperty(JDK21_PROPERTY, "").isBlank() && !"true".equals(System.getenv("CI"))) {
            skip(why);
        }
        Assertions.fail(why);
    }

    private static void skip(String why) {
        System.out.println("SKIPPED virtual-thread tests: " + why);
        Assumptions.abort(why);
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}: one new virtual thread per task. */
    static ExecutorService perTaskExecutor() {
        try {
            MethodHandle h = MethodHandles.publicLookup().findStatic(java.util.concurrent.Executors.class,
                    "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class));
            return (ExecutorService) h.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("no virtual threads in JDK " + Runtime.version(), e);
        }
    }

    /** Interrupts the executor's tasks and fails unless they end within {@code seconds}. */
    static void shutDown(ExecutorService executor, long seconds) {
        executor.shutdownNow();
        try {
            Assertions.assertTrue(executor.awaitTermination(seconds, TimeUnit.SECONDS), "tasks ended");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Assertions.fail("interrupted while the tasks ended", e);
        }
    }

    /** {@code Thread.isVirtual()} of the current thread. */
    static boolean current() {
        try {
            MethodHandle h = MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
            return (boolean) h.invokeExact(Thread.currentThread());
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
