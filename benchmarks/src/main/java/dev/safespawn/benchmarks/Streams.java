package dev.safespawn.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Stream helpers shared by the launchers. */
final class Streams {
    /** The read size for draining: large enough that per-call costs vanish in bulk reads. */
    static final int BUFFER = 64 * 1024;

    private Streams() {
    }

    /** Reads {@code in} to its end, discarding the bytes, and returns how many there were. */
    static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
        }
        return total;
    }

    /** An output stream that only counts what it is given; thread-safe for one writer and any readers. */
    static final class Counting extends OutputStream {
        private volatile long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }

        long count() {
            return count;
        }
    }
}
