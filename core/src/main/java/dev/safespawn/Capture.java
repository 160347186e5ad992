package dev.safespawn;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes of one output stream, up to a limit: the head is kept, the rest
 * only counted. Thread-safe: the threaded fallback may leave a pump running
 * after the run has taken its bytes.
 */
final class Capture {
    private final long limit;
    private byte[] bytes = new byte[256];
    private int size;
    private long seen;

    Capture(long limit) {
        this.limit = limit;
    }

    /** Consumes every byte of {@code buffer}; returns whether the limit has now been passed. */
    synchronized boolean append(ByteBuffer buffer) {
        int n = buffer.remaining();
        seen += n;
        int keep = (int) Math.min(n, Math.max(0, limit - size));
        if (keep > 0) {
            ensure(size + keep);
            buffer.get(bytes, size, keep);
            size += keep;
        }
        buffer.position(buffer.limit());
        return truncated();
    }

    /** As {@link #append(ByteBuffer)}, for the fallback's stream reads. */
    synchronized boolean append(byte[] b, int offset, int len) {
        return append(ByteBuffer.wrap(b, offset, len));
    }

    private void ensure(int capacity) {
        if (capacity > bytes.length) {
            long grown = Math.max(capacity, Math.min((long) bytes.length * 2, Integer.MAX_VALUE - 8));
            bytes = Arrays.copyOf(bytes, (int) grown);
        }
    }

    synchronized boolean truncated() {
        return seen > limit;
    }

    synchronized byte[] bytes() {
        return Arrays.copyOf(bytes, size);
    }
}
