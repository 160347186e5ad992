package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.safespawn.ChildProcess;
import dev.safespawn.Spawner;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The JVM {@link DescriptorLimitTest} starts: with a child already running,
 * fills its own descriptor table, then waits for, writes to and reads from the
 * child, and prints one line saying how each went. Its own JVM because the
 * table is full for everyone in it while it runs.
 */
public final class DescriptorLimitHost {
    private DescriptorLimitHost() {
    }

    public static void main(String[] args) throws Exception {
        try (Spawner spawner = Spawner.of(args[0])) {
            // Loads every class the calls need: at a full table, loading one fails.
            System.out.println("warm-up " + exercise(spawner.spawn(COMMAND)));
            ChildProcess child = spawner.spawn(COMMAND);
            List<Integer> filler = fillTable();
            String[] report = new String[1];
            // A thread that has never waited, so none of its calls can lean on what the
            // first thread made on its waits.
            Thread fresh = new Thread(() -> report[0] = exercise(child));
            fresh.start();
            fresh.join();
            for (int fd : filler) {
                Descriptor.closeQuietly(fd);
            }
            System.out.println(report[0] + " next=" + spawner.spawn("true").waitFor());
        }
    }

    private static final String[] COMMAND = {"sh", "-c", "read x; echo \"got $x\""};

    /** Waits for the child (which waits for its stdin: the wait blocks, then times out), feeds it and reads it. */
    private static String exercise(ChildProcess child) {
        StringBuilder report = new StringBuilder();
        try (child) {
            report.append("waited=").append(child.waitFor(20, TimeUnit.MILLISECONDS));
            OutputStream in = child.getOutputStream();
            in.write("hi\n".getBytes(StandardCharsets.US_ASCII));
            in.close();
            report.append(" read=").append(new String(child.getInputStream().readAllBytes(),
                    StandardCharsets.US_ASCII).trim());
            report.append(" exit=").append(child.waitFor());
        } catch (Throwable t) {
            report.append(" failed=").append(t);
        }
        return report.toString();
    }

    /** Lowers the soft limit to a little above what is open and opens /dev/null until EMFILE. */
    private static List<Integer> fillTable() {
        int open = Objects.requireNonNull(new File("/proc/self/fd").list()).length;
        try (Memory rlim = new Memory(16)) {
            LibC.getrlimit(LibC.RLIMIT_NOFILE, rlim);
            rlim.setLong(0, Math.min(rlim.getLong(8), open + 64L));
            LibC.setrlimit(LibC.RLIMIT_NOFILE, rlim);
        }
        List<Integer> fds = new ArrayList<>();
        while (true) {
            try {
                fds.add(LibC.open("/dev/null", LibC.O_RDONLY | LibC.O_CLOEXEC, 0));
            } catch (LastErrorException full) {
                return fds;
            }
        }
    }
}
