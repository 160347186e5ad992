package dev.safespawn.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The conformance probe: a small C program, run as the child, that reports
 * what the child really holds (see {@link ProbeReport}).
 *
 * <p>Its source ships in this jar. Unless the system property
 * {@value #PROPERTY} names a compiled probe, the first call to {@link #path()}
 * compiles it with the system C compiler ({@code cc}, or the one the
 * environment variable {@code CC} names) into a private directory keyed by the
 * source's hash, so a strategy outside this repository can run the suite with
 * nothing but a C compiler. Thread-safe; compiles at most once per JVM. Not
 * an instance type; {@link #path()} never returns null.
 */
public final class Probe {

    /** System property naming an already compiled probe. */
    public static final String PROPERTY = "safespawn.probe";

    private static final String SOURCE = "safespawn-probe.c";
    private static volatile Path compiled;

    private Probe() {
    }

    /**
     * The probe executable, as an absolute path (so that it still resolves for a
     * child given another working directory).
     *
     * @return the probe's absolute path, never null
     * @throws java.io.UncheckedIOException if compiling fails for an I/O error
     * @throws IllegalStateException if {@value #PROPERTY} names no executable
     *     regular file, or the packaged source cannot be compiled
     */
    public static Path path() {
        String value = System.getProperty(PROPERTY);
        if (value != null && !value.isBlank()) {
            return given(value);
        }
        Path p = compiled;
        if (p == null) {
            synchronized (Probe.class) {
                p = compiled;
                if (p == null) {
                    p = compile();
                    compiled = p;
                }
            }
        }
        return p;
    }

    private static Path given(String value) {
        Path path;
        try {
            path = Path.of(value).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new IllegalStateException("-D" + PROPERTY + " is not a valid path: '" + value + "'", e);
        }
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw new IllegalStateException("-D" + PROPERTY + " names no executable regular file: " + path);
        }
        return path;
    }

    private static Path compile() {
        try {
            byte[] source;
            try (InputStream in = Probe.class.getResourceAsStream(SOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(SOURCE + " is missing from the test kit's jar");
                }
                source = in.readAllBytes();
            }
            Path dir = privateDirectory();
            Path exe = dir.resolve("safespawn-probe-" + sha256(source).substring(0, 16));
            if (Files.isExecutable(exe)) {
                return exe;
            }
            Path src = Files.createTempFile(dir, "probe-", ".c");
            Path out = Files.createTempFile(dir, "probe-", ".part");
            try {
                Files.write(src, source);
                String cc = System.getenv().getOrDefault("CC", "cc");
                Process p = new ProcessBuilder(cc, "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror",
                        "-o", out.toString(), src.toString())
                        .redirectErrorStream(true).start();
                p.getOutputStream().close();
                String log = new String(p.getInputStream().readAllBytes());
                if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    throw new IllegalStateException("compiling the conformance probe with '" + cc
                            + "' failed (set -D" + PROPERTY + " to a compiled probe instead):\n" + log);
                }
                Files.move(out, exe, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return exe;
            } finally {
                Files.deleteIfExists(src);
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compile the conformance probe", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling the conformance probe", e);
        }
    }

    /** A 0700 directory of this user's under the temporary directory. */
    private static Path privateDirectory() throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"),
                "safespawn-testkit-" + System.getProperty("user.name"));
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (!Files.getPosixFilePermissions(dir).equals(PosixFilePermissions.fromString("rwx------"))
                || !Files.getOwner(dir).getName().equals(System.getProperty("user.name"))) {
            throw new IllegalStateException(dir + " is not a private directory of this user's;"
                    + " remove it or set -D" + PROPERTY);
        }
        return dir;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
