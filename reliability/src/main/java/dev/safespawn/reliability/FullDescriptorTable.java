package dev.safespawn.reliability;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * This JVM's descriptor table, full: the soft {@code RLIMIT_NOFILE} is lowered
 * to a little above the highest descriptor open now, and the gap filled with
 * {@code /dev/null} opened close-on-exec, until {@code open} fails with
 * {@code EMFILE}. Lowering the limit first keeps the filling short and
 * leaves the hard limit alone. {@link #close()} closes every filler and puts
 * the earlier limit back, so a caller does it in a finally block: the JVM
 * is shared with every other scenario. Not thread-safe.
 */
final class FullDescriptorTable implements AutoCloseable {
    static final int EMFILE = 24;
    /** How far above the highest open descriptor the limit goes: room for a few fillers, no more. */
    private static final int HEADROOM = 32;

    private final long[] earlier = new long[2];
    private final List<Integer> fillers = new ArrayList<>();
    private int closedByOthers;

    private FullDescriptorTable() {
    }

    /** Fills the table; if that fails part way, what it did is undone before the failure is thrown. */
    static FullDescriptorTable fill() throws IOException {
        FullDescriptorTable table = new FullDescriptorTable();
        Libc.prlimit(0, Libc.RLIMIT_NOFILE, null, table.earlier);
        try {
            Libc.prlimit(0, Libc.RLIMIT_NOFILE, new long[] {highestOpen() + 1 + HEADROOM, table.earlier[1]}, null);
            while (true) {
                try {
                    table.fillers.add(Libc.open("/dev/null", Libc.O_RDONLY | Libc.O_CLOEXEC));
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != EMFILE) {
                        throw new IOException("filling the descriptor table: " + e.getMessage(), e);
                    }
                    return table;
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            table.close();
            throw e;
        }
    }

    /** How many descriptors it opened to fill the table. */
    int fillers() {
        return fillers.size();
    }

    /**
     * How many fillers were found closed already when {@link #close()} came to
     * them: closed by code that did not own them. Valid after {@code close()}.
     */
    int closedByOthers() {
        return closedByOthers;
    }

    private static int highestOpen() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.mapToInt(p -> Integer.parseInt(p.getFileName().toString())).max().orElse(2);
        }
    }

    /** Closes every filler, then restores the limit as it was. */
    @Override
    public void close() {
        try {
            for (int fd : fillers) {
                try {
                    Libc.close(fd);
                } catch (LastErrorException e) {
                    closedByOthers++; // EBADF: code under test closed a descriptor it did not own
                }
            }
            fillers.clear();
        } finally {
            Libc.prlimit(0, Libc.RLIMIT_NOFILE, earlier, null);
        }
    }
}
