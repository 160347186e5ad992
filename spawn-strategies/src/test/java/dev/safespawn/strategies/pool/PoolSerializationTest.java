package dev.safespawn.strategies.pool;

import static dev.safespawn.strategies.pool.PoolTesting.failureOf;
import static dev.safespawn.strategies.pool.PoolTesting.quiet;
import static dev.safespawn.strategies.pool.PoolTesting.valueOf;
import static dev.safespawn.strategies.pool.PoolTesting.workerPid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.ExitStatus;
import dev.safespawn.pool.ProcessPool;
import dev.safespawn.pool.Subprocess;
import dev.safespawn.pool.WorkerCrashedException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Tasks, values and exceptions that cannot cross to the other JVM. */
class PoolSerializationTest {
    /** Not serializable. */
    static final class Opaque {
    }

    /** An exception that cannot be serialized: it holds an {@link Opaque}. */
    static final class HoldsOpaque extends RuntimeException {
        @SuppressWarnings("serial")
        private final Opaque opaque = new Opaque();

        HoldsOpaque(String message) {
            super(message);
        }
    }

    /** A singly linked list whose serialization recurses once per node. */
    static final class Node implements Serializable {
        final Node next;

        Node(Node next) {
            this.next = next;
        }

        static Node chain(int length) {
            Node head = null;
            for (int i = 0; i < length; i++) {
                head = new Node(head);
            }
            return head;
        }

        int length() {
            int n = 0;
            for (Node x = this; x != null; x = x.next) {
                n++;
            }
            return n;
        }
    }

    static int throwUnserializable(String message) {
        throw new HoldsOpaque(message);
    }

