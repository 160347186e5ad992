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
 * to {@code /bin:/usr/bin} as glibc does). Entries that are missing or not
 * directories are skipped; if only unusable candidates were found, the first
 * one's error (EACCES) is reported, else ENOENT.
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
        return resolve(command.program(), command.directory().orElse(null),
                command.environment().getOrDefault("PATH", DEFAULT_PATH));
    }

    /**
     * The same look-up of {@code program} in {@code searchPath}, relative
     * entries taken from {@code base} (null: the current directory).
     *
     * @throws SpawnException stage RESOLVE when a bare name is not found
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
}
