package dev.safespawn.jdk;

import dev.safespawn.ChildProcess;
import dev.safespawn.ExitStatus;
import dev.safespawn.Signal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ChildProcess} over a JDK {@link Process}. The JDK folds a signal
 * death into exit code 128+n, so {@link #exitStatus()} can only report codes.
 * Its output streams end at the exit as the JDK's do, without the JDK's race
 * after {@code waitFor()} (see {@link EndAtExitInputStream}).
 *
 * <p>The JDK reports a child it could not reap ({@code ECHILD}: reaped
 * elsewhere) as exit code 0. When the JDK reports 0 while this JVM ignores
 * {@code SIGCHLD} (so the kernel reaped its children itself), the end is
 * {@link ExitStatus#lost(String)} instead, {@link #exitValue()} -1. The
 * disposition is read (from {@code /proc/self/status}, so on Linux only) when
 * the exit is first observed, right after the JDK's reap: a {@code SIGCHLD}
 * ignored only while the child ended, or a {@code waitpid(-1)} elsewhere,
 * still passes for exit code 0.
 */
final class JdkChildProcess extends ChildProcess {
    private final Process process;
    private final CompletableFuture<Process> onExit;
    private final StdinStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    /** How the child ended, decided once when the exit is first observed; null before. */
    private volatile ExitStatus end;

    JdkChildProcess(Process process) {
        this.process = process;
        this.onExit = process.onExit().thenApply(p -> {
            end();
            return this;
        });
        this.stdin = new StdinStream(process.getOutputStream());
        this.stdout = new EndAtExitInputStream(process.getInputStream(), process);
        this.stderr = new EndAtExitInputStream(process.getErrorStream(), process);
    }

    @Override
    public OutputStream getOutputStream() {
        return stdin;
    }

    /**
     * As {@link ChildProcess#close()}, except that a child still alive while a
     * write to its stdin is under way is destroyed before the streams are
     * closed rather than after: the JDK's stream cannot be closed while that
     * write holds it (see {@link StdinStream}), and the child's death is what
     * ends the write (with an {@link IOException}). The end is the same:
     * streams closed, child killed and waited for.
     */
    @Override
    public void close() throws IOException {
        if (stdin.shutOutWriters() && isAlive()) {
            destroyForcibly();
        }
        super.close();
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    @Override
    public int waitFor() throws InterruptedException {
        process.waitFor();
        return end().exitValue();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        if (!process.waitFor(timeout, unit)) {
            return false;
        }
        end();
        return true;
    }

    @Override
    public ExitStatus exitStatus() {
        process.exitValue(); // throws while the child runs
        return end();
    }

    @Override
    public int exitValue() {
        process.exitValue(); // throws while the child runs
        return end().exitValue();
    }

    /** The end, the child having exited: decided on the first call, the same ever after. */
    private ExitStatus end() {
        ExitStatus e = end;
        if (e == null) {
            synchronized (this) {
                if (end == null) {
                    int code = process.exitValue();
                    end = code == 0 && sigchldIgnored()
                            ? ExitStatus.lost("the JDK reported exit code 0 while SIGCHLD was ignored, so"
                                    + " the kernel reaped the child (pid " + process.pid() + ") and its status"
                                    + " is unknown")
                            : ExitStatus.exited(code & 0xff);
                }
                e = end;
            }
        }
        return e;
    }

    /**
     * Whether this JVM ignores {@code SIGCHLD} now: bit 17 of {@code SigIgn}
     * in {@code /proc/self/status}. Read with plain JDK classes every JVM has
     * initialized, and no lambda: on JDK 25 a virtual thread that waited for
     * another to link a stream pipeline's first lambda here was reported
     * pinned.
     */
    private static boolean sigchldIgnored() {
        String status;
        try (java.io.FileInputStream in = new java.io.FileInputStream("/proc/self/status")) {
            status = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            return false; // no /proc (not Linux): the JDK's 0 stands
        }
        int at = status.indexOf("\nSigIgn:");
        if (at < 0) {
            return false;
        }
        int from = at + "\nSigIgn:".length();
        int to = status.indexOf('\n', from);
        try {
            long ignored = Long.parseUnsignedLong(status.substring(from, to < 0 ? status.length() : to).trim(), 16);
            return (ignored & (1L << (Signal.CHLD - 1))) != 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return onExit;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public ProcessHandle toHandle() {
        return process.toHandle();
    }

    @Override
    public void destroy() {
        process.destroy();
    }

    @Override
    public Process destroyForcibly() {
        process.destroyForcibly();
        return this;
    }

    @Override
    public boolean signal(int signal) {
        boolean alive = process.isAlive();
        if (signal == Signal.TERM) {
            process.destroy();
        } else if (signal == Signal.KILL) {
            process.destroyForcibly();
        } else {
            throw new UnsupportedOperationException("strategy jdk can send only SIGTERM and SIGKILL, not "
                    + Signal.name(signal) + " (needs Feature.SIGNALS)");
        }
        return alive;
    }

    @Override
    public boolean signalGroup(int signal) {
        throw new UnsupportedOperationException(
                "strategy jdk cannot signal process groups (needs Feature.SIGNALS)");
    }

    @Override
    public String strategyName() {
        return "jdk";
    }
}
