package dev.safespawn.strategies.zygote;

import com.sun.jna.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The zygote server's executable: packaged in the jar, extracted to a private
 * per-user directory, and checked by SHA-256 against the packaged bytes before
 * every start, so a file altered on disk is never run (it is replaced).
 *
 * <p>The directory is {@value #DIRECTORY_PROPERTY} if set, else
 * {@code $XDG_RUNTIME_DIR/safespawn}, else {@code java.io.tmpdir/safespawn-<uid>}.
 * It must be owned by this user with mode 0700; one that is not is refused,
 * never repaired, since someone else may control it. Thread-safe.
 */
final class ZygoteBinary {
    /** System property naming the directory the server is extracted to. */
    static final String DIRECTORY_PROPERTY = "safespawn.zygote.dir";
    private static final String RESOURCE = "/" + Platform.RESOURCE_PREFIX + "/safespawn-zygote";
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_EXE = PosixFilePermissions.fromString("r-x------");
    private static final System.Logger LOG = System.getLogger(ZygoteBinary.class.getName());

    private final byte[] packaged;
    private final String sha256;

    private ZygoteBinary(byte[] packaged) {
        this.packaged = packaged;
        this.sha256 = sha256(packaged);
    }

    /** Read and hashed once: every Spawner.create() instantiates every strategy. */
    private static final class Packaged {
        static final Optional<ZygoteBinary> BINARY = load();

        private static Optional<ZygoteBinary> load() {
            try (InputStream in = ZygoteBinary.class.getResourceAsStream(RESOURCE)) {
                return in == null ? Optional.empty() : Optional.of(new ZygoteBinary(in.readAllBytes()));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    /** The packaged server, or empty when this jar has none for this platform. */
    static Optional<ZygoteBinary> packaged() {
        return Packaged.BINARY;
    }

    static String resourceName() {
        return RESOURCE;
    }

    /**
     * The extracted executable, checked against the packaged bytes; extracted
     * again if missing or altered.
     *
     * @throws IOException if the directory is not private, or extraction fails
     */
    synchronized Path verifiedExecutable() throws IOException {
        Path dir = privateDirectory();
        Path exe = dir.resolve(fileName());
        if (Files.exists(exe)) {
            if (sha256(Files.readAllBytes(exe)).equals(sha256)) {
                return exe;
            }
            LOG.log(System.Logger.Level.WARNING, "{0} does not match the packaged zygote (SHA-256); replacing it", exe);
            Files.delete(exe);
        }
        Path temp = Files.createTempFile(dir, "safespawn-zygote-", ".part");
        try {
            Files.write(temp, packaged);
            Files.setPosixFilePermissions(temp, PRIVATE_EXE);
            try {
                Files.move(temp, exe, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, exe, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        if (!sha256(Files.readAllBytes(exe)).equals(sha256)) {
            throw new IOException(exe + " changed while it was being extracted");
        }
        return exe;
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

    private static Path privateDirectory() throws IOException {
        Path dir = directory();
        if (!Files.exists(dir)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another JVM made it first: checked below like any existing one
            }
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS) || owner != currentUid()
                || !Files.getPosixFilePermissions(dir).equals(PRIVATE_DIR)) {
            throw new IOException(dir + " is not a private directory (a directory owned by uid " + currentUid()
                    + " with mode 0700); set " + DIRECTORY_PROPERTY + " to one");
        }
        return dir;
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

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
