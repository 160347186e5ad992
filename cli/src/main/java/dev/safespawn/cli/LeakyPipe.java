package dev.safespawn.cli;

import com.sun.jna.LastErrorException;

/**
 * A pipe deliberately opened without {@code O_CLOEXEC}: the kind of descriptor
 * a careless library or a plain {@code pipe(2)} leaves lying around. A spawn
 * that keeps the child contract must not let the child inherit it, so holding
 * one while spawning turns "the child holds only 0, 1, 2" into a real test.
 */
final class LeakyPipe implements AutoCloseable {
    private final int readFd;
    private final int writeFd;
    private boolean closed;

    private LeakyPipe(int readFd, int writeFd) {
        this.readFd = readFd;
        this.writeFd = writeFd;
    }

    /**
     * Opens the pipe.
     *
     * @throws LastErrorException if {@code pipe2} fails
     */
    static LeakyPipe open() {
        int[] fds = new int[2];
        // Flags 0 on purpose: no O_CLOEXEC, so only the strategy stands between it and the child.
        Libc.pipe2(fds, 0);
        return new LeakyPipe(fds[0], fds[1]);
    }

    int readFd() {
        return readFd;
    }

    int writeFd() {
        return writeFd;
    }

    /** Whether {@code fd} is one of this pipe's ends. */
    boolean holds(int fd) {
        return fd == readFd || fd == writeFd;
    }

    /** Closes both ends; idempotent, so a descriptor number is never closed twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(readFd);
        closeQuietly(writeFd);
    }

    private static void closeQuietly(int fd) {
        try {
            Libc.close(fd);
        } catch (LastErrorException ignored) {
            // Nothing useful to do: the descriptor is gone either way, and the CLI is about to exit.
        }
    }
}
