package dev.safespawn;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one of a child's standard streams goes. Immutable value type, so
 * thread-safe; instances are compared by kind and path. The factories reject a
 * null file with {@link NullPointerException} and never return null; which
 * stream a redirect is valid for is checked by {@link Command.Builder#build()}.
 *
 * <p>{@link #PIPE} is the default for all three streams: the parent reads or
 * writes the other end through {@link ChildProcess}. With any other redirect the
 * matching {@code ChildProcess} stream is a null stream, as in
 * {@link ProcessBuilder}.
 *
 * <p>Files named by {@link #from}, {@link #to} and {@link #appendTo} are opened
 * by the parent at spawn time, so an unreadable or missing file fails the spawn
 * with a {@link SpawnException} of stage {@link SpawnException.Stage#OPEN} that
 * names the file.
 */
public final class Redirect {

    /** The kinds of redirect. An enum: immutable and thread-safe. */
    public enum Kind {
        /** A pipe between parent and child. */
        PIPE,
        /** The parent's own descriptor 0, 1 or 2. */
        INHERIT,
        /** {@code /dev/null}. */
        DISCARD,
        /** Read from a file (stdin only). */
        READ,
        /**
         * Write to a file, truncating it or creating it with mode 0666 masked
         * by the parent's umask and the command's ({@link Command#umask()}).
         */
        WRITE,
        /** Append to a file, creating it if needed, with the same mode as {@link #WRITE}. */
        APPEND
    }

    /** A pipe to or from the parent. */
    public static final Redirect PIPE = new Redirect(Kind.PIPE, null);
    /** The parent's own stream. */
    public static final Redirect INHERIT = new Redirect(Kind.INHERIT, null);
    /** {@code /dev/null}: reads see end of file, writes vanish. */
    public static final Redirect DISCARD = new Redirect(Kind.DISCARD, null);

    private final Kind kind;
    private final Path file;

    private Redirect(Kind kind, Path file) {
        this.kind = kind;
        this.file = file;
    }

    /**
     * Reads the child's stdin from {@code file}. Valid for stdin only.
     *
     * @param file the file to read; opened by the parent at spawn time, not now
     * @return a {@link Kind#READ} redirect naming {@code file}
     * @throws NullPointerException if {@code file} is null
     */
    public static Redirect from(Path file) {
        return new Redirect(Kind.READ, Objects.requireNonNull(file, "file"));
    }

    /**
     * Writes the stream to {@code file}, truncating it. Valid for stdout and stderr.
     *
     * @param file the file to write; created or truncated by the parent at spawn time, not now
     * @return a {@link Kind#WRITE} redirect naming {@code file}
     * @throws NullPointerException if {@code file} is null
     */
    public static Redirect to(Path file) {
        return new Redirect(Kind.WRITE, Objects.requireNonNull(file, "file"));
    }

    /**
     * Appends the stream to {@code file}. Valid for stdout and stderr.
     *
     * @param file the file to append to; opened (created if needed) by the parent at spawn time, not now
     * @return a {@link Kind#APPEND} redirect naming {@code file}
     * @throws NullPointerException if {@code file} is null
     */
    public static Redirect appendTo(Path file) {
        return new Redirect(Kind.APPEND, Objects.requireNonNull(file, "file"));
    }

    /**
     * The kind of this redirect.
     *
     * @return the kind; never null
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The file of a {@code READ}, {@code WRITE} or {@code APPEND} redirect.
     *
     * @return the file as given to the factory; empty for {@link #PIPE},
     *         {@link #INHERIT} and {@link #DISCARD}
     */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Redirect r && r.kind == kind && Objects.equals(r.file, file);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Objects.hashCode(file);
    }

    @Override
    public String toString() {
        return file == null ? kind.name() : kind.name() + " " + file;
    }
}
