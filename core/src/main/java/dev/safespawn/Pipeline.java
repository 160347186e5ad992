package dev.safespawn;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Commands connected as a shell's {@code a | b | c}: each stage's stdout is a
 * pipe to the next stage's stdin. The parent makes each pipe and closes its
 * own copies as soon as the two stages hold theirs, so the data flows child
 * to child, never through this JVM, and no stage holds a pipe end of a stage
 * it is not next to. Started by {@link Spawner#spawn(Pipeline)}, which gives
 * a {@link Running}:
 *
 * <pre>{@code
 * Pipeline sortFirst = Pipeline.of(
 *         Command.builder("printf", "b\\na\\n").stderr(Redirect.INHERIT).build(),
 *         Command.builder("sort").stderr(Redirect.INHERIT).build(),
 *         Command.builder("head", "-1").stderr(Redirect.INHERIT).build());
 * try (Pipeline.Running run = spawner.spawn(sortFirst)) {
 *     run.stdin().close();                          // printf reads nothing
 *     String first = new String(run.stdout().readAllBytes(), StandardCharsets.UTF_8);
 *     Pipeline.Result result = run.waitFor();
 *     if (!result.succeeded()) { ... result.pipefailStatus() ... }
 * }
 * }</pre>
 *
 * <p>Where the shells, Python's {@code subprocess} and Go's {@code os/exec}
 * leave a choice, this class chooses as follows.
 * <ul>
 * <li>Each stage is a {@link Command} with all its settings: directory,
 *     environment, session, limits and so on. The first stage's stdin and
 *     the last stage's stdout are what their commands say: a pipe to this
 *     JVM by default ({@link Running#stdin()}, {@link Running#stdout()}),
 *     or a file, {@link Redirect#INHERIT}, {@link Redirect#DISCARD} or a
 *     passed descriptor.</li>
 * <li>Every stage's stderr is what its command says, as with
 *     {@link ProcessBuilder#startPipeline}: by default a pipe of its own to
 *     this JVM ({@link ChildProcess#getErrorStream()} of
 *     {@link Running#stages()}), which must be read, or the stage stops once
 *     the pipe is full. {@link Redirect#INHERIT} gives a shell's behaviour,
 *     {@link Redirect#DISCARD} Go's default, and
 *     {@link Command.Builder#redirectErrorStream()} sends a stage's stderr
 *     into the pipe with its stdout (bash's {@code |&}).</li>
 * <li>Stages start in order, first to last. Every stage's program is looked
 *     up, and its file checked (it must exist and be executable), before the
 *     first starts, so a missing program fails the pipeline before any stage
 *     has run. A stage that fails to start later (a bad
 *     directory, say) gets the stages already started killed with
 *     {@code SIGKILL} and reaped, and every pipe closed, before the
 *     {@link SpawnException} naming it ({@link SpawnException#pipelineStage()})
 *     is thrown: those stages may have run briefly.</li>
 * <li>A stage that ends does not end the others, as in a shell: the stages
 *     before it get {@code SIGPIPE} (or {@code EPIPE}) when they next write,
 *     the stages after it end of file. Every stage's status is kept;
 *     {@link Result#pipefailStatus()} is bash's {@code set -o pipefail},
 *     {@link Result#lastStatus()} its default.</li>
 * <li>A pipeline of one stage is allowed: it is that command.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe. Null policy: the factories reject a null list
 * or stage with {@link NullPointerException}; no method returns null.
 */
public final class Pipeline {
    private final List<Command> stages;
    /** {@link #requiredFeatures()} as bits of {@link Feature#ordinal()}. */
    private final int featureMask;

    private Pipeline(List<Command> stages) {
        this.stages = stages;
        int mask = 1 << Feature.PIPELINE.ordinal();
        for (Command c : stages) {
            mask |= c.featureMask();
        }
        this.featureMask = mask;
    }

    /**
     * The pipeline {@code stages[0] | stages[1] | ...}.
     *
     * @param stages the commands, first to last; at least one
     * @return the pipeline, never null
     * @throws NullPointerException if {@code stages} or any stage is null
     * @throws IllegalArgumentException as {@link #of(List)}
     */
    public static Pipeline of(Command... stages) {
        return of(List.of(Objects.requireNonNull(stages, "stages")));
    }

    /**
     * The pipeline of {@code stages}, first to last. Every stage but the
     * first must leave its stdin a pipe ({@link Redirect#PIPE}, the default)
     * and not pass a descriptor as child fd 0; every stage but the last must
     * do the same for its stdout and child fd 1: the pipeline connects those.
     *
     * @param stages the commands, first to last, copied; at least one
     * @return the pipeline, never null
     * @throws NullPointerException if {@code stages} or any stage is null
     * @throws IllegalArgumentException if {@code stages} is empty, or a stage
     *         sets a stream the pipeline connects; the message names the
     *         stage's index and the field, such as {@code stage 1 (Command[sort]):
     *         stdin is READ in.txt, but the pipeline connects it to stage 0's stdout}
     */
    public static Pipeline of(List<Command> stages) {
        List<Command> given = List.copyOf(Objects.requireNonNull(stages, "stages")); // rejects null stages
        if (given.isEmpty()) {
            throw new IllegalArgumentException("stages: empty, a pipeline needs at least one command");
        }
        List<Command> connected = new ArrayList<>(given.size());
        int last = given.size() - 1;
        for (int i = 0; i <= last; i++) {
            Command c = given.get(i);
            if (i > 0) {
                checkConnected(i, c, "stdin", c.stdin(), 0, "stage " + (i - 1) + "'s stdout");
            }
            if (i < last) {
                checkConnected(i, c, "stdout", c.stdout(), 1, "stage " + (i + 1) + "'s stdin");
            }
            connected.add(c.withStreamsUnset(i > 0, i < last));
        }
        return new Pipeline(List.copyOf(connected));
    }

    private static void checkConnected(int index, Command c, String stream, Redirect r, int fd, String peer) {
        if (c.passedFds().containsKey(fd)) {
            throw new IllegalArgumentException("stage " + index + " (" + c + "): passFd: child fd " + fd
                    + " is " + stream + ", which the pipeline connects to " + peer);
        }
        if (r.kind() != Redirect.Kind.PIPE) {
            throw new IllegalArgumentException("stage " + index + " (" + c + "): " + stream + " is " + r
                    + ", but the pipeline connects it to " + peer);
        }
    }

    /**
     * The stages, first to last. Each is the command given, except that a
     * stream the pipeline connects is left unset (which reads as
     * {@link Redirect#PIPE}, as before): a strategy may place the pipe with
     * {@code toBuilder().passFd(fd, 0)} or {@code passFd(fd, 1)}.
     *
     * @return an unmodifiable list, never empty
     */
    public List<Command> stages() {
        return stages;
    }

    /**
     * What a strategy needs to start this pipeline: {@link Feature#PIPELINE}
     * and every feature of every stage, all in one strategy.
     *
     * @return an unmodifiable set, computed on each call
     */
    public Set<Feature> requiredFeatures() {
        return Command.featureSet(featureMask);
    }

    /** {@link #requiredFeatures()} as bits of {@link Feature#ordinal()}. */
    int featureMask() {
        return featureMask;
    }

    /**
     * The stages as a shell would join them, such as
     * {@code Pipeline[Command[sort] | Command[head, -1]]}.
     *
     * @return a description for people
     */
    @Override
    public String toString() {
        return stages.stream().map(Command::toString).collect(Collectors.joining(" | ", "Pipeline[", "]"));
    }

    /**
     * How every stage of a pipeline ended. Immutable and thread-safe; the
     * constructor rejects nulls with {@link NullPointerException}.
     *
     * @param statuses each stage's status, first to last; an unmodifiable
     *        list, never empty
     * @param timedOut whether {@link Running#waitFor(Duration, Duration)}'s
     *        time ran out with a stage still running, which was then
     *        terminated (the statuses then show the signals)
     */
    public record Result(List<ExitStatus> statuses, boolean timedOut) {
        /**
         * Checks and copies the statuses.
         *
         * @param statuses each stage's status, first to last; copied
         * @param timedOut whether the stages were terminated when the time ran out
         * @throws NullPointerException if {@code statuses} or a status is null
         * @throws IllegalArgumentException if {@code statuses} is empty
         */
        public Result {
            statuses = List.copyOf(statuses);
            if (statuses.isEmpty()) {
                throw new IllegalArgumentException("statuses: empty, a pipeline has at least one stage");
            }
        }

        /**
         * The pipeline's status as bash reports it with {@code set -o pipefail}:
         * the status of the last (rightmost) stage that did not exit with 0,
         * or the last stage's (exit 0) when every stage did. A stage killed by
         * a signal, such as {@code SIGPIPE} when a later stage stopped reading
         * ({@code yes | head -1}), or whose end was {@linkplain ExitStatus#lost() lost},
         * counts as not exiting with 0.
         *
         * @return the status, never null
         */
        public ExitStatus pipefailStatus() {
            for (int i = statuses.size() - 1; i >= 0; i--) {
                if (!isSuccess(statuses.get(i))) {
                    return statuses.get(i);
                }
            }
            return lastStatus();
        }

        /**
         * The last stage's status: what bash reports for a pipeline without
         * {@code pipefail}.
         *
         * @return the status, never null
         */
        public ExitStatus lastStatus() {
            return statuses.get(statuses.size() - 1);
        }

        /**
         * Whether every stage exited with 0 and none was terminated for a timeout.
         *
         * @return true if the pipeline succeeded
         */
        public boolean succeeded() {
            return !timedOut && statuses.stream().allMatch(Result::isSuccess);
        }

        private static boolean isSuccess(ExitStatus s) {
            return s.exited() && s.code() == 0;
        }
    }

    /**
     * A started pipeline: its stages, and ways to wait for and end them all.
     * {@code try (Pipeline.Running run = spawner.spawn(pipeline)) { ... }}
     * leaves no stage running and no descriptor open.
     *
     * <p>Reading and writing: {@link #stdin()} is the first stage's stdin and
     * {@link #stdout()} the last stage's stdout, as
     * {@link ChildProcess#getOutputStream()} and
     * {@link ChildProcess#getInputStream()} (null streams unless those are
     * {@link Redirect#PIPE}); each stage's stderr is its own
     * {@link ChildProcess#getErrorStream()}. As with one child, close
     * {@link #stdin()} once written, and read the output while the stages
     * run (from another thread if there is more than one stream to read), or
     * a full pipe stops them.
     *
     * <p>Thread-safe: every method may be called from any thread at any
     * time. Null policy: methods reject null arguments with
     * {@link NullPointerException} and never return null.
     */
    public static final class Running implements AutoCloseable {
        private final List<ChildProcess> stages;

        /** For {@link Spawner}: the children a strategy started, first to last. */
        Running(List<ChildProcess> stages) {
            this.stages = List.copyOf(stages);
        }

        /**
         * The running stages, first to last, each a {@link ChildProcess} of
         * its own: signal, wait for or read the stderr of any one.
         *
         * @return an unmodifiable list, as long as {@link Pipeline#stages()}
         */
        public List<ChildProcess> stages() {
            return stages;
        }

        /**
         * The first stage's stdin: {@code stages().get(0).getOutputStream()}.
         *
         * @return the stream; a null stream unless the first stage's stdin is a pipe
         */
        public OutputStream stdin() {
            return stages.get(0).getOutputStream();
        }

        /**
         * The last stage's stdout: {@code getInputStream()} of the last stage.
         *
         * @return the stream; a null stream unless the last stage's stdout is a pipe
         */
        public InputStream stdout() {
            return stages.get(stages.size() - 1).getInputStream();
        }

        /**
         * Whether any stage is still running.
         *
         * @return true until every stage has ended
         */
        public boolean isAlive() {
            return stages.stream().anyMatch(ChildProcess::isAlive);
        }

        /**
         * Waits until every stage has ended.
         *
         * @return every stage's status; {@link Result#timedOut()} is false
         * @throws InterruptedException if the calling thread is interrupted
         *         while waiting; the stages go on running
         */
        public Result waitFor() throws InterruptedException {
            List<ExitStatus> statuses = new ArrayList<>(stages.size());
            for (ChildProcess stage : stages) {
                stage.waitFor();
                statuses.add(stage.exitStatus());
            }
            return new Result(statuses, false);
        }

        /**
         * A future that completes, with every stage's status as
         * {@link #waitFor()} returns it, once every stage has ended: the
         * asynchronous {@link #waitFor()}, as {@link ChildProcess#onExit()}
         * is for one child.
         *
         * <ul>
         * <li>It completes normally, never exceptionally: a stage whose end
         *     could not be observed counts as ended, with an
         *     {@linkplain ExitStatus#lost(String) lost} status.</li>
         * <li>Actions added to it before it completes run where the stages'
         *     {@link ChildProcess#onExit()} futures complete, which for this
         *     library's strategies is {@link java.util.concurrent.ForkJoinPool#commonPool()},
         *     never a thread of the library that must not be held up (the
         *     one that records children's exits, an event loop); actions
         *     added after it has completed run on the thread that adds them.
         *     An action may block without delaying any child's end; it
         *     holds up only what else runs on that pool.</li>
         * <li>Each call returns a new future: completing or cancelling it
         *     changes neither the stages nor any other future.</li>
         * </ul>
         *
         * @return the future, never null; its {@link Result#timedOut()} is false
         */
        public CompletableFuture<Result> onExit() {
            CompletableFuture<?>[] ends = stages.stream().map(ChildProcess::onExit)
                    .toArray(CompletableFuture<?>[]::new);
            return CompletableFuture.allOf(ends).thenApply(ignored -> statuses());
        }

        /**
         * Waits until every stage has ended, or {@code timeout} has passed;
         * then {@linkplain #terminate(Duration) terminates} every stage
         * still running, with {@code grace}, as Python's
         * {@code subprocess.run(timeout=...)} kills its child (but returns
         * rather than throws: the statuses show what happened).
         *
         * @param timeout how long the whole pipeline may take, counted from
         *        this call; zero looks without waiting
         * @param grace how long the stages may take to end after {@code SIGTERM}
         *        once the time has run out, as {@link #terminate(Duration)}
         * @return every stage's status; {@link Result#timedOut()} is true if
         *         a stage was still running when the time ran out
         * @throws NullPointerException if either duration is null
         * @throws IllegalArgumentException if either is negative
         * @throws InterruptedException if the calling thread is interrupted
         *         before the time runs out; the stages go on running
         * @throws IOException as {@link #terminate(Duration)}, after every
         *         stage has ended
         */
        public Result waitFor(Duration timeout, Duration grace) throws InterruptedException, IOException {
            long total = nonNegativeNanos(timeout, "timeout");
            nonNegativeNanos(grace, "grace");
            long start = System.nanoTime();
            for (ChildProcess stage : stages) {
                long left = Math.max(0, total - (System.nanoTime() - start));
                if (!stage.waitFor(left, TimeUnit.NANOSECONDS)) {
                    List<ChildProcess.Termination> ends = terminate(grace);
                    boolean signalled = ends.stream().anyMatch(t -> !t.signalsSent().isEmpty());
                    return new Result(ends.stream().map(ChildProcess.Termination::status).toList(), signalled);
                }
            }
            return statuses();
        }

        /**
         * Ends every stage gracefully, all at once: {@code SIGTERM} to every
         * stage still running, then one grace period for them all, then
         * {@code SIGKILL} to those still alive; then, as
         * {@link ChildProcess#terminate(Duration)} does for each, the
         * parent's ends of their pipes are closed. On return no stage is
         * alive. An interrupt cuts the grace period short ({@code SIGKILL}
         * goes out at once) and is kept: the thread's interrupt status is set
         * again before this method returns. May be called more than once.
         *
         * @param grace how long the stages may take to end after {@code SIGTERM};
         *        zero sends {@code SIGKILL} straight after it
         * @return for each stage, first to last, how it ended and which
         *         signals it was sent (none for a stage that had already ended)
         * @throws NullPointerException if {@code grace} is null
         * @throws IllegalArgumentException if {@code grace} is negative
         * @throws IOException if closing a stream failed; the first such
         *         failure, with the others suppressed, thrown after every
         *         stage has ended
         */
        public List<ChildProcess.Termination> terminate(Duration grace) throws IOException {
            long total = nonNegativeNanos(grace, "grace");
            List<List<Integer>> sent = new ArrayList<>(stages.size());
            for (ChildProcess stage : stages) {
                List<Integer> signals = new ArrayList<>(2);
                // false only if the stage was reaped in the meantime
                if (stage.isAlive() && stage.signal(Signal.TERM)) {
                    signals.add(Signal.TERM);
                }
                sent.add(signals);
            }
            boolean interrupted = false;
            long start = System.nanoTime();
            for (ChildProcess stage : stages) {
                try {
                    stage.waitFor(Math.max(0, total - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            for (int i = 0; i < stages.size(); i++) {
                if (stages.get(i).isAlive() && stages.get(i).signal(Signal.KILL)) {
                    sent.get(i).add(Signal.KILL);
                }
            }
            List<ChildProcess.Termination> ends = new ArrayList<>(stages.size());
            IOException failure = null;
            for (int i = 0; i < stages.size(); i++) {
                ChildProcess stage = stages.get(i);
                interrupted |= awaitEnd(stage);
                try {
                    stage.terminate(Duration.ZERO); // it has ended: sends nothing, closes its streams
                } catch (IOException e) {
                    failure = addTo(failure, e);
                }
                ends.add(new ChildProcess.Termination(stage.exitStatus(), sent.get(i)));
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw failure;
            }
            return List.copyOf(ends);
        }

        /**
         * {@linkplain ChildProcess#close() Closes} every stage, first to last:
         * its streams are closed and, if it is still running, it is killed
         * with {@code SIGKILL} and waited for. On return no stage is alive.
         * Idempotent; an interrupt is kept as {@link ChildProcess#close()} keeps it.
         *
         * @throws IOException if closing a stream failed; the first such
         *         failure, with the others suppressed, thrown after every
         *         stage has been closed
         */
        @Override
        public void close() throws IOException {
            IOException failure = null;
            for (ChildProcess stage : stages) {
                try {
                    stage.close();
                } catch (IOException e) {
                    failure = addTo(failure, e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        /**
         * The stages, such as {@code Pipeline.Running[NativeChildProcess[pid=7, ...] | ...]}.
         *
         * @return a description for people
         */
        @Override
        public String toString() {
            return stages.stream().map(ChildProcess::toString)
                    .collect(Collectors.joining(" | ", "Pipeline.Running[", "]"));
        }

        /** Every stage's status; each has ended. */
        private Result statuses() {
            return new Result(stages.stream().map(ChildProcess::exitStatus).toList(), false);
        }

        /** Waits until {@code stage} has ended, through interrupts; returns whether there was one. */
        private static boolean awaitEnd(ChildProcess stage) {
            boolean interrupted = false;
            while (true) {
                try {
                    stage.waitFor();
                    return interrupted;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }

        private static long nonNegativeNanos(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " " + d + " is negative");
            }
            return ChildProcess.saturatedNanos(d);
        }

        private static IOException addTo(IOException first, IOException next) {
            if (first == null) {
                return next;
            }
            first.addSuppressed(next);
            return first;
        }
    }
}