    /** Runs in a worker: a Subprocess of its own crashes; its WorkerCrashedException travels back. */
    static int crashInANestedSubprocess() throws Exception {
        try {
            return Subprocess.call(() -> PoolCrashTest.exit(5), quiet());
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    /**
     * Was a bug, now fixed: WorkerCrashedException keeps its ExitStatus in a transient field
     * (ExitStatus is not Serializable), so once the exception has crossed a
     * JVM boundary - a task that itself uses a pool or Subprocess -
     * exitStatus() returns null, though its message still names the status.
     */
    @Test
    void aWorkerCrashedExceptionKeepsItsExitStatusWhenItCrossesJvms() {
        try (ProcessPool pool = quiet().workers(1).build()) {
            Throwable failure = failureOf(pool.submit(PoolSerializationTest::crashInANestedSubprocess));

            assertThat(failure).isInstanceOf(WorkerCrashedException.class).hasMessageContaining("exited with code 5");
            assertThat(((WorkerCrashedException) failure).exitStatus()).isEqualTo(ExitStatus.exited(5));
        }
    }

    @Test
    void aPlainCallableIsRejectedAtSubmission() {
        Callable<Integer> anonymous = new Callable<>() {
            @Override
            public Integer call() {
                return 1;
            }
        };
        Callable<Integer> lambda = () -> 2;
        Runnable runnable = () -> { };
        try (ProcessPool pool = quiet().workers(1).build()) {
            assertThatThrownBy(() -> pool.submit(anonymous))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Serializable");
            assertThatThrownBy(() -> pool.submit(lambda))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Serializable");
            assertThatThrownBy(() -> pool.submit(runnable))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Serializable");
            assertThatThrownBy(() -> pool.execute(runnable))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Serializable");
            assertThatThrownBy(() -> pool.invokeAny(List.of(lambda)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Serializable");
        }
    }

    @Test
    void aTaskCapturingSomethingUnserializableFailsItsFutureAndSparesTheWorker() throws Exception {
        Opaque captured = new Opaque();
        try (ProcessPool pool = quiet().workers(1).build()) {
            long before = workerPid(pool);

            Throwable failure = failureOf(pool.submit(() -> captured.hashCode()));

            assertThat(failure).isInstanceOf(NotSerializableException.class).hasMessageContaining(Opaque.class.getName());
            assertThat(workerPid(pool)).as("the same worker goes on").isEqualTo(before);
        }
    }

    @Test
    void anUnserializableValueFailsItsFutureWithTheReasonAndSparesTheWorker() throws Exception {
        try (ProcessPool pool = quiet().workers(1).build()) {
            long before = workerPid(pool);

            Throwable failure = failureOf(pool.submit(() -> new Opaque()));

            assertThat(failure.getClass().getName()).isEqualTo("dev.safespawn.pool.Messages$Unserializable");
            assertThat(failure).hasMessageContaining("the task's value could not be sent back")
                    .hasMessageContaining(NotSerializableException.class.getName())
                    .hasMessageContaining(Opaque.class.getName());
            assertThat(workerPid(pool)).as("the same worker goes on").isEqualTo(before);
        }
    }

    @Test
    void anUnserializableExceptionComesBackDescribedWithItsStackTrace() throws Exception {
        try (ProcessPool pool = quiet().workers(1).build()) {
            long before = workerPid(pool);

            Throwable failure = failureOf(pool.submit(() -> throwUnserializable("cannot travel")));

            assertThat(failure).hasMessageContaining("the task's exception could not be sent back")
                    .hasMessageContaining(HoldsOpaque.class.getName() + ": cannot travel")
                    .hasMessageContaining(Opaque.class.getName());
            assertThat(failure.getStackTrace())
                    .anySatisfy(e -> assertThat(e.getMethodName()).isEqualTo("throwUnserializable"));
            assertThat(workerPid(pool)).as("the same worker goes on").isEqualTo(before);
        }
    }

    @Test
    void aValueDeeperThanTheFilterAllowsIsRejectedCleanlyAndSparesTheWorker() throws Exception {
        try (ProcessPool pool = quiet().workers(1).build()) {
            long before = workerPid(pool);

            Throwable failure = failureOf(pool.submit(() -> Node.chain(500)));

            assertThat(failure).isInstanceOf(InvalidClassException.class).hasMessageContaining("REJECTED");
            assertThat(workerPid(pool)).as("the same worker goes on").isEqualTo(before);
        }
    }

    /**
     * Was a bug, now fixed: serializing the task in the pool's dispatcher thread overflows its
     * stack; the StackOverflowError is not an Exception, so ProcessPool.runOne
     * does not catch it and the dispatcher thread dies. The future never
     * completes and the slot runs no task again.
     */
    @Test
    void aTaskTooDeepToSerializeFailsItsFutureAndThePoolGoesOn() throws Exception {
        Node deep = Node.chain(200_000);
        try (ProcessPool pool = quiet().workers(1).build()) {
            Future<Integer> f = pool.submit(() -> deep.length());

            Throwable failure = failureOf(f, 20); // serializing fails within milliseconds

            assertThat(failure).isNotNull();
            assertThat(valueOf(pool.submit(() -> "next"))).isEqualTo("next");
        }
    }

    /**
     * Was a bug, now fixed: the worker's result is too deep to serialize; WorkerMain.send
     * catches only ObjectStreamException, so the StackOverflowError ends the
     * worker's main thread and the worker exits with code 1: the task fails as
     * a WorkerCrashedException instead of with a description of why its value
     * could not be sent back.
     */
    @Test
    void aValueTooDeepToSerializeFailsItsFutureWithTheReasonAndSparesTheWorker() throws Exception {
        try (ProcessPool pool = quiet().workers(1).build()) {
            long before = workerPid(pool);

            Throwable failure = failureOf(pool.submit(() -> Node.chain(200_000)));

            assertThat(failure).isNotInstanceOf(WorkerCrashedException.class)
                    .hasMessageContaining("could not be sent back");
            assertThat(workerPid(pool)).as("the same worker goes on").isEqualTo(before);
        }
    }
}
