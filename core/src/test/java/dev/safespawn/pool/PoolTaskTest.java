package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A submitted task's future: serializability, start, cancel, and running it here. */
class PoolTaskTest {

    @Test
    void aTaskMustBeSerializableAndNotNull() {
        Callable<Integer> plain = () -> 1;
        assertThatIllegalArgumentException().isThrownBy(() -> PoolTask.of(plain))
                .withMessageContaining("must be Serializable").withMessageContaining("SerializableCallable");
        Runnable plainRunnable = () -> { };
        assertThatIllegalArgumentException().isThrownBy(() -> PoolTask.of(plainRunnable, "r"));
        assertThatNullPointerException().isThrownBy(() -> PoolTask.of((Callable<Object>) null));
        assertThatNullPointerException().isThrownBy(() -> PoolTask.of((Runnable) null, null));
    }

    @Test
    void aWorkersValueOrFailureCompletesTheFuture() throws Exception {
        PoolTask<Integer> ok = PoolTask.of((SerializableCallable<Integer>) () -> 1);
        assertThat(ok.begin(() -> { })).isTrue();
        ok.succeed(42);
        assertThat(ok.get()).isEqualTo(42);

        PoolTask<Integer> bad = PoolTask.of((SerializableCallable<Integer>) () -> 1);
        bad.fail(new IllegalStateException("in the worker"));
        assertThatThrownBy(bad::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("in the worker");
    }

    @Test
    void aRunnablesFutureHoldsTheGivenResultWhateverComesBack() throws Exception {
        PoolTask<String> task = PoolTask.of((SerializableRunnable) () -> { }, "given");
        task.succeed(null); // what the worker's wrapper returns
        assertThat(task.get()).isEqualTo("given");
    }

    @Test
    void cancellingAQueuedTaskMeansItNeverBegins() {
        PoolTask<Integer> task = PoolTask.of((SerializableCallable<Integer>) () -> 1);
        AtomicInteger kills = new AtomicInteger();
        assertThat(task.cancel(true)).isTrue();
        assertThat(task.begin(kills::incrementAndGet)).isFalse();
        assertThat(kills).hasValue(0);
        assertThat(task.isCancelled()).isTrue();
        assertThatThrownBy(task::get).isInstanceOf(CancellationException.class);
    }

    @Test
    void cancellingARunningTaskKillsItsWorkerOnlyWhenAllowedToInterrupt() {
        AtomicInteger kills = new AtomicInteger();
        PoolTask<Integer> polite = PoolTask.of((SerializableCallable<Integer>) () -> 1);
        assertThat(polite.begin(kills::incrementAndGet)).isTrue();
        assertThat(polite.cancel(false)).isTrue();
        assertThat(kills).hasValue(0);

        PoolTask<Integer> forced = PoolTask.of((SerializableCallable<Integer>) () -> 1);
        assertThat(forced.begin(kills::incrementAndGet)).isTrue();
        assertThat(forced.cancel(true)).isTrue();
        assertThat(kills).hasValue(1);
        assertThat(forced.isCancelled()).isTrue();
    }

    @Test
    void aCancelAfterTheTaskEndedNeverKillsTheWorkerThatMovedOn() {
        AtomicInteger kills = new AtomicInteger();
        PoolTask<Integer> task = PoolTask.of((SerializableCallable<Integer>) () -> 1);
        assertThat(task.begin(kills::incrementAndGet)).isTrue();
        assertThat(task.end()).as("the worker may take another task").isTrue();

        task.cancel(true); // as the result was on its way: the worker is running someone else's task now

        assertThat(kills).hasValue(0);
    }

    @Test
    void aCancelThatKillsTheWorkerKeepsItFromTakingAnotherTask() {
        AtomicInteger kills = new AtomicInteger();
        PoolTask<Integer> task = PoolTask.of((SerializableCallable<Integer>) () -> 1);
        assertThat(task.begin(kills::incrementAndGet)).isTrue();
        assertThat(task.cancel(true)).isTrue();

        assertThat(kills).hasValue(1);
        assertThat(task.end()).as("the worker is being killed").isFalse();
    }

    @Test
    void aTaskBegunOnceCannotBeginAgainNorRunHere() {
        AtomicInteger runs = new AtomicInteger();
        PoolTask<Integer> task = PoolTask.of((SerializableCallable<Integer>) runs::incrementAndGet);
        assertThat(task.begin(() -> { })).isTrue();
        assertThat(task.begin(() -> { })).isFalse();
        task.run();
        assertThat(runs).hasValue(0);
        assertThat(task.isDone()).isFalse();
    }

    @Test
    void runRunsAHandedBackTaskHereOnce() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        PoolTask<Integer> task = PoolTask.of((SerializableCallable<Integer>) runs::incrementAndGet);
        task.run();
        task.run();
        assertThat(task.get()).isEqualTo(1);
        assertThat(runs).hasValue(1);
        assertThat(task.begin(() -> { })).as("a dispatcher that still holds it must not start it").isFalse();

        PoolTask<Integer> failing = PoolTask.of((SerializableCallable<Integer>) () -> {
            throw new java.io.IOException("here");
        });
        failing.run();
        assertThatThrownBy(failing::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(java.io.IOException.class).hasMessage("here");
    }
}
