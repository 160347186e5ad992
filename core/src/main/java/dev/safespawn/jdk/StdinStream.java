package dev.safespawn.jdk;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's stream to a child's stdin, counting the writes under way so that
 * {@link JdkChildProcess#close()} can tell when one may hold the stream. The
 * JDK's stream is a {@link java.io.BufferedOutputStream}: a write blocked on
 * a full pipe holds its lock until the child reads or dies, and closing the
 * stream needs that lock, so closing it first, as {@code close()} does, would
 * wait as long as the child does not read: for ever, for a child that never
 * does. Thread-safe as the JDK's stream is; nulls are rejected as it rejects them.
 */
final class StdinStream extends OutputStream {
    private final OutputStream jdk;
    private final AtomicInteger writers = new AtomicInteger();
    private volatile boolean shutOut;

    StdinStream(OutputStream jdk) {
        this.jdk = jdk;
    }

    @Override
    public void write(int b) throws IOException {
        enter();
        try {
            jdk.write(b);
        } finally {
            writers.decrementAndGet();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        enter();
        try {
            jdk.write(b, off, len);
        } finally {
            writers.decrementAndGet();
        }
    }

    @Override
    public void flush() throws IOException {
        enter();
        try {
            jdk.flush();
        } finally {
            writers.decrementAndGet();
        }
    }

    @Override
    public void close() throws IOException {
        jdk.close();
    }

    /**
     * Refuses every write from now on, and tells whether one is under way (and
     * so may be blocked holding the stream). A write counts itself before it
     * looks at the refusal, and this sets the refusal before it counts: so
     * either the write sees it, or it is counted here.
     */
    boolean shutOutWriters() {
        shutOut = true;
        return writers.get() > 0;
    }

    private void enter() throws IOException {
        writers.incrementAndGet();
        if (shutOut) {
            writers.decrementAndGet();
            throw new IOException("Stream closed");
        }
    }
}
