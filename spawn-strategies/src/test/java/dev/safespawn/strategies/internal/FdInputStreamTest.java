package dev.safespawn.strategies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.testkit.ParentState;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
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
    void aSmallTransferLeavesThePipeAsItWas() throws Exception {
        byte[] sent = pattern(100 * 1024);
        CompletableFuture<Void> writer = write(sent);

        byte[] got = in.readAllBytes();

        writer.join();
        assertThat(got).isEqualTo(sent);
        assertThat(LibC.fcntl(readEnd, F_GETPIPE_SZ, 0)).isEqualTo(DEFAULT_PIPE_SIZE);
    }
}
