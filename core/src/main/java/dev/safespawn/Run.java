package dev.safespawn;

import dev.safespawn.internal.CallerStdio;
import dev.safespawn.internal.VirtualThreads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs a command to its end and captures its output, in one call: Python's
 * {@code subprocess.run(capture_output=True)}, Go's {@code Cmd.Output}.
 *
 * <pre>{@code
 * RunResult r = Run.of(Command.of("git", "status", "--short"))
 *         .timeout(Duration.ofSeconds(10))
 *         .run(spawner)
 *         .check();
 * String changes = r.stdoutText();
 * }</pre>
 *
 * <h2>What it guarantees</h2>
 * <ul>
 * <li>No deadlock at any output size: both streams are read as the child
 *     writes them, while stdin is fed. With a native strategy this takes no
 *     thread of its own: on a platform thread the calling thread serves the
 *     pipes itself, waiting in one {@code poll(2)} over all of them, so the
 *     kernel wakes it and no other thread takes part; a virtual thread parks
 *     while the library's event loop serves them ({@link Feature#ASYNC_IO}).
 *     After a timeout, one thread reads on while the child is terminated.
 *     The {@code jdk} fallback gets one thread per piped stream for the
 *     duration of the run.</li>
 * <li>Input: bytes, text, a file (opened for the child, never copied through
 *     the JVM), an {@code InputStream} (copied on the calling thread; the
 *     timeout is checked between reads, so a stream that blocks forever
 *     blocks the run), or none: the child's stdin then reads end of file at
 *     once, as in Go (Python would hand it the JVM's own stdin). A command
 *     whose stdin is not the default pipe keeps its redirect and must not be
 *     given input.</li>
 * <li>Output limits ({@link Builder#maxOutput(long, Overflow)}) apply to each
 *     stream; by default there is none other than Java's 2 GiB array size,
 *     past which output is truncated.</li>
 * <li>The timeout ends the child with {@link ChildProcess#terminate(Duration)}
 *     ({@code SIGTERM}, the grace period, {@code SIGKILL}); the result says
 *     {@link RunResult#timedOut()}. Unlike Python nothing is thrown for it
 *     unless {@link Builder#check()} asked for that.</li>
 * <li>The streams end when the child exits, even if a background grandchild
 *     still holds them (the JDK's semantics), so a run never waits for a
 *     daemon its command left behind. (On the threaded fallback the JDK
 *     cannot wake a read already blocked at the exit: there the run waits at
 *     most 2 seconds more for such a pipe, as Go's {@code WaitDelay}, and
 *     returns what was read.)</li>
 * <li>Interrupting the calling thread kills the child ({@code SIGKILL}),
 *     waits for it, and throws {@link InterruptedException} saying so; on a
 *     virtual thread the wait parks, it never pins a carrier.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe once built; one {@code Run} may be run any
 * number of times, from any threads, except with an {@code InputStream}
 * input, which the first run consumes. Null policy: every method rejects
 * null with a {@link NullPointerException}.
 */
public final class Run {
    /** Java's largest array, the most one stream can hold. */
    private static final long MAX_CAPTURE = Integer.MAX_VALUE - 8;
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

    /** What happens when a stream's output passes {@link Builder#maxOutput(long, Overflow)}. */
    public enum Overflow {
        /** Keep the head, drop the rest (still read, so the child never blocks); the result says truncated. */
        TRUNCATE,
        /** Kill the child ({@code SIGKILL}) as Node's {@code maxBuffer} does; the result says truncated and killed. */
        KILL
    }

    private final Command command;
    private final RunInput input;
    private final Charset charset;
    private final long maxOutput;
    private final Overflow overflow;
    private final Duration timeout;
    private final Duration grace;
    private final boolean mergeStderr;
    private final boolean check;

    private Run(Builder b) {
        this.input = b.input;
        this.charset = b.charset;
        this.maxOutput = b.maxOutput;
        this.overflow = b.overflow;
        this.timeout = b.timeout;
        this.grace = b.grace;
        this.mergeStderr = b.mergeStderr;
        this.check = b.check;
        Command.Builder cb = b.command.toBuilder();
        if (input.file != null) {
            cb.stdin(Redirect.from(input.file));
        }
        if (mergeStderr) {
            cb.redirectErrorStream();
        }
        this.command = cb.build();
    }

    /**
     * Starts describing a run of {@code command}.
     *
     * @param command what to run
     * @return a builder with no input, no output limit, no timeout, UTF-8 text
     */
    public static Builder of(Command command) {
        return new Builder(Objects.requireNonNull(command, "command"));
    }

    /**
     * Shorthand for {@code Run.of(command).build().run(spawner)}.
     *
     * @param command what to run
     * @param spawner what starts it
     * @return the captured result, whatever the exit status
     * @throws SpawnException if the child could not be started
     * @throws IOException for other I/O failures (reading an input file or stream)
     * @throws InterruptedException if the calling thread was interrupted; the child was killed
     */
    public static RunResult run(Command command, Spawner spawner) throws IOException, InterruptedException {
        return of(command).build().run(spawner);
    }

    /**
     * Runs the command to its end with {@code spawner}, feeding its input and
     * capturing its output as the class comment describes.
     *
     * @param spawner what starts the child
     * @return the captured result, whatever the exit status (unless
     *         {@link Builder#check()})
     * @throws SpawnException if the child could not be started; nothing is left behind
     * @throws CommandFailedException with {@link Builder#check()}, if the run did not succeed
     * @throws IOException for other I/O failures (reading an input stream)
     * @throws InterruptedException if the calling thread was interrupted; the
     *         child was killed and waited for first
     */
    public RunResult run(Spawner spawner) throws IOException, InterruptedException {
        Objects.requireNonNull(spawner, "spawner");
        long start = System.nanoTime();
        Capture out = new Capture(maxOutput);
        Capture err = new Capture(maxOutput);
        RunSession session = start(spawner, out, err);
        ChildProcess child = session.child();
        boolean timedOut = false;
        try {
            long deadline = timeout == null ? Long.MAX_VALUE : start + saturatedNanos(timeout);
            session.feed(deadline);
            if (!session.awaitEnd(deadline)) {
                timedOut = true;
                child.terminate(grace);
            }
            session.awaitCaptured();
        } catch (IOException | RuntimeException | Error e) {
            child.terminate(Duration.ZERO); // nothing is left running behind a failed run
            throw e;
        } catch (InterruptedException e) {
            child.terminate(Duration.ZERO); // returns once the child is reaped
            InterruptedException cancelled = new InterruptedException("interrupted while running " + command.argv()
                    + "; the child (pid " + child.pid() + ") was killed");
            cancelled.initCause(e);
            throw cancelled;
        }
        RunResult result = new RunResult(command, child.exitStatus(), out, err, timedOut, session.killedForOutput(),
                Duration.ofNanos(System.nanoTime() - start), charset);
        return check ? result.check() : result;
    }

    /**
     * A virtual thread parks while the event loop serves the pipes; a platform
     * thread serves them itself, which wakes no other thread; a child whose
     * pipes allow neither (the {@code jdk} strategy's) gets pump threads.
     */
    private RunSession start(Spawner spawner, Capture out, Capture err) throws IOException {
        boolean virtual = VirtualThreads.isCurrent();
        if (virtual && spawner.canSpawnAsync(command)) {
            return new AsyncRunSession(spawner, command, input, out, err, overflow);
        }
        ChildProcess child = spawner.spawn(command);
        return !virtual && child instanceof CallerStdio stdio
                ? new CallerRunSession(child, stdio, input, out, err, overflow)
                : new ThreadedRunSession(child, input, out, err, overflow);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 2;
        }
    }

    /**
     * The command as it runs.
     *
     * @return the command given, with the input file as its stdin and stderr merged if asked
     */
    public Command command() {
        return command;
    }

    @Override
    public String toString() {
        return "Run[" + command.argv() + (timeout == null ? "" : ", timeout " + timeout)
                + (maxOutput == MAX_CAPTURE ? "" : ", max output " + maxOutput + " " + overflow) + "]";
    }

    /**
     * Describes a run. Not thread-safe; {@link #build()} makes an immutable {@link Run}.
     */
    public static final class Builder {
        private final Command command;
        private RunInput input = RunInput.NONE;
        private Charset charset = StandardCharsets.UTF_8;
        private long maxOutput = MAX_CAPTURE;
        private Overflow overflow = Overflow.TRUNCATE;
        private Duration timeout;
        private Duration grace = DEFAULT_GRACE;
        private boolean mergeStderr;
        private boolean check;

        private Builder(Command command) {
            this.command = command;
        }

        /**
         * Feeds {@code bytes} to the child's stdin, then closes it.
         *
         * @param bytes the input, copied
         * @return this builder
         */
        public Builder input(byte[] bytes) {
            input = new RunInput(bytes.clone(), null, null);
            return this;
        }

        /**
         * Feeds {@code text}, encoded with {@code charset}, to the child's stdin, then closes it.
         *
         * @param text the input
         * @param charset its encoding
         * @return this builder
         */
        public Builder input(String text, Charset charset) {
            input = new RunInput(text.getBytes(Objects.requireNonNull(charset, "charset")), null, null);
            return this;
        }

        /**
         * Makes {@code file} the child's stdin (opened for the child; not read by the JVM).
         *
         * @param file the input file
         * @return this builder
         */
        public Builder input(Path file) {
            input = new RunInput(null, Objects.requireNonNull(file, "file"), null);
            return this;
        }

        /**
         * Copies {@code stream} to the child's stdin on the calling thread, then
         * closes stdin (not {@code stream}, which stays the caller's).
         *
         * @param stream the input, read once
         * @return this builder
         */
        public Builder input(InputStream stream) {
            input = new RunInput(null, null, Objects.requireNonNull(stream, "stream"));
            return this;
        }

        /**
         * The charset {@link RunResult#stdoutText()} and {@link RunResult#stderrText()} decode with; UTF-8 by default.
         *
         * @param charset the output's encoding
         * @return this builder
         */
        public Builder charset(Charset charset) {
            this.charset = Objects.requireNonNull(charset, "charset");
            return this;
        }

        /**
         * Captures stderr into stdout, interleaved as the child wrote them
         * ({@link Command.Builder#redirectErrorStream()}).
         *
         * @return this builder
         */
        public Builder mergeStderr() {
            mergeStderr = true;
            return this;
        }

        /**
         * Keeps at most {@code bytes} of each stream.
         *
         * @param bytes the most kept per stream, 0 or more
         * @param overflow what happens past it
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Builder maxOutput(long bytes, Overflow overflow) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxOutput: " + bytes + " is negative");
            }
            this.maxOutput = Math.min(bytes, MAX_CAPTURE);
            this.overflow = Objects.requireNonNull(overflow, "overflow");
            return this;
        }

        /**
         * Ends the child with {@link ChildProcess#terminate(Duration)} if it runs longer than {@code timeout}.
         *
         * @param timeout the longest run, from just before the spawn; positive
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout: " + timeout + " is not positive");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * How long a timed-out child may take to end after {@code SIGTERM}
         * before {@code SIGKILL}; 2 seconds by default, zero kills at once.
         *
         * @param grace the grace period, zero or more
         * @return this builder
         * @throws IllegalArgumentException if {@code grace} is negative
         */
        public Builder grace(Duration grace) {
            if (grace.isNegative()) {
                throw new IllegalArgumentException("grace: " + grace + " is negative");
            }
            this.grace = grace;
            return this;
        }

        /**
         * Makes {@link Run#run(Spawner)} throw {@link CommandFailedException}
         * unless the run {@linkplain RunResult#succeeded() succeeded}.
         *
         * @return this builder
         */
        public Builder check() {
            check = true;
            return this;
        }

        /**
         * Checks the settings against the command and makes the run.
         *
         * @return the run
         * @throws IllegalArgumentException if input is given to a command whose
         *         stdin is redirected elsewhere, or stderr is merged into a
         *         command that redirects stderr itself
         */
        public Run build() {
            if (input != RunInput.NONE && command.stdin() != Redirect.PIPE) {
                throw new IllegalArgumentException("input: the command's stdin is already " + command.stdin());
            }
            if (mergeStderr && command.stderr() != Redirect.PIPE) {
                throw new IllegalArgumentException("mergeStderr: the command's stderr is already " + command.stderr());
            }
            return new Run(this);
        }

        /**
         * Shorthand for {@code build().run(spawner)}.
         *
         * @param spawner what starts the child
         * @return as {@link Run#run(Spawner)}
         * @throws IOException as {@link Run#run(Spawner)}
         * @throws InterruptedException as {@link Run#run(Spawner)}
         */
        public RunResult run(Spawner spawner) throws IOException, InterruptedException {
            return build().run(spawner);
        }
    }
}
