package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.InvalidObjectException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task or a value too big for the task channel fails that task, saying
 * so, and leaves the worker as it was: it is refused before it is sent.
 * (It used to reach the other side, which took the frame's length as a
 * corrupt channel, so the task failed as if its worker had been SIGKILLed.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // only a hang reaches it
class OversizeTest {
    private static final long BOUND_SECONDS = 60;

    private static ProcessPool pool() {
        return ProcessPool.builder().spawner(JdkSpawner.SHARED).output(ProcessPool.Output.discard()).workers(1)
                .build();
    }

    private static long pid() {
        return ProcessHandle.current().pid();
    }

    @Test
    void aValueOverTheLimitFailsItsTaskNamingTheLimitAndTheWorkerStays() throws Exception {
        try (ProcessPool pool = pool()) {
            long before = pool.submit(OversizeTest::pid).get(BOUND_SECONDS, TimeUnit.SECONDS);

            Throwable thrown = catchThrowable(() -> pool.submit(() -> new byte[Frames.MAX_MESSAGE])
                    .get(BOUND_SECONDS, TimeUnit.SECONDS));

            assertThat(thrown).isInstanceOf(ExecutionException.class);
            assertThat(thrown.getCause()).hasMessageContaining("the task's value could not be sent back")
                    .hasMessageContaining("over the task channel's limit of " + Frames.MAX_MESSAGE + " bytes");
            assertThat(pool.submit(OversizeTest::pid).get(BOUND_SECONDS, TimeUnit.SECONDS))
                    .as("the same worker").isEqualTo(before);
        }
    }

    @Test
    void aTaskOverTheLimitFailsBeforeItIsSentAndTheWorkerStays() throws Exception {
        try (ProcessPool pool = pool()) {
            long before = pool.submit(OversizeTest::pid).get(BOUND_SECONDS, TimeUnit.SECONDS);
            byte[] cargo = new byte[Frames.MAX_MESSAGE];

            Throwable thrown = catchThrowable(() -> pool.submit(() -> cargo.length)
                    .get(BOUND_SECONDS, TimeUnit.SECONDS));

            assertThat(thrown).isInstanceOf(ExecutionException.class);
            assertThat(thrown.getCause()).isInstanceOf(InvalidObjectException.class)
                    .hasMessageStartingWith("the task is ")
                    .hasMessageContaining("over the task channel's limit");
            assertThat(pool.submit(OversizeTest::pid).get(BOUND_SECONDS, TimeUnit.SECONDS))
                    .as("the same worker").isEqualTo(before);
        }
    }
}
