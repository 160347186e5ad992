package dev.safespawn.strategies.pool;

import static dev.safespawn.strategies.pool.PoolTesting.failureOf;
import static dev.safespawn.strategies.pool.PoolTesting.quiet;
import static dev.safespawn.strategies.pool.PoolTesting.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.safespawn.pool.ProcessPool;
import dev.safespawn.pool.SerializableCallable;
import dev.safespawn.pool.Subprocess;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a task gives back: its value, or its exception as itself; also invokeAll, invokeAny and Subprocess. */
class PoolResultsTest {
    record Point(int x, String label) implements Serializable {
    }

    /** A checked exception of the test's own. */
    static final class TaskFailure extends Exception {
        TaskFailure(String message) {
            super(message);
        }
    }

    static int failWith(String message) {
        throw new IllegalStateException(message, new UncheckedIOException("middle", new IOException("root")));
    }

    static int failChecked(String message) throws TaskFailure {
        throw new TaskFailure(message);
    }

    @Test
    void valuesComeBackAsTheTaskReturnedThem() throws Exception {
        try (ProcessPool pool = quiet().workers(2).build()) {
            Future<Integer> number = pool.submit(() -> 6 * 7);
            Future<String> text = pool.submit(() -> "from " + "a worker");
            Future<Point> point = pool.submit(() -> new Point(3, "three"));
            Future<List<Object>> list = pool.submit(() -> List.of(1, "two", new Point(3, "three"), List.of()));
            Future<?> runnable = pool.submit((dev.safespawn.pool.SerializableRunnable) () -> { });
            Future<String> withResult = pool.submit((Runnable & Serializable) () -> { }, "fixed");

            assertThat(valueOf(number)).isEqualTo(42);
            assertThat(valueOf(text)).isEqualTo("from a worker");
            assertThat(valueOf(point)).isEqualTo(new Point(3, "three"));
            assertThat(valueOf(list)).containsExactly(1, "two", new Point(3, "three"), List.of());
            assertThat(valueOf(runnable)).isNull();
            assertThat(valueOf(withResult)).isEqualTo("fixed");
        }
    }

    @Test
    void aTasksExceptionComesBackAsItselfWithCausesAndStackTrace() {
        try (ProcessPool pool = quiet().workers(1).build()) {
            Throwable failure = failureOf(pool.submit(() -> failWith("outer boom")));

            assertThat(failure).isExactlyInstanceOf(IllegalStateException.class).hasMessage("outer boom");
            assertThat(failure.getCause()).isExactlyInstanceOf(UncheckedIOException.class).hasMessage("middle");
            assertThat(failure.getCause().getCause()).isExactlyInstanceOf(IOException.class).hasMessage("root");
            assertThat(failure.getStackTrace()).as(Arrays.toString(failure.getStackTrace()))
                    .anySatisfy(e -> {
                        assertThat(e.getClassName()).isEqualTo(PoolResultsTest.class.getName());
                        assertThat(e.getMethodName()).isEqualTo("failWith");
                    });
            // It was thrown over there: the worker's main class is on the trace, this test's runner is not.
            assertThat(failure.getStackTrace())
                    .anySatisfy(e -> assertThat(e.getClassName()).isEqualTo("dev.safespawn.pool.WorkerMain"))
                    .noneSatisfy(e -> assertThat(e.getClassName()).startsWith("org.junit"));
        }
    }

    @Test
    void aCheckedExceptionComesBackAsItself() {
        try (ProcessPool pool = quiet().workers(1).build()) {
            Throwable failure = failureOf(pool.submit(() -> failChecked("checked")));

            assertThat(failure).isExactlyInstanceOf(TaskFailure.class).hasMessage("checked").hasNoCause();
            assertThat(failure.getStackTrace()[0].getMethodName()).isEqualTo("failChecked");
        }
    }

