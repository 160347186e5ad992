package dev.safespawn.strategies.pool;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Synchronises with tasks in other JVMs over loopback TCP: a task calls
 * {@link #pass(int)}, which connects and blocks; the test learns that the task
 * runs ({@link #awaitArrivals}) and lets it go on ({@link #release()}). Closing
 * the gate releases every task, so a test that fails never leaves a task
 * blocked behind it: declare the gate after the pool in try-with-resources.
 */
final class Gate implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> arrived = new ArrayList<>();

    Gate() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setSoTimeout((int) (PoolTesting.BOUND_SECONDS * 1000));
    }

    int port() {
        return server.getLocalPort();
    }

    /** Waits (bounded) until {@code count} more tasks have reached the gate. */
    synchronized void awaitArrivals(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            arrived.add(server.accept());
        }
    }

    /** Lets every task that has arrived go on. */
    synchronized void release() throws IOException {
        for (Socket s : arrived) {
            try (s) {
                s.getOutputStream().write(1);
            } catch (IOException taskGone) {
                // its worker died meanwhile
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

    /** Runs in a worker: arrives at the gate on {@code port} and blocks until released (or the gate closes). */
    static void pass(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port); InputStream in = s.getInputStream()) {
            in.read();
        } catch (IOException e) {
            throw new UncheckedIOException("gate on port " + port, e);
        }
    }
}
