package dev.safespawn;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * What {@link Run#run(Spawner)} captured: how the child ended, its output,
 * whether the output was cut at a limit, whether the timeout ended it, and how
 * long it took. Immutable and thread-safe; no method returns null, and the
 * byte arrays returned are copies.
 */
public final class RunResult {
    private final Command command;
    private final ExitStatus status;
    private final byte[] stdout;
    private final byte[] stderr;
    private final boolean stdoutTruncated;
    private final boolean stderrTruncated;
    private final boolean timedOut;
    private final boolean killedForOutput;
    private final Duration elapsed;
    private final Charset charset;

    RunResult(Command command, ExitStatus status, Capture out, Capture err, boolean timedOut,
              boolean killedForOutput, Duration elapsed, Charset charset) {
        this.command = Objects.requireNonNull(command);
        this.status = Objects.requireNonNull(status);
        this.stdout = out.bytes();
        this.stderr = err.bytes();
        this.stdoutTruncated = out.truncated();
        this.stderrTruncated = err.truncated();
        this.timedOut = timedOut;
        this.killedForOutput = killedForOutput;
        this.elapsed = elapsed;
        this.charset = charset;
    }

    /** {@return the command that ran} */
    public Command command() {
        return command;
    }

    /** {@return how the child ended; after a timeout, how the termination ended it} */
    public ExitStatus status() {
        return status;
    }

    /** {@return whether it exited with 0 (and was not stopped by the timeout or an output limit)} */
    public boolean succeeded() {
        return status.equals(ExitStatus.exited(0)) && !timedOut && !killedForOutput;
    }

    /** {@return the captured standard output (with standard error in it when merged); a copy} */
    public byte[] stdout() {
        return stdout.clone();
    }

    /** {@return the captured standard error; empty when merged into stdout; a copy} */
    public byte[] stderr() {
        return stderr.clone();
    }

    /** {@return {@link #stdout()} decoded with the run's charset, malformed input replaced} */
    public String stdoutText() {
        return new String(stdout, charset);
    }

    /** {@return {@link #stderr()} decoded with the run's charset, malformed input replaced} */
    public String stderrText() {
        return new String(stderr, charset);
    }

    /** {@return whether stdout went past the output limit, so only its head was kept} */
    public boolean stdoutTruncated() {
        return stdoutTruncated;
    }

    /** {@return whether stderr went past the output limit, so only its head was kept} */
    public boolean stderrTruncated() {
        return stderrTruncated;
    }

    /** {@return whether the timeout ran out and the child was terminated} */
    public boolean timedOut() {
        return timedOut;
    }

    /** {@return whether the child was killed because its output went past the limit ({@link Run.Overflow#KILL})} */
    public boolean killedForOutput() {
        return killedForOutput;
    }

    /** {@return the time from just before the spawn to the end of the capture} */
    public Duration elapsed() {
        return elapsed;
    }

    /**
     * Returns this result if the run {@linkplain #succeeded() succeeded}, and
     * throws otherwise: {@code subprocess.run(check=True)}.
     *
     * @return this result
     * @throws CommandFailedException if the child exited with non-zero, was
     *         killed by a signal, ran out of time or out of output room
     */
    public RunResult check() throws CommandFailedException {
        if (!succeeded()) {
            throw new CommandFailedException(this);
        }
        return this;
    }

    /** The last {@code max} characters of stderr (or of stdout when stderr is empty), for messages. */
    String tail(int max) {
        byte[] b = stderr.length > 0 ? stderr : stdout;
        int from = Math.max(0, b.length - max);
        return new String(Arrays.copyOfRange(b, from, b.length), charset).strip();
    }

    @Override
    public String toString() {
        return "RunResult[" + command.argv() + ", " + status + (timedOut ? ", timed out" : "")
                + (killedForOutput ? ", killed for output" : "") + ", stdout " + stdout.length + " bytes"
                + (stdoutTruncated ? " (truncated)" : "") + ", stderr " + stderr.length + " bytes"
                + (stderrTruncated ? " (truncated)" : "") + ", " + elapsed.toMillis() + " ms]";
    }
}
