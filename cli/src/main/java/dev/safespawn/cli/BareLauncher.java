package dev.safespawn.cli;

import com.sun.jna.LastErrorException;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import dev.safespawn.ExitStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * WHAT NOT TO DO: a raw {@code posix_spawn} with no file actions and no
 * attributes, the way a naive binding (or a plain {@code fork}+{@code exec})
 * starts a child. The child inherits every descriptor of the JVM that lacks
 * {@code O_CLOEXEC}, the calling thread's signal mask and every ignored
 * signal. It exists only so the demo can show the bug; never copy it.
 */
final class BareLauncher implements DemoLauncher {

    @Override
    public String label() {
        return "bare posix_spawn (what NOT to do)";
    }

    @Override
    public boolean isSafespawn() {
        return false;
    }

    /** {@code SIGKILL}, the same number on every Linux architecture. */
    private static final int SIGKILL = 9;

    @Override
    public List<ExitStatus> launchAndReap(List<String> argv, int count) throws IOException {
        List<Integer> pids = new ArrayList<>();
        IOException failure = null;
        for (int i = 0; i < count && failure == null; i++) {
            try {
                pids.add(spawn(argv));
            } catch (IOException e) {
                failure = e;
            }
        }
        List<ExitStatus> statuses = new ArrayList<>();
        for (int pid : pids) {
            statuses.add(reap(pid));
        }
        if (failure != null) {
            throw failure;
        }
        return statuses;
    }

    @Override
    public ExitStatus launchVisitAndReap(List<String> argv, Visit visit) throws IOException, InterruptedException {
        int pid = spawn(argv);
        try {
            visit.accept(pid);
        } catch (IOException | InterruptedException | RuntimeException e) {
            Libc.kill(pid, SIGKILL); // not reaped yet, so the pid cannot belong to anyone else
            reap(pid);
            throw e;
        }
        return reap(pid);
    }

    private static int spawn(List<String> argv) throws IOException {
        StringArray args = new StringArray(argv.toArray(new String[0]));
        // A fixed, minimal environment: the child only runs shell built-ins.
        StringArray envp = new StringArray(new String[] {"PATH=/usr/bin:/bin"});
        IntByReference pid = new IntByReference();
        // DON'T: null file actions and null attributes leave every inheritable descriptor open in the child.
        int error = Libc.posix_spawn(pid, argv.get(0), null, null, args, envp);
        if (error != 0) {
            throw new IOException("posix_spawn " + argv.get(0) + ": " + Libc.describe(error));
        }
        return pid.getValue();
    }

    /** Waits for {@code pid}, a child nobody else reaps, and decodes its wait status. */
    private static ExitStatus reap(int pid) throws IOException {
        IntByReference status = new IntByReference();
        while (true) {
            try {
                Libc.waitpid(pid, status, 0);
                break;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Libc.EINTR) {
                    throw new IOException("waitpid " + pid + ": " + Libc.describe(e.getErrorCode()), e);
                }
            }
        }
        int s = status.getValue();
        // <sys/wait.h>: WIFEXITED when the low 7 bits are 0, WEXITSTATUS in bits 8-15, else WTERMSIG in the low 7.
        return (s & 0x7f) == 0 ? ExitStatus.exited((s >> 8) & 0xff) : ExitStatus.killedBy(s & 0x7f);
    }
}