    @Test
    void invokeAllWaitsForEveryTaskAndReportsEachOutcome() throws Exception {
        List<SerializableCallable<Integer>> tasks = List.of(() -> 1, () -> failWith("second"), () -> 3);
        try (ProcessPool pool = quiet().workers(2).build()) {
            List<Future<Integer>> futures = pool.invokeAll(tasks);

            assertThat(futures).hasSize(3).allMatch(Future::isDone);
            assertThat(futures.get(0).get()).isEqualTo(1);
            assertThat(failureOf(futures.get(1))).isInstanceOf(IllegalStateException.class).hasMessage("second");
            assertThat(futures.get(2).get()).isEqualTo(3);
        }
    }

    @Test
    void invokeAnyReturnsTheTaskThatSucceeded() throws Exception {
        List<SerializableCallable<Integer>> tasks = List.of(() -> failWith("not me"), () -> 42);
        try (ProcessPool pool = quiet().workers(2).build()) {
            assertThat(pool.invokeAny(tasks)).isEqualTo(42);
            assertThat(valueOf(pool.submit(() -> 7))).as("the pool after invokeAny").isEqualTo(7);
        }
    }

    @Test
    void invokeAnyWhenEveryTaskFailsThrowsOneOfTheirExceptions() {
        List<SerializableCallable<Integer>> tasks = List.of(() -> failWith("one"), () -> failWith("two"));
        try (ProcessPool pool = quiet().workers(2).build()) {
            Throwable thrown = catchThrowable(() -> pool.invokeAny(tasks));

            assertThat(thrown).isInstanceOf(ExecutionException.class);
            assertThat(thrown.getCause()).isInstanceOf(IllegalStateException.class);
            assertThat(thrown.getCause().getMessage()).isIn("one", "two");
        }
    }

    /**
     * Was a bug, now fixed (ExecutorService contract): invokeAny submits the tasks one by one
     * and a non-serializable one is rejected midway; "upon normal or
     * exceptional return, tasks that have not completed are cancelled", but
     * those already submitted are left to run.
     */
    @Test
    void invokeAnyRejectingATaskCancelsTheOnesItHadSubmitted(@TempDir Path dir) throws Exception {
        String marker = dir.resolve("ran").toString();
        SerializableCallable<Integer> leavesAMark = () -> {
            Files.createFile(Path.of(marker));
            return 1;
        };
        Callable<Integer> notSerializable = () -> 2;
        try (ProcessPool pool = quiet().workers(1).build()) {
            assertThatThrownBy(() -> pool.invokeAny(List.of(leavesAMark, notSerializable)))
                    .isInstanceOf(IllegalArgumentException.class);

            // One worker takes tasks in order: whatever was queued before this one has been dealt with.
            assertThat(valueOf(pool.submit(() -> 3))).isEqualTo(3);
            assertThat(Path.of(marker)).as("the task invokeAny had submitted before the rejection ran").doesNotExist();
        }
    }

    @Test
    void subprocessCallComputesTheValueInAnotherJvmThatThenEnds() throws Exception {
        long worker = Subprocess.call(() -> ProcessHandle.current().pid());

        assertThat(worker).isPositive().isNotEqualTo(ProcessHandle.current().pid());
        assertThat(ProcessHandle.of(worker).map(ProcessHandle::isAlive).orElse(false))
                .as("the one-shot JVM %d is gone once call returns", worker).isFalse();
    }

    /**
     * Was a bug, now fixed: Subprocess.call(task, options) sets workers(1) and
     * maxTasksPerWorker(1) on the caller's builder, which keeps them: a pool
     * built from it later retires its workers after every task.
     */
    @Test
    void subprocessCallLeavesTheCallersBuilderAsItWas() throws Exception {
        ProcessPool.Builder options = quiet().workers(1);
        assertThat(Subprocess.call(() -> 1, options)).isEqualTo(1);

        try (ProcessPool pool = options.build()) {
            long first = PoolTesting.workerPid(pool);
            long second = PoolTesting.workerPid(pool);
            assertThat(second).as("the builder set no maxTasksPerWorker: one worker runs both").isEqualTo(first);
        }
    }

    @Test
    void subprocessCallThrowsTheTasksException() {
        Throwable thrown = catchThrowable(() -> Subprocess.call(() -> failWith("in a fresh JVM"), quiet()));

        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isExactlyInstanceOf(IllegalStateException.class).hasMessage("in a fresh JVM");
    }
}
