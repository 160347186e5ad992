package dev.safespawn;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes of one output stream, up to a limit: the head is kept, the rest
 * only counted. Confined to one thread at a time (the handler's context, then
 * the caller once the child's completion has been seen).
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
    boolean append(ByteBuffer buffer) {
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
    boolean append(byte[] b, int len) {
        return append(ByteBuffer.wrap(b, 0, len));
    }

    private void ensure(int capacity) {
        if (capacity > bytes.length) {
            long grown = Math.max(capacity, Math.min((long) bytes.length * 2, Integer.MAX_VALUE - 8));
            bytes = Arrays.copyOf(bytes, (int) grown);
        }
    }

    boolean truncated() {
        return seen > limit;
    }

    byte[] bytes() {
        return Arrays.copyOf(bytes, size);
    }
}
