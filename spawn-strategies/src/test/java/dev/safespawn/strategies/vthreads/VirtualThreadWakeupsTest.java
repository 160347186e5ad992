package dev.safespawn.strategies.vthreads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What ends a parked virtual thread's wait ends it as it ends a platform
 * thread's: an interrupt ends {@code waitFor} with InterruptedException, a
 * timeout ends {@code waitFor(timeout)} with false, {@code close()} from
 * another thread ends a blocked read or write with "Stream closed", and the
 * child's exit ends a blocked read with the end of the stream. Each test
 * first sees the thread parked (WAITING), which a thread blocked in native
 * code never is. Native strategies only: the jdk strategy's streams are the
 * JDK's.
 */
class VirtualThreadWakeupsTest {
    private static final long BOUND_SECONDS = 60;
    private static final Map<String, Spawner> SPAWNERS = new ConcurrentHashMap<>();
    private static final Command CAT = Command.builder("cat").stderr(Redirect.DISCARD).build();

    @BeforeAll
    static void requireVirtualThreads() {
        VirtualThreads.requireOneCarrier();
    }

    @AfterAll
    static void closeSpawners() {
        SPAWNERS.values().forEach(Spawner::close);
    }

    private static ChildProcess cat(String strategy) throws IOException {
        return SPAWNERS.computeIfAbsent(strategy, Spawner::of).spawn(CAT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"posix_spawn", "fork_exec", "zygote"})
    void interruptEndsWaitFor(String strategy) throws Exception {
        ChildProcess child = cat(strategy);
        try {
            Throwable ended = onParkedThread(child::waitFor, Thread::interrupt);
            assertThat(ended).isInstanceOf(InterruptedException.class);
            assertThat(child.isAlive()).as("the child runs on").isTrue();
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"posix_spawn", "fork_exec", "zygote"})
    void timeoutEndsWaitFor(String strategy) throws Exception {
        ChildProcess child = cat(strategy);
        try (Tasks tasks = new Tasks()) {
            Future<Boolean> exited = tasks.executor.submit(() -> child.waitFor(20, TimeUnit.MILLISECONDS));
            assertThat(exited.get(BOUND_SECONDS, TimeUnit.SECONDS)).isFalse();
            assertThat(child.isAlive()).isTrue();
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"posix_spawn", "fork_exec", "zygote"})
    void closeEndsBlockedRead(String strategy) throws Exception {
        ChildProcess child = cat(strategy);
        try {
            Throwable ended = onParkedThread(() -> child.getInputStream().read(), t -> child.getInputStream().close());
            assertThat(ended).isInstanceOf(IOException.class).hasMessage("Stream closed");
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"posix_spawn", "fork_exec", "zygote"})
    void closeEndsBlockedWrite(String strategy) throws Exception {
        ChildProcess child = cat(strategy); // nobody reads its stdout: both pipes fill
        try {
            Throwable ended = onParkedThread(() -> {
                child.getOutputStream().write(new byte[8 * 1024 * 1024]);
                return null;
            }, t -> child.getOutputStream().close());
            assertThat(ended).isInstanceOf(IOException.class).hasMessage("Stream closed");
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"posix_spawn", "fork_exec", "zygote"})
    void theChildsExitEndsBlockedRead(String strategy) throws Exception {
        // The shell leaves a sleep holding its stdout, waits for a line, and exits.
        ChildProcess child = SPAWNERS.computeIfAbsent(strategy, Spawner::of).spawn(Command.builder("/bin/sh", "-c",
                "sleep 120 & echo $!; read line").stderr(Redirect.DISCARD).build());
        long grandchild = -1;
        try (Tasks tasks = new Tasks()) {
            grandchild = Long.parseLong(new String(readLine(child), java.nio.charset.StandardCharsets.US_ASCII));
            CompletableFuture<Thread> thread = new CompletableFuture<>();
            Future<Integer> read = tasks.executor.submit(() -> {
                thread.complete(Thread.currentThread());
                return child.getInputStream().read();
            });
            awaitParked(thread.get(BOUND_SECONDS, TimeUnit.SECONDS));

            child.getOutputStream().write('\n');

            assertThat(read.get(BOUND_SECONDS, TimeUnit.SECONDS)).as("the parked read after the exit").isEqualTo(-1);
        } finally {
            ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);
            child.close();
        }
    }

    /** The child's first line, read a byte at a time so that nothing after it is consumed. */
    private static byte[] readLine(ChildProcess child) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        for (int b; (b = child.getInputStream().read()) != '\n'; ) {
            if (b < 0) {
                fail("stdout ended after %s", line);
            }
            line.write(b);
        }
        return line.toByteArray();
    }

    /** What ends a thread's wait, given the thread. */
    interface Waking {
        void wake(Thread parked) throws Exception;
    }

    /**
     * Runs {@code blocking} on a virtual thread, waits until that thread is
     * parked, wakes it with {@code waking}, and returns what the call threw
     * (failing if it returned).
     */
    private static Throwable onParkedThread(Callable<?> blocking, Waking waking) throws Exception {
        try (Tasks tasks = new Tasks()) {
            CompletableFuture<Thread> thread = new CompletableFuture<>();
            Future<?> call = tasks.executor.submit(() -> {
                thread.complete(Thread.currentThread());
                return blocking.call();
            });
            Thread t = thread.get(BOUND_SECONDS, TimeUnit.SECONDS);
            awaitParked(t);
            waking.wake(t);
            try {
                Object returned = call.get(BOUND_SECONDS, TimeUnit.SECONDS);
                return fail("the call returned %s instead of ending with an exception", returned);
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }
    }

    /** Waits (bounded) until {@code t} parks; a thread blocked in native code stays RUNNABLE. */
    private static void awaitParked(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        while (t.getState() != Thread.State.WAITING) {
            if (System.nanoTime() > deadline) {
                fail("the virtual thread never parked (it is %s): it blocks without releasing its carrier",
                        t.getState());
            }
            // Nothing signals a park, so its state is polled; briefly, not to hold a core.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static final class Tasks implements AutoCloseable {
        final ExecutorService executor = VirtualThreads.perTaskExecutor();

        @Override
        public void close() {
            VirtualThreads.shutDown(executor, BOUND_SECONDS);
        }
    }
}
