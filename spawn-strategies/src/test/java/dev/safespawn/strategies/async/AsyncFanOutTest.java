package dev.safespawn.strategies.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.AsyncChild;
import dev.safespawn.ChildHandler;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Spawner;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fan-out: a thousand {@code cat} children at once, each echoing
 * 1 MiB of its own through stdin to stdout, driven by handlers only on the
 * one event-loop thread. Nothing may be lost or reordered (a CRC of each
 * child's output against what it was sent), and with pidfds the library may
 * add at most two threads however many children run.
 */
class AsyncFanOutTest {
    private static final int CHILDREN = 1000;
    private static final int BYTES = 1 << 20;

    @Test
    @Timeout(300)
    void aThousandChildrenEchoAMebibyteEachOnTheLoopThread() throws Exception {
        byte[] data = new byte[BYTES];
        new Random(7).nextBytes(data);
        int threadsBefore = Thread.activeCount();
        List<Echo> echoes = new ArrayList<>();
        int peakThreads = 0;
        try (Spawner spawner = Spawner.of("posix_spawn")) {
            for (int i = 0; i < CHILDREN; i++) {
                Echo e = new Echo(data, (i * 7919) % BYTES);
                e.child = spawner.spawnAsync(Command.of("cat"), e);
                echoes.add(e);
                peakThreads = Math.max(peakThreads, Thread.activeCount());
            }
            for (Echo e : echoes) {
                assertThat(e.child.completion().get(240, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));
                peakThreads = Math.max(peakThreads, Thread.activeCount());
            }
        }

        for (Echo e : echoes) {
            assertThat(e.received).as("bytes echoed").isEqualTo(BYTES);
            assertThat(e.crc.getValue()).as("CRC of the echo, in order").isEqualTo(e.expectedCrc());
            assertThat(e.child.handlerFailure()).isEmpty();
        }
        if (Boolean.parseBoolean(System.getProperty("safespawn.internal.pidfd", "true"))) {
            assertThat(peakThreads - threadsBefore).as("threads the library added").isLessThanOrEqualTo(2);
        } else {
            // Without pidfds (kernels before 5.3) each child has a wait thread: the reaper's documented fallback.
            System.out.println("thread bound not checked: pidfds are switched off in this run");
        }
    }

    /** Sends {@code data} rotated by {@code offset}, and checks what comes back by CRC. */
    private static final class Echo implements ChildHandler {
        private final byte[] data;
        private final int offset;
        final CRC32 crc = new CRC32();
        long received;
        volatile AsyncChild child;

        Echo(byte[] data, int offset) {
            this.data = data;
            this.offset = offset;
        }

        @Override
        public void onStart(AsyncChild c) {
            c.writeStdin(ByteBuffer.wrap(data, offset, data.length - offset));
            c.writeStdin(ByteBuffer.wrap(data, 0, offset));
            c.closeStdin(false);
        }

        @Override
        public void onStdout(ByteBuffer buffer, boolean closed) {
            received += buffer.remaining();
            crc.update(buffer);
        }

        long expectedCrc() {
            CRC32 c = new CRC32();
            c.update(data, offset, data.length - offset);
            c.update(data, 0, offset);
            return c.getValue();
        }
    }
}
