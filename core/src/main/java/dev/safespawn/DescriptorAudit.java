package dev.safespawn;

import dev.safespawn.OpenDescriptor.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The open descriptors of a process, read from Linux's {@code /proc}: each
 * with its kind, what it refers to (a socket's addresses, a file's path) and
 * whether it has {@code FD_CLOEXEC}, and so what a child would inherit if the
 * process started it with a bare {@code fork}+{@code exec} or a
 * {@code posix_spawn} that closes nothing. safespawn itself keeps every
 * descriptor but 0, 1, 2 and those passed on purpose from its children
 * whatever their flags; this audit shows what other launchers in the same
 * process (a native library, an old binding, a JDK before it closed
 * descriptors) would hand on, and is the first thing to run when a child
 * holds something it should not.
 *
 * <pre>{@code
 * for (OpenDescriptor d : DescriptorAudit.ofCurrentProcess().leaks()) {
 *     System.out.println(d.number() + " " + d.kind() + " " + d.describe());
 * }
 * }</pre>
 *
 * <p><b>A snapshot, racy by nature.</b> The descriptors are listed, then each
 * is read in turn, while the process goes on opening and closing them. One
 * closed in between is left out; a number reused in between is reported as
 * what it is when read. For the current process the audit's own short-lived
 * descriptors (the directory it lists, the files it reads) may appear with
 * {@code closeOnExec} true or not at all. Nothing is cached: each
 * {@link #of(long)} reads afresh.
 *
 * <p><b>Permissions.</b> Reading another process's descriptors needs its
 * user or {@code CAP_SYS_PTRACE}, and the kernel's ptrace rules to allow it
 * (Yama's {@code ptrace_scope}; a process that made itself non-dumpable;
 * one in another user namespace refuses even root); otherwise
 * {@link #of(long)} throws an {@link IOException} naming the pid and the reason.
 *
 * <p><b>Close-on-exec.</b> Read from the {@code flags} of
 * {@code /proc/PID/fdinfo/N}, where the kernel shows {@code FD_CLOEXEC} as
 * {@code O_CLOEXEC}, 02000000 octal on x86, ARM, RISC-V, PowerPC, s390 and
 * the other architectures that use the generic value (all that safespawn's
 * native strategies build for).
 *
 * <p>Immutable and thread-safe once made. Null policy: no method takes an
 * object and none returns null.
 */
public final class DescriptorAudit {
    /** {@code O_CLOEXEC} as {@code fdinfo} prints it, for the generic Linux architectures. */
    private static final int O_CLOEXEC = 02000000;
    private static final Path PROC = Path.of("/proc");

    private final long pid;
    private final List<OpenDescriptor> descriptors;

    private DescriptorAudit(long pid, List<OpenDescriptor> descriptors) {
        this.pid = pid;
        this.descriptors = List.copyOf(descriptors);
    }

    /**
     * Audits the process running this JVM.
     *
     * @return a snapshot of this process's descriptors
     * @throws IOException if {@code /proc} cannot be read
     * @throws UnsupportedOperationException if there is no Linux {@code /proc}
     */
    public static DescriptorAudit ofCurrentProcess() throws IOException {
        return of(ProcessHandle.current().pid());
    }

    /**
     * Audits the process {@code pid}.
     *
     * @param pid the process, as {@link ProcessHandle#pid()} or {@code ps} gives it
     * @return a snapshot of its descriptors, in ascending order of number
     * @throws IllegalArgumentException if {@code pid} is not positive
     * @throws IOException if the process does not exist (the message says
     *         {@code no such process}), its descriptors may not be read (it
     *         says {@code permission denied} and what would allow it), or
     *         {@code /proc} fails otherwise; the message always names the pid
     * @throws UnsupportedOperationException if there is no Linux {@code /proc}
     */
    public static DescriptorAudit of(long pid) throws IOException {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid " + pid + " is not positive");
        }
        if (!Files.isDirectory(PROC.resolve("self").resolve("fd"))) {
            throw new UnsupportedOperationException("a descriptor audit reads Linux's /proc/PID/fd, which "
                    + System.getProperty("os.name") + " does not have (or /proc is not mounted)");
        }
        Path process = PROC.resolve(Long.toString(pid));
        List<Integer> numbers = list(pid, process.resolve("fd"));
        SocketTables sockets = new SocketTables(process);
        List<OpenDescriptor> found = new ArrayList<>(numbers.size());
        for (int number : numbers) {
            try {
                read(process, number, sockets).ifPresent(found::add);
            } catch (AccessDeniedException e) {
                // Listing needs only read access to the directory; reading a link needs ptrace access too.
                throw denied(pid, e);
            } catch (IOException e) {
                throw new IOException("pid " + pid + ": descriptor " + number + ": " + e, e);
            }
        }
        return new DescriptorAudit(pid, found);
    }

    /**
     * The numbers in {@code /proc/PID/fd}, ascending. The listing is finished
     * and closed before any is read, so the directory's own descriptor is
     * gone by then and drops out as a descriptor closed meanwhile.
     */
    private static List<Integer> list(long pid, Path fdDirectory) throws IOException {
        try (Stream<Path> entries = Files.list(fdDirectory)) {
            return entries.map(p -> Integer.parseInt(p.getFileName().toString())).sorted().toList();
        } catch (NoSuchFileException e) {
            throw new IOException("pid " + pid + ": no such process", e);
        } catch (AccessDeniedException e) {
            throw denied(pid, e);
        } catch (IOException e) {
            throw new IOException("pid " + pid + ": cannot list " + fdDirectory + ": " + e, e);
        }
    }

    private static IOException denied(long pid, AccessDeniedException e) {
        return new IOException("pid " + pid + ": permission denied reading " + e.getFile()
                + " (needs the process's own user or CAP_SYS_PTRACE, and the kernel's ptrace rules to allow it)", e);
    }

    /** One descriptor, or empty if it was closed since the listing. */
    private static Optional<OpenDescriptor> read(Path process, int number, SocketTables sockets)
            throws IOException {
        Path link = process.resolve("fd").resolve(Integer.toString(number));
        String target;
        boolean closeOnExec;
        Kind kind;
        try {
            target = Files.readSymbolicLink(link).toString();
            closeOnExec = (flags(process.resolve("fdinfo").resolve(Integer.toString(number))) & O_CLOEXEC) != 0;
            kind = kindOf(target, link);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // closed since the listing
        }
        Optional<OpenDescriptor.Socket> socket = Optional.empty();
        if (kind == Kind.SOCKET && target.startsWith("socket:[") && target.endsWith("]")) {
            socket = sockets.find(Long.parseLong(target.substring("socket:[".length(), target.length() - 1)));
        }
        return Optional.of(new OpenDescriptor(number, kind, target, closeOnExec, socket));
    }

    /** The octal {@code flags:} line of an {@code fdinfo} file. */
    private static int flags(Path fdinfo) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(fdinfo, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw e;
        } catch (IOException e) {
            // Opened, then the read failed: the kernel answers ENOENT once the descriptor is closed.
            throw new NoSuchFileException(fdinfo.toString(), null, "closed while read (" + e.getMessage() + ")");
        }
        for (String line : lines) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring("flags:".length()).trim(), 8);
            }
        }
        throw new IOException(fdinfo + " has no flags line");
    }

    /**
     * The kind, from the link's text where the kernel names the object, and
     * otherwise (a path) from the type of the file it refers to: following
     * the link stats the open object itself, even when its path was removed.
     */
    static Kind kindOf(String target, Path link) throws IOException {
        if (target.startsWith("/memfd:")) {
            return Kind.MEMFD;
        }
        if (target.startsWith("/")) {
            return kindOfFile(link);
        }
        if (target.startsWith("pipe:")) {
            return Kind.PIPE;
        }
        if (target.startsWith("socket:")) {
            return Kind.SOCKET;
        }
        return switch (target) {
            case "anon_inode:[eventfd]" -> Kind.EVENTFD;
            case "anon_inode:[eventpoll]" -> Kind.EPOLL;
            case "anon_inode:[signalfd]" -> Kind.SIGNALFD;
            case "anon_inode:[timerfd]" -> Kind.TIMERFD;
            case "anon_inode:[pidfd]" -> Kind.PIDFD;
            case "anon_inode:inotify" -> Kind.INOTIFY;
            default -> target.startsWith("anon_inode:") ? Kind.ANON_INODE
                    : target.startsWith("pidfd:") ? Kind.PIDFD : Kind.UNKNOWN;
        };
    }

    /** {@code S_IFMT} of {@code st_mode}, from {@code <sys/stat.h>}. */
    private static Kind kindOfFile(Path link) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(link, "unix:mode");
        } catch (NoSuchFileException e) {
            throw e; // closed meanwhile: the caller skips it
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Files.isDirectory(link) ? Kind.DIRECTORY : Files.isRegularFile(link) ? Kind.FILE : Kind.UNKNOWN;
        }
        return switch (mode & 0170000) {
            case 0100000 -> Kind.FILE;
            case 0040000 -> Kind.DIRECTORY;
            case 0020000 -> Kind.CHARACTER_DEVICE;
            case 0060000 -> Kind.BLOCK_DEVICE;
            case 0010000 -> Kind.FIFO;
            case 0140000 -> Kind.SOCKET;
            default -> Kind.UNKNOWN;
        };
    }

    /**
     * The process audited.
     *
     * @return its pid
     */
    public long pid() {
        return pid;
    }

    /**
     * Every descriptor found open.
     *
     * @return an unmodifiable list in ascending order of number
     */
    public List<OpenDescriptor> descriptors() {
        return descriptors;
    }

    /**
     * The descriptor with this number, if it was open.
     *
     * @param number a descriptor number
     * @return it, or empty if it was not open when audited
     */
    public Optional<OpenDescriptor> descriptor(int number) {
        return descriptors.stream().filter(d -> d.number() == number).findFirst();
    }

    /**
     * The descriptors without {@code FD_CLOEXEC}, 0, 1 and 2 included: every
     * one a child of a bare {@code fork}+{@code exec} would hold.
     *
     * @return an unmodifiable list in ascending order of number
     */
    public List<OpenDescriptor> inheritable() {
        return descriptors.stream().filter(OpenDescriptor::inheritable).toList();
    }

    /**
     * The inheritable descriptors other than 0, 1 and 2: what a bare
     * {@code fork}+{@code exec} would leak into a child that is meant to hold
     * only its standard input, output and error. The standard three are left
     * out because a child is meant to inherit them (a safespawn child holds
     * them too, whatever they were redirected to).
     *
     * @return an unmodifiable list in ascending order of number, empty when nothing would leak
     */
    public List<OpenDescriptor> leaks() {
        return descriptors.stream().filter(d -> d.inheritable() && !d.isStandard()).toList();
    }

    /**
     * A one-line summary for logs, such as
     * {@code DescriptorAudit[pid 4242: 31 open, 12 would leak]}.
     *
     * @return the pid and the counts
     */
    @Override
    public String toString() {
        return "DescriptorAudit[pid " + pid + ": " + descriptors.size() + " open, " + leaks().size()
                + " would leak]";
    }
}
