package dev.safespawn.strategies.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.LastErrorException;

import dev.safespawn.testkit.ParentState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The parent's read end of a pipe, against a writer in another thread. */
class FdInputStreamTest {
    private static final int F_GETPIPE_SZ = 1032;
    private static final int DEFAULT_PIPE_SIZE = 64 * 1024;

    private int readEnd;
    private FdInputStream in;
    private OutputStream out;

    @BeforeEach
    void pipe() {
        int[] ends = new int[2];
        LibC.pipe2(ends, LibC.O_CLOEXEC | LibC.O_NONBLOCK);
        readEnd = ends[0];
        in = new FdInputStream(new Descriptor(ends[0]));
        out = new FdOutputStream(new Descriptor(ends[1]));
    }

    @AfterEach
    void close() throws IOException {
        in.close();
        out.close();
    }

    private CompletableFuture<Void> write(byte[] data) {
        return CompletableFuture.runAsync(() -> {
            try {
                out.write(data);
                out.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static byte[] pattern(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + (i >> 11));
        }
        return data;
    }

    @Test
    void aBulkTransferArrivesIntactAndWidensThePipe() throws Exception {
        long maxSize = ParentState.sysctl("fs/pipe-max-size");
        Assumptions.assumeTrue(maxSize >= 1024 * 1024,
                "fs.pipe-max-size is " + maxSize + " here, below the 1 MiB the stream asks for");
        assertThat(LibC.fcntl(readEnd, F_GETPIPE_SZ, 0)).isEqualTo(DEFAULT_PIPE_SIZE);
        byte[] sent = pattern(3 * 1024 * 1024 + 17);
        CompletableFuture<Void> writer = write(sent);

        byte[] got = in.readAllBytes();

        writer.join();
        assertThat(Arrays.equals(got, sent)).as("every byte, in order").isTrue();
        assertThat(LibC.fcntl(readEnd, F_GETPIPE_SZ, 0)).isEqualTo(1024 * 1024);
    }

    @Test
    void theChildsExitKeepsWhatThePipeHoldsAndLetsTheDescriptorGo() throws Exception {
        out.write("kept".getBytes(StandardCharsets.US_ASCII)); // the write end stays open, as a grandchild's

        in.childExited();

        assertThat(isOpen(readEnd)).as("the read end after the exit").isFalse();
        assertThat(in.available()).isEqualTo(4);
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("kept");
        assertThat(in.read()).isEqualTo(-1);
        assertThatThrownBy(() -> out.write(1)).as("writing with no reader left").isInstanceOf(IOException.class);
    }

    @Test
    void aReaderBlockedAtTheChildsExitGetsTheEndAndLetsTheDescriptorGo() throws Exception {
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                read.complete(in.read());
            } catch (Throwable t) {
                read.completeExceptionally(t);
            }
        });
        reader.start();
        awaitWaiting(reader);

        in.childExited();

        assertThat(read.get(60, TimeUnit.SECONDS)).isEqualTo(-1);
        reader.join();
        assertThat(isOpen(readEnd)).as("the read end after the exit").isFalse();
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void closingAfterTheChildsExitDropsWhatWasKept() throws Exception {
        out.write(7);
        in.childExited();

        in.close();

        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("Stream closed");
        assertThatThrownBy(in::available).isInstanceOf(IOException.class).hasMessage("Stream closed");
    }

    @Test
    void aClosedStreamStaysClosedAtTheChildsExit() throws Exception {
        in.close();

        in.childExited();

        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("Stream closed");
    }

    /** Waits (bounded) until {@code t} waits in {@link Descriptor#await}: blocked, holding the stream. */
    private static void awaitWaiting(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Arrays.stream(t.getStackTrace()).noneMatch(f -> f.getClassName().equals(Descriptor.class.getName())
                && f.getMethodName().equals("await"))) {
            assertThat(System.nanoTime()).as("the reader never waited").isLessThan(deadline);
            Thread.yield();
        }
    }

    /** Whether {@code fd} is still open here; nothing else in this test opens descriptors meanwhile. */
    private static boolean isOpen(int fd) {
        try {
            LibC.fcntl(fd, LibC.F_GETFD, 0);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    @Test
    void aSmallTransferLeavesThePipeAsItWas() throws Exception {
        byte[] sent = pattern(100 * 1024);
        CompletableFuture<Void> writer = write(sent);

        byte[] got = in.readAllBytes();

        writer.join();
        assertThat(got).isEqualTo(sent);
        assertThat(LibC.fcntl(readEnd, F_GETPIPE_SZ, 0)).isEqualTo(DEFAULT_PIPE_SIZE);
    }
}
