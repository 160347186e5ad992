package dev.safespawn.strategies.posixspawn;

import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import dev.safespawn.SpawnException.Stage;
import dev.safespawn.internal.Errno;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names the stage of a failed {@code posix_spawn}. The call returns only an
 * error number, so the stage is inferred from the order in which glibc's child
 * works — {@code setsid}, {@code setpgid}, file actions ({@code dup2}s, closes,
 * {@code chdir}), then {@code execve} — and from a look at the directory in the
 * parent: a directory that is missing or unusable takes the blame before the
 * program does, as it would have failed first. {@code EAGAIN} is the clone
 * failing at a process limit, before any of that.
 */
final class SpawnFailure {
    private SpawnFailure() {
    }

    static SpawnException diagnose(int errno, Command command, String executable) {
        if (errno == Errno.EAGAIN) {
            // the clone itself: a process limit (RLIMIT_NPROC, pids cgroup, threads-max); execve never says EAGAIN here
            return new SpawnException(Stage.SPAWN, errno, null,
                    "the child could not be created: a process limit was reached (" + Errno.message(errno) + ")");
        }
        if (command.newSession() && errno == Errno.EPERM) {
            return new SpawnException(Stage.SETSID, errno, null);
        }
        if (command.processGroup().isPresent() && (errno == Errno.EPERM || errno == Errno.ESRCH)) {
            return new SpawnException(Stage.SETPGID, errno, "group " + command.processGroup().getAsInt());
        }
        if (errno == Errno.EBADF) {
            return new SpawnException(Stage.DUP2, errno, null);
        }
        if (command.directory().isPresent()) {
            Path dir = command.directory().get();
            int dirErrno = directoryErrno(dir);
            if (dirErrno != 0) {
                return new SpawnException(Stage.CHDIR, dirErrno, dir.toString());
            }
        }
        return new SpawnException(Stage.EXEC, errno, executable);
    }

    /** What {@code chdir(dir)} would fail with, as far as the parent can tell; 0 if it would work. */
    private static int directoryErrno(Path dir) {
        if (!Files.exists(dir)) {
            return Errno.ENOENT;
        }
        if (!Files.isDirectory(dir)) {
            return Errno.ENOTDIR;
        }
        if (!Files.isExecutable(dir)) {
            return Errno.EACCES;
        }
        return 0;
    }
}
