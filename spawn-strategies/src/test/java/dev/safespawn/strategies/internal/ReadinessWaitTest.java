package dev.safespawn.strategies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The event loop's one-shot wait, on any thread (virtual threads are tested
 * in {@code vthreads}): it ends when the descriptor is ready or when woken,
 * and leaves the descriptor free to be watched again.
 */
class ReadinessWaitTest {
    private int readEnd;
    private int writeEnd;

    @BeforeEach
    void pipe() {
        int[] ends = new int[2];
        LibC.pipe2(ends, LibC.O_CLOEXEC | LibC.O_NONBLOCK);
        readEnd = ends[0];
        writeEnd = ends[1];
    }

    @AfterEach
    void close() {
        Descriptor.closeQuietly(readEnd);
        Descriptor.closeQuietly(writeEnd);
    }

    @Test
    void endsWhenTheDescriptorIsReadyAndUnwatchesIt() throws Exception {
        for (int round = 0; round < 3; round++) { // a descriptor left in the epoll set would fail the next watch
            CompletableFuture<Boolean> parked = CompletableFuture.supplyAsync(
                    () -> new ReadinessWait().park(readEnd, LibC.EPOLLIN));
            try (Memory one = new Memory(1)) {
                one.setByte(0, (byte) round);
                LibC.write(writeEnd, one, 1);
                assertThat(parked.get(60, TimeUnit.SECONDS)).as("watched, and woken by readiness").isTrue();
                LibC.read(readEnd, one, 1);
            }
        }
    }

    @Test
    void endsWhenWokenAndUnwatchesIt() throws Exception {
        for (int round = 0; round < 3; round++) {
            ReadinessWait wait = new ReadinessWait();
            CompletableFuture<Boolean> parked = CompletableFuture.supplyAsync(() -> wait.park(readEnd, LibC.EPOLLIN));
            wait.wake(); // before or during the park: either way it ends
            assertThat(parked.get(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aPipeWithRoomIsReadyForAWriterAtOnce() {
        assertThat(new ReadinessWait().park(writeEnd, LibC.EPOLLOUT)).isTrue();
    }
}
