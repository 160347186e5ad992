package dev.safespawn.testkit;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the test JVM itself holds: descriptors, zombie children, threads. Linux
 * only (it reads {@code /proc}). Every method is static and thread-safe; the
 * answers are snapshots of a JVM whose other threads may change them.
 */
public final class ParentState {
    private ParentState() {
    }

    /** Where the JVM reads its cgroup limits from, briefly, in its own threads. */
    private static final Path JVM_CGROUP_READS = Path.of("/sys/fs/cgroup");

    /**
     * The parent's open descriptors, each with what it points at ("pipe:[4711]",
     * a path): a leak cannot hide behind a number that the cleaner freed
     * meanwhile, because a new pipe or socket has a new target.
     *
     * @return entries such as {@code "3 -> pipe:[4711]"}, sorted; a new mutable set
     * @throws UncheckedIOException if {@code /proc/self/fd} cannot be listed
     */
    public static Set<String> openFds() {
        Set<String> fds = new TreeSet<>();
        Path listing = Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "fd");
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    Path target = Files.readSymbolicLink(p);
                    // Left out: directory streams (this listing's among them), and the
                    // cgroup files the JVM itself opens for a moment to size its heap,
                    // which a snapshot can catch open in a VM thread.
                    if (!target.equals(listing) && !target.startsWith(JVM_CGROUP_READS)) {
                        fds.add(p.getFileName() + " -> " + target);
                    }
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor, or one another thread just closed
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fds;
    }

    /**
     * For a failure message: who is behind each of {@code fds} (entries of
     * {@link #openFds()}). A pidfd names its process (from fdinfo); a pipe or
     * socket names the descendants holding its other end; then every live
     * thread. Empty for no descriptors.
     *
     * @param fds entries as {@link #openFds()} gives them
     * @return one line per descriptor, then the live threads; each line starts with a line break
     */
    public static String describe(Set<String> fds) {
        if (fds.isEmpty()) {
            return "";
        }
        List<Long> descendants = new ArrayList<>();
        ProcessHandle.current().descendants().forEach(h -> descendants.add(h.pid()));
        StringBuilder b = new StringBuilder();
        for (String entry : fds) {
            String fd = entry.substring(0, entry.indexOf(' '));
            String target = entry.substring(entry.indexOf("-> ") + 3);
            b.append("\n  ").append(entry);
            if (target.contains("pidfd")) {
                String pid = fdinfo(fd, "Pid:");
                b.append(": process ").append(pid).append(' ').append(commandLine(pid));
            } else if (target.startsWith("pipe:") || target.startsWith("socket:")) {
                for (long pid : descendants) {
                    if (holds(pid, target)) {
                        b.append("; other end in ").append(pid).append(' ').append(commandLine(Long.toString(pid)));
                    }
                }
            }
        }
        b.append("\n  live threads: ").append(Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive).map(Thread::getName).sorted().collect(Collectors.joining(", ")));
        return b.toString();
    }

    private static String fdinfo(String fd, String key) {
        try {
            return Files.readAllLines(Path.of("/proc/self/fdinfo", fd)).stream().filter(l -> l.startsWith(key))
                    .map(l -> l.substring(key.length()).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "? (" + e.getMessage() + ")";
        }
    }

    private static String commandLine(String pid) {
        try {
            return "[" + new String(Files.readAllBytes(Path.of("/proc", pid, "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ').trim() + "]";
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return "[gone]";
        }
    }

    private static boolean holds(long pid, String target) {
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    if (Files.readSymbolicLink(p).toString().equals(target)) {
                        return true;
                    }
                } catch (IOException closedMeanwhile) {
                    // not this one
                }
            }
        } catch (IOException | UncheckedIOException gone) {
            // exited meanwhile
        }
        return false;
    }

    static boolean isOpen(int fd) {
        try {
            Libc.fcntl(fd, Libc.F_GETFD, 0);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    /**
     * Children of this JVM that have exited but were not reaped.
     *
     * @return their pids, possibly none; a new mutable list
     * @throws UncheckedIOException if {@code /proc/self/task} cannot be listed
     */
    public static List<Long> zombieChildren() {
        List<Long> zombies = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String children;
                try {
                    children = Files.readString(task.resolve("children")).trim();
                } catch (IOException threadGone) {
                    continue;
                }
                for (String pid : children.isEmpty() ? new String[0] : children.split("\\s+")) {
                    if (isZombie(pid)) {
                        zombies.add(Long.parseLong(pid));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return zombies;
    }

    private static boolean isZombie(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    /**
     * Live threads that belong neither to the JDK's own pools (its process
     * reapers linger by design, the common pool grows on demand) nor to the
     * library's long-lived threads. The fallback's per-child waiting threads
     * end right after their child is reaped: those of ended children are
     * joined first, and any still alive after that counts.
     *
     * @return the names of those threads, sorted; a new mutable set
     * @throws InterruptedException if interrupted while joining a waiting thread
     */
    public static Set<String> otherThreads() throws InterruptedException {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (name.startsWith("safespawn-wait-")) {
                long pid = Long.parseLong(name.substring("safespawn-wait-".length()));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue; // its child still runs (a zygote server, say): the thread rightly lives on
                }
                t.join(60_000);
            }
        }
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> !n.startsWith("process reaper") && !n.startsWith("ForkJoinPool")
                        && !n.equals("safespawn-reaper") && !n.equals("safespawn-cleaner")
                        && !n.equals("safespawn-parent-death-spawner"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * A pipe made with plain {@code pipe2(flags 0)}, as careless native code
     * makes one: neither end is close-on-exec. The caller closes both ends
     * ({@link #close(int...)}).
     *
     * @return the read end, then the write end
     * @throws com.sun.jna.LastErrorException if the pipe cannot be made ({@code EMFILE}, say)
     */
    public static int[] leakyPipe() {
        int[] fds = new int[2];
        Libc.pipe2(fds, 0);
        return fds;
    }

    /**
     * A sysctl's value, e.g. {@code sysctl("fs/nr_open")}. Read in one call:
     * integer files under /proc/sys report EOF to a read at a non-zero offset,
     * so a reader that starts with one byte (Files.readString) sees only the first digit.
     *
     * @param name the sysctl's path under {@code /proc/sys}, with slashes
     * @return its value, which must be one integer
     * @throws IOException if the file cannot be read
     * @throws NumberFormatException if the value is not one integer
     */
    public static long sysctl(String name) throws IOException {
        try (var in = Files.newInputStream(Path.of("/proc/sys", name))) {
            return Long.parseLong(new String(in.readNBytes(64), StandardCharsets.US_ASCII).trim());
        }
    }

    /**
     * A pidfd for any process (Linux 5.3), to learn when it exits without being its parent.
     *
     * @param pid the process; it must be alive (or a zombie) now
     * @return a new pidfd, which the caller closes with {@link #close(int...)}
     * @throws com.sun.jna.LastErrorException if {@code pidfd_open} fails, such
     *         as {@code ESRCH} when no process has that pid
     */
    public static int pidfdOf(long pid) {
        return (int) Libc.syscall(Libc.SYS_pidfd_open, pid, 0, 0, 0);
    }

    /**
     * Sends a signal through a pidfd ({@code pidfd_send_signal}): it reaches
     * the process the pidfd was opened on, never one that reused its pid.
     *
     * @param pidfd a pidfd from {@link #pidfdOf(long)}, still open
     * @param signal the signal's number, as {@link dev.safespawn.Signal} names them
     * @throws com.sun.jna.LastErrorException if it fails, such as {@code ESRCH}
     *         when the process has exited
     */
    public static void signal(int pidfd, int signal) {
        Libc.syscall(Libc.SYS_pidfd_send_signal, pidfd, signal, 0, 0);
    }

    /**
     * Waits until the pidfd's process has exited (it turns readable), or the timeout passes.
     *
     * @param pidfd a pidfd from {@link #pidfdOf(long)}, still open
     * @param timeoutMillis how long to wait: 0 looks without waiting, a negative value waits for ever
     * @return true if the process has exited; false if the time ran out first
     * @throws com.sun.jna.LastErrorException if {@code poll} fails
     */
    public static boolean awaitExit(int pidfd, int timeoutMillis) {
        try (Memory pfd = new Memory(8)) {
            pfd.setInt(0, pidfd);
            pfd.setShort(4, Libc.POLLIN);
            pfd.setShort(6, (short) 0);
            return Libc.poll(pfd, 1, timeoutMillis) == 1;
        }
    }

    /**
     * Closes descriptors, in order.
     *
     * @param fds the descriptors to close
     * @throws NullPointerException if {@code fds} is null
     * @throws com.sun.jna.LastErrorException if one is not open ({@code EBADF});
     *         the ones after it are then left open
     */
    public static void close(int... fds) {
        for (int fd : fds) {
            Libc.close(fd);
        }
    }
}
