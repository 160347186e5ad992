package dev.safespawn.internal;

import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the file a command's program names, in the parent, before any child
 * exists: a failed look-up is then a clear {@link SpawnException} of stage
 * {@code RESOLVE} rather than a child that dies with status 127.
 *
 * <p>Follows {@code execvp}: a name with a slash is used as it is (relative to
 * the child's directory) and left for {@code execve} to judge; a bare name is
 * searched in the child's {@code PATH} (the command's environment, falling back
 * to {@code /bin:/usr/bin} as glibc does), or in the parent's when the command
 * says {@link Command#searchesParentPath()}. Entries that are missing or not
 * directories are skipped; if only unusable candidates were found, the first
 * one's error (EACCES) is reported, else ENOENT.
 *
 * <p>Unlike {@code execvp}, and like Go since 1.19, an executable found
 * through a relative entry (empty, {@code .}, or any other not starting with
 * {@code /}) is refused (EPERM) rather than run: a file planted in the working
 * directory would otherwise shadow the program meant. The caller who means it
 * names it with a slash ({@code ./name}).
 */
public final class ExecutableResolver {
    static final String DEFAULT_PATH = "/bin:/usr/bin";

    private ExecutableResolver() {
    }

    /**
     * The path to hand to {@code execve} for {@code command}: the program
     * itself when it contains a slash, otherwise the first executable regular
     * file called so in the child's {@code PATH}.
     *
     * @throws SpawnException stage RESOLVE when a bare name is not found
     */
    public static String resolve(Command command) throws SpawnException {
        String searchPath = command.searchesParentPath() ? ParentPath.VALUE
                : command.environment().getOrDefault("PATH", DEFAULT_PATH);
        return resolve(command.program(), command.directory().orElse(null), searchPath);
    }

    /** This JVM's {@code PATH}, read once: {@link System#getenv()} never changes. */
    private static final class ParentPath {
        static final String VALUE = System.getenv().getOrDefault("PATH", DEFAULT_PATH);
    }

    /**
     * The same look-up of {@code program} in {@code searchPath}, relative
     * entries taken from {@code base} (null: the current directory).
     *
     * @throws SpawnException stage RESOLVE when a bare name is not found, or
     *         found only through a relative entry (EPERM)
     */
    public static String resolve(String program, Path base, String searchPath) throws SpawnException {
        if (program.indexOf('/') >= 0) {
            return program;
        }
        String firstDenied = null;
        for (String entry : searchPath.split(":", -1)) {
            String dir = entry.isEmpty() ? "." : entry;
            String candidate = dir.endsWith("/") ? dir + program : dir + "/" + program;
            Path onDisk = base == null ? Path.of(candidate) : base.resolve(candidate);
            if (Files.isRegularFile(onDisk)) {
                if (Files.isExecutable(onDisk)) {
                    if (!dir.startsWith("/")) {
                        throw relativeResult(program, entry, candidate);
                    }
                    return candidate;
                }
                if (firstDenied == null) {
                    firstDenied = candidate;
                }
            } else if (Files.isDirectory(onDisk) && firstDenied == null) {
                firstDenied = candidate; // execve of a directory fails with EACCES
            }
        }
        if (firstDenied != null) {
            throw new SpawnException(SpawnException.Stage.RESOLVE, Errno.EACCES, firstDenied);
        }
        throw new SpawnException(SpawnException.Stage.RESOLVE, Errno.ENOENT, program,
                "not found in PATH=" + searchPath);
    }

    /**
     * What {@code execve} would say of {@code executable} (as {@link #resolve}
     * returned it), found in the parent: for a pipeline, whose stages must
     * not start when a later one cannot. {@code ENOENT} when the file is
     * missing (or a part of its path is not a directory), {@code EACCES} for
     * a directory or a file without execute permission. A relative path is
     * taken from {@code directory}, as the child would take it.
     *
     * @param directory the child's working directory; null for the parent's
     * @throws SpawnException stage EXEC, naming {@code executable}
     */
    public static void checkExecutable(String executable, Path directory) throws SpawnException {
        Path file = directory == null ? Path.of(executable) : directory.resolve(executable);
        int errno = 0;
        if (!Files.exists(file)) {
            errno = Errno.ENOENT;
        } else if (Files.isDirectory(file) || !Files.isExecutable(file)) {
            errno = Errno.EACCES;
        }
        if (errno != 0) {
            throw new SpawnException(SpawnException.Stage.EXEC, errno, executable);
        }
    }

    private static SpawnException relativeResult(String program, String entry, String candidate) {
        String where = entry.isEmpty() ? "an empty entry" : "the relative entry '" + entry + "'";
        String asPath = candidate.startsWith("/") || candidate.startsWith("./") || candidate.startsWith("../")
                ? candidate : "./" + candidate;
        return new SpawnException(SpawnException.Stage.RESOLVE, Errno.EPERM, program,
                "found as " + candidate + " through " + where + " of PATH, relative to the child's working"
                        + " directory: refused, so that a file planted there cannot stand in for the program"
                        + " meant. To run that file, name it with a slash: " + asPath);
    }
}
