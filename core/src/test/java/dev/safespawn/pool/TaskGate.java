package dev.safespawn.pool;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Lets a test hold tasks that run in worker JVMs: a task calls
 * {@link #pass(int)}, which connects over loopback and blocks; the test waits
 * until tasks have arrived and releases them. Closing the gate releases
 * every task, so a failing test leaves none blocked.
 */
final class TaskGate implements AutoCloseable {
    static final int BOUND_MILLIS = 60_000;

    private final ServerSocket server;
    private final List<Socket> arrived = new ArrayList<>();

    TaskGate() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setSoTimeout(BOUND_MILLIS);
    }

    /** A task that arrives at this gate, waits to be released, then returns {@code value}. */
    SerializableCallable<Integer> task(int value) {
        int port = server.getLocalPort();
        return () -> {
            pass(port);
            return value;
        };
    }

    /** The port a task passes with {@link #pass(int)}, for tasks the test writes itself. */
    int port() {
        return server.getLocalPort();
    }

    /** Waits (bounded) until {@code count} more tasks have arrived. */
    synchronized void awaitArrivals(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            arrived.add(server.accept());
        }
    }

    /** Lets every task that has arrived go on. */
    synchronized void release() {
        for (Socket s : arrived) {
            try (s) {
                s.getOutputStream().write(1);
            } catch (IOException workerGone) {
                // its worker was killed meanwhile
            }
        }
        arrived.clear();
    }

    @Override
    public void close() throws IOException {
        try {
            release();
        } finally {
            server.close();
        }
    }

    /** Runs in a worker: arrives at the gate on {@code port} and blocks until released. */
    static void pass(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port); InputStream in = s.getInputStream()) {
            in.read();
        } catch (IOException e) {
            throw new UncheckedIOException("gate on port " + port, e);
        }
    }
}
