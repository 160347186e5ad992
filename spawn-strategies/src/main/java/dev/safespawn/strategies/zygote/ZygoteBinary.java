package dev.safespawn.strategies.zygote;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.safespawn.internal.Errno;
import dev.safespawn.strategies.internal.Descriptor;
import dev.safespawn.strategies.internal.LibC;
import dev.safespawn.strategies.internal.NativeBuilds;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The zygote server's executable: packaged in the jar, extracted to a private
 * per-user directory, and run only through a descriptor whose file was
 * checked, so the file checked is the file that runs.
 *
 * <p>The directory is {@value #DIRECTORY_PROPERTY} if set, else
 * {@code $XDG_RUNTIME_DIR/safespawn}, else {@code java.io.tmpdir/safespawn-<uid>};
 * it is created with mode 0700 if missing. At every server start it is opened
 * without following a symbolic link, and the directory so opened must be
 * owned by this user with mode 0700: a symbolic link, a directory another
 * user made, or one others may write to is refused, never repaired, since
 * someone else may control it. All that follows happens inside the opened
 * directory (through {@code /proc/self/fd}), so renaming or replacing it, or
 * any directory above it, changes nothing of what runs (it can make a start
 * fail).
 *
 * <p>The executable is opened there without following a symbolic link and,
 * through that descriptor, must be a regular file owned by this user,
 * writable by no one else, whose bytes hash (SHA-256) to the packaged ones.
 * One that is not is deleted and extracted again, so an altered file is never
 * run. The server is then executed from that same descriptor (see
 * {@link ServerLauncher}), never by path: a file swapped in after the check
 * is not what runs, and the checked one, writable by this user alone, cannot
 * change in between. Nothing in the server reopens its file.
 *
 * <p>Thread-safe. Nothing here takes or returns null.
 */
final class ZygoteBinary {
    /** System property naming the directory the server is extracted to. */
    static final String DIRECTORY_PROPERTY = "safespawn.zygote.dir";
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_EXE = PosixFilePermissions.fromString("r-x------");
    // <sys/stat.h>
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final System.Logger LOG = System.getLogger(ZygoteBinary.class.getName());

    private final byte[] packaged;
    private final String sha256;

    private ZygoteBinary(byte[] packaged) {
        this.packaged = packaged;
        this.sha256 = HexFormat.of().formatHex(digest().digest(packaged));
    }

    /** Each build read and hashed once: every Spawner.create() instantiates every strategy. */
    private static final Map<String, Optional<ZygoteBinary>> PACKAGED = new ConcurrentHashMap<>();

    /** The packaged server this JVM runs ({@link NativeBuilds#zygoteResource()}), or empty when this jar has none. */
    static Optional<ZygoteBinary> packaged() {
        return packaged(NativeBuilds.zygoteResource());
    }

    /** The packaged server at {@code resource}, or empty when this jar has none there. */
    static Optional<ZygoteBinary> packaged(String resource) {
        return PACKAGED.computeIfAbsent(resource, ZygoteBinary::load);
    }

    private static Optional<ZygoteBinary> load(String resource) {
        try (InputStream in = ZygoteBinary.class.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(new ZygoteBinary(in.readAllBytes()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * A checked executable, open (close-on-exec): run it through {@link #fd()};
     * {@link #path()} only names it in messages. Closing it closes the descriptor.
     */
    record Opened(Path path, int fd) implements AutoCloseable {
        @Override
        public void close() {
            Descriptor.closeQuietly(fd);
        }
    }

    /**
     * The extracted executable, open and checked against the packaged bytes;
     * extracted again if missing or altered. The caller closes it once the
     * server has started.
     *
     * @throws IOException if the directory is not private, or extraction fails
     */
    synchronized Opened verifiedExecutable() throws IOException {
        Path dir = directory();
        String name = fileName();
        int dirFd = openPrivateDirectory(dir);
        try {
            // The opened directory itself, whatever dir names by now.
            Path inside = descriptorPath(dirFd);
            int fd = openChecked(dirFd, inside, dir, name);
            if (fd < 0) {
                extract(inside, name);
                fd = openChecked(dirFd, inside, dir, name);
                if (fd < 0) {
                    throw new IOException(dir.resolve(name) + " changed while it was being extracted");
                }
            }
            return new Opened(dir.resolve(name), fd);
        } finally {
            Descriptor.closeQuietly(dirFd);
        }
    }

    /**
     * The open executable if it is the packaged one; -1 if there is none, or
     * there was another file, which is then deleted.
     */
    private int openChecked(int dirFd, Path inside, Path dir, String name) throws IOException {
        int fd = -1;
        try {
            fd = LibC.openat(dirFd, name, LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.ENOENT) {
                return -1;
            }
            if (e.getErrorCode() != Errno.ELOOP) { // a symbolic link is replaced below
                throw new IOException("cannot open " + dir.resolve(name) + ": " + Errno.message(e.getErrorCode()));
            }
        }
        if (fd >= 0) {
            try {
                if (isPackaged(fd)) {
                    return fd;
                }
            } catch (IOException | RuntimeException e) {
                Descriptor.closeQuietly(fd);
                throw e;
            }
            Descriptor.closeQuietly(fd);
        }
        LOG.log(System.Logger.Level.WARNING, "{0} is not the packaged zygote (a regular file of this user''s,"
                + " writable by no one else, with the packaged SHA-256); replacing it", dir.resolve(name));
        Files.delete(inside.resolve(name));
        return -1;
    }

    /** Whether the open file is this user's regular file, writable by no one else, with the packaged bytes. */
    private boolean isPackaged(int fd) throws IOException {
        Map<String, Object> stat = Files.readAttributes(descriptorPath(fd), "unix:mode,uid");
        int mode = (Integer) stat.get("mode");
        if ((mode & S_IFMT) != S_IFREG || (Integer) stat.get("uid") != currentUid() || (mode & 022) != 0) {
            return false;
        }
        MessageDigest digest = digest();
        long total = 0;
        try (Memory chunk = new Memory(64 * 1024)) {
            for (long n; (n = LibC.read(fd, chunk, chunk.size())) > 0;) {
                total += n;
                if (total > packaged.length) {
                    return false;
                }
                digest.update(chunk.getByteArray(0, (int) n));
            }
        } catch (LastErrorException e) {
            throw new IOException("cannot read the zygote executable: " + Errno.message(e.getErrorCode()));
        }
        return total == packaged.length && HexFormat.of().formatHex(digest.digest()).equals(sha256);
    }

    /** Writes the packaged bytes to a new file and renames it into place, all inside the opened directory. */
    private void extract(Path inside, String name) throws IOException {
        Path temp = Files.createTempFile(inside, "safespawn-zygote-", ".part");
        try {
            Files.write(temp, packaged);
            Files.setPosixFilePermissions(temp, PRIVATE_EXE);
            try {
                Files.move(temp, inside.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, inside.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Where {@link #verifiedExecutable()} puts the server, for diagnostics:
     * finds the directory but neither creates, checks nor extracts anything.
     */
    Path location() throws IOException {
        return directory().resolve(fileName());
    }

    /** Named after the packaged bytes, so two safespawn versions never share a file. */
    private String fileName() {
        return "safespawn-zygote-" + sha256.substring(0, 16);
    }

    /**
     * Opens dir, made if missing, without following a symbolic link; what was
     * opened must be this user's directory with mode 0700.
     */
    private static int openPrivateDirectory(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.toAbsolutePath().getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            } catch (FileAlreadyExistsException raced) {
                // another JVM made it first: checked below like any existing one
            }
        }
        int fd;
        try {
            fd = LibC.open(dir.toString(), LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            // With O_DIRECTORY a symbolic link fails as ENOTDIR, not ELOOP: lstat tells which it was.
            int errno = e.getErrorCode();
            throw notPrivate(dir, Files.isSymbolicLink(dir) ? "it is a symbolic link"
                    : errno == Errno.ENOTDIR ? "it is not a directory" : Errno.message(errno));
        }
        try {
            Map<String, Object> stat = Files.readAttributes(descriptorPath(fd), "unix:mode,uid");
            int owner = (Integer) stat.get("uid");
            int permissions = (Integer) stat.get("mode") & 0777;
            if (owner != currentUid()) {
                throw notPrivate(dir, "it belongs to uid " + owner);
            }
            if (permissions != 0700) {
                throw notPrivate(dir, "its mode is 0" + Integer.toOctalString(permissions));
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            Descriptor.closeQuietly(fd);
            throw e;
        }
    }

    private static IOException notPrivate(Path dir, String why) throws IOException {
        return new IOException(dir + " is not a private directory (a directory owned by uid " + currentUid()
                + " with mode 0700): " + why + "; set " + DIRECTORY_PROPERTY + " to one");
    }

    /** The open file or directory itself: the kernel resolves this name to what fd refers to. */
    private static Path descriptorPath(int fd) {
        return Path.of("/proc/self/fd", Integer.toString(fd));
    }

    static Path directory() throws IOException {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime))) {
            return Path.of(runtime, "safespawn");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "safespawn-" + currentUid());
    }

    private static int currentUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /**
     * Why exec of {@code exe} may have failed with EACCES although it is
     * executable: its file system is mounted noexec. Empty if not.
     */
    static Optional<String> noexecDiagnosis(Path exe) {
        try {
            String best = "";
            boolean noexec = false;
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                String mountPoint = f[1].replace("\\040", " ");
                if (f.length > 3 && exe.startsWith(mountPoint) && mountPoint.length() >= best.length()) {
                    best = mountPoint;
                    noexec = Set.of(f[3].split(",")).contains("noexec");
                }
            }
            return noexec ? Optional.of(exe.getParent() + " is on a noexec mount (" + best + "); set "
                    + DIRECTORY_PROPERTY + " to a directory where programs may run") : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
