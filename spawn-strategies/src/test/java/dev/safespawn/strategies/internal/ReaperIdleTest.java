package dev.safespawn.strategies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Spawner;
import org.junit.jupiter.api.Test;

/**
 * The event loop's thread ({@code safespawn-reaper}) leaves once idle even
 * when the last child was reaped by a {@code waitFor} caller, not by the
 * loop: it used to keep waiting, with no timeout, for that child's event.
 * Needs pidfds (without them no loop thread watches children); this test
 * class must be the only user of the loop while it runs, as in its own
 * run or with the other tests' spawners closed.
 */
class ReaperIdleTest {
    /** Far above the loop's five idle seconds; reached only when the thread never leaves. */
    private static final long JOIN_BOUND_MILLIS = 30_000;

    @Test
    void theLoopThreadLeavesAfterAWaitForCallerReapedTheLastChild() throws Exception {
        if (!NativeSupport.hasPidfd()) {
            String why = "no pidfds here (or switched off): no loop thread watches children";
            System.out.println("ReaperIdleTest skipped: " + why);
            org.junit.jupiter.api.Assumptions.abort(why);
        }
        try (Spawner spawner = Spawner.of("posix_spawn")) {
            ChildProcess child = spawner.spawn(Command.builder("/bin/sh", "-c", "read x; exit 0").build());
            Thread loop = loopThread();
            assertThat(loop).as("the loop thread, started by the spawn (pidfds needed)").isNotNull();
            // The child must exit while this thread waits for it (the loop not
            // watching it then), not before: its stdin closes once this thread
            // is seen polling the pidfd.
            Thread waiter = Thread.currentThread();
            Thread closer = new Thread(() -> {
                while (!pollsThePidfd(waiter)) {
                    Thread.onSpinWait();
                }
                try {
                    child.getOutputStream().close();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "closer");
            closer.setDaemon(true);
            closer.start();
            assertThat(child.waitFor()).isZero();
            closer.join();
            child.getInputStream().close();
            child.getErrorStream().close();

            loop.join(JOIN_BOUND_MILLIS);
            assertThat(loop.isAlive()).as("the loop thread is still there %d ms after the last child was"
                    + " reaped (state %s)", JOIN_BOUND_MILLIS, loop.getState()).isFalse();
        }
    }

    private static boolean pollsThePidfd(Thread t) {
        for (StackTraceElement f : t.getStackTrace()) {
            if (f.getClassName().equals(InterruptiblePoll.class.getName()) && f.getMethodName().equals("awaitReadable")) {
                return true;
            }
        }
        return false;
    }

    private static Thread loopThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("safespawn-reaper")).findFirst().orElse(null);
    }
}
