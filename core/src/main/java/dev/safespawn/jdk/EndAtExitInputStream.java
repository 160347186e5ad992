package dev.safespawn.jdk;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An output stream of a JDK {@link Process} whose reads never wait once the
 * process has exited: they return what is there, and then the end of the
 * stream, even if a grandchild still holds the pipe.
 *
 * <p>The JDK ends the stream so itself when it reaps the child, but only
 * after it has woken the threads in {@code waitFor()}: a read started right
 * after {@code waitFor()} returns can take the stream's lock first and then
 * wait in the pipe for as long as a grandchild holds it, and the JDK's
 * reaper waits behind it. Here a read after the exit asks for no more than
 * {@link InputStream#available()} reports, which never waits, and reads
 * nothing available as the end. A read started before the exit waits as the
 * JDK's does. Thread-safe as the wrapped stream is.
 */
final class EndAtExitInputStream extends FilterInputStream {
    private final Process process;

    EndAtExitInputStream(InputStream in, Process process) {
        super(in);
        this.process = process;
    }

    @Override
    public int read() throws IOException {
        if (process.isAlive() || in.available() > 0) {
            return in.read();
        }
        return -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0 || process.isAlive()) {
            return in.read(b, off, len);
        }
        int ready = in.available();
        return ready > 0 ? in.read(b, off, Math.min(len, ready)) : -1;
    }
}
