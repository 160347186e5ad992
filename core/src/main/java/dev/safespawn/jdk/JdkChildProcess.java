package dev.safespawn.jdk;

import dev.safespawn.ChildProcess;
import dev.safespawn.ExitStatus;
import dev.safespawn.Signal;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ChildProcess} over a JDK {@link Process}. The JDK folds a signal
 * death into exit code 128+n, so {@link #exitStatus()} can only report codes.
 * Its output streams end at the exit as the JDK's do, without the JDK's race
 * after {@code waitFor()} (see {@link EndAtExitInputStream}).
 */
final class JdkChildProcess extends ChildProcess {
    private final Process process;
    private final CompletableFuture<Process> onExit;
    private final InputStream stdout;
    private final InputStream stderr;

    JdkChildProcess(Process process) {
        this.process = process;
        this.onExit = process.onExit().thenApply(p -> this);
        this.stdout = new EndAtExitInputStream(process.getInputStream(), process);
        this.stderr = new EndAtExitInputStream(process.getErrorStream(), process);
    }

    @Override
    public OutputStream getOutputStream() {
        return process.getOutputStream();
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
        return process.waitFor();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit);
    }

    @Override
    public ExitStatus exitStatus() {
        return ExitStatus.exited(process.exitValue() & 0xff);
    }

    @Override
    public int exitValue() {
        return process.exitValue();
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
