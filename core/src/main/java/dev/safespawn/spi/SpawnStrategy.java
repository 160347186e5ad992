package dev.safespawn.spi;

import dev.safespawn.AsyncChild;
import dev.safespawn.ChildHandler;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.Pipeline;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * A way of starting child processes, found with {@link java.util.ServiceLoader}.
 *
 * <p>Contract for implementations:
 * <ul>
 * <li>The public no-argument constructor is cheap and starts nothing: it runs
 *     whenever {@link dev.safespawn.Spawner#strategies()} lists strategies.
 *     Costly set-up belongs in {@link #start()}.</li>
 * <li>{@link #isAvailable()} answers for this machine and this JVM, and
 *     {@link #unavailabilityCause()} says why not. A strategy that cannot keep
 *     the child contract here must report itself unavailable rather than leak.</li>
 * <li>{@link #spawn(Command)} is thread-safe, keeps the child contract for
 *     every feature in {@link #features()}, and on failure throws a
 *     {@link dev.safespawn.SpawnException} leaving no descriptor, process or
 *     thread behind. The {@link dev.safespawn.Spawner} has already checked the
 *     command's features against {@link #features()}.</li>
 * <li>{@link #spawnPipeline(Pipeline)} is overridden exactly by the
 *     strategies that declare {@link Feature#PIPELINE}, and keeps the child
 *     contract for every stage.</li>
 * <li>{@link #diagnostics()} is cheap, thread-safe and never fails: it is what
 *     {@code safespawn doctor} shows, and it runs whenever
 *     {@link dev.safespawn.Spawner#strategies()} lists strategies.</li>
 * <li>Every method is safe to call from any thread. The library calls
 *     {@link #start()} at most once; {@link #close()} must be idempotent, since
 *     it follows a failed {@link #start()} and every
 *     {@link dev.safespawn.Spawner#close()}.</li>
 * <li>Null policy: no method returns null; {@link #spawn(Command)} is never
 *     handed a null command by the library.</li>
 * </ul>
 */
public interface SpawnStrategy extends AutoCloseable {

    /**
     * A short stable name, such as {@code posix_spawn}; used by {@code safespawn.strategy}.
     *
     * @return the name, never null, the same on every call and unique among strategies
     */
    String name();

    /**
     * Preference: the spawner {@link dev.safespawn.Spawner#create()} makes
     * sends each command to the available strategy with the highest priority
     * among those whose features cover it, so a cheaper strategy should have
     * a higher priority. Strategies of equal priority keep
     * {@link java.util.ServiceLoader}'s order.
     *
     * @return the priority, the same on every call
     */
    int priority();

    /**
     * Whether this strategy works here.
     *
     * @return true if it can keep the child contract on this machine and JVM
     */
    boolean isAvailable();

    /**
     * Why {@link #isAvailable()} is false.
     *
     * @return the reason, for people; empty when it is available; never null
     */
    Optional<String> unavailabilityCause();

    /**
     * What this strategy can do beyond the basics every strategy has.
     *
     * @return the features, never null, the same on every call; callers do not modify it
     */
    Set<Feature> features();

    /**
     * Facts about this strategy on this machine, for people diagnosing it:
     * what {@code safespawn doctor} prints and
     * {@link dev.safespawn.Spawner.StrategyInfo#diagnostics()} carries.
     *
     * <p>Names are lower case and dotted, and their first part says what the
     * fact is about. {@code kernel.} and {@code libc.} name facts about this
     * machine, which read the same whichever strategy reports them
     * ({@code kernel.pidfd_open}, {@code libc.version}); any other first part
     * is the strategy's own ({@code zygote.binary}). A value is short text for
     * people; a fact that something is present or works reads {@code yes} or
     * {@code no}.
     *
     * <p>Contract for implementations: answer for this machine and this JVM
     * whether or not the strategy is available (an unavailable strategy says
     * what it could find); start nothing and change nothing, though a fact may
     * be probed once and cached; be safe to call from any thread at any time,
     * before {@link #start()} and after {@link #close()}; never throw — a fact
     * that cannot be found is reported with the reason as its value. Return a
     * map with no null names or values, iterated in the order the facts should
     * be read; callers only read it.
     *
     * <p>What callers can rely on, through {@link dev.safespawn.Spawner#strategies()}
     * (which enforces it): the facts are never null, hold no nulls, keep the
     * strategy's order and cannot be modified. Which facts appear is not
     * guaranteed: they are for reading, not for program logic, and may change
     * between versions. The default has none.
     *
     * @return the facts, in reading order; empty when there is nothing to say
     */
    default Map<String, String> diagnostics() {
        return Map.of();
    }

    /**
     * Prepares the strategy for spawning (for example starts a helper).
     * Called once, before any spawn: by {@link dev.safespawn.Spawner#of(String)}
     * at once, and by a routing spawner when the first command is routed to
     * this strategy (any thread may call it). The default does nothing.
     *
     * @throws IOException if the strategy cannot start; the library then
     *         calls {@link #close()}, never starts this instance again, and
     *         reports the failure naming the strategy
     */
    default void start() throws IOException {
    }

    /**
     * Starts {@code command}.
     *
     * @param command what to run, already checked against {@link #features()}; never null
     * @return the started child, never null
     * @throws dev.safespawn.SpawnException if the child could not be started,
     *         leaving nothing behind
     * @throws IOException for other I/O failures
     */
    ChildProcess spawn(Command command) throws IOException;

    /**
     * Starts {@code command} with its standard streams driven by
     * {@code handler}, as {@link dev.safespawn.Spawner#spawnAsync(Command,
     * ChildHandler, Executor)} describes. A strategy that implements it lists
     * {@link Feature#ASYNC_IO} in {@link #features()}; the library calls it
     * only then. The same rules as {@link #spawn(Command)} apply; in
     * particular a failure leaves nothing behind and calls no callback.
     *
     * @param command what to run, already checked against {@link #features()}; never null
     * @param handler the callbacks; never null
     * @param handlerExecutor where the callbacks run, or null for the
     *        strategy's own event-loop thread
     * @return the started child, never null
     * @throws dev.safespawn.SpawnException if the child could not be started
     * @throws IOException for other I/O failures
     * @throws UnsupportedOperationException always, in this default, which
     *         strategies without {@link Feature#ASYNC_IO} keep
     */
    default AsyncChild spawnAsync(Command command, ChildHandler handler, Executor handlerExecutor)
            throws IOException {
        throw new UnsupportedOperationException(name() + " has no " + Feature.ASYNC_IO);
    }

    /**
     * Starts every stage of {@code pipeline}, first to last, each stage's
     * stdout connected to the next stage's stdin by a pipe that only those
     * two stages hold: the parent's copies of its ends are closed as soon as
     * both stages hold theirs, and no other stage (nor any other child)
     * inherits them. The first stage's stdin, the last stage's stdout and
     * every stderr are as the stages' commands say.
     *
     * <p>If a stage cannot be started, the stages already started are killed
     * and reaped and every pipe end is closed, and then a
     * {@link dev.safespawn.SpawnException} is thrown whose
     * {@link dev.safespawn.SpawnException#pipelineStage()} names the stage
     * (see {@link dev.safespawn.SpawnException#inPipelineStage(int)}). A
     * program that cannot be found should be reported before any stage starts.
     *
     * <p>A strategy with {@link Feature#PIPELINE} overrides this; the default
     * throws {@link UnsupportedOperationException}, and the
     * {@link dev.safespawn.Spawner} never calls it on a strategy without
     * that feature.
     *
     * @param pipeline what to run, already checked against {@link #features()}
     *        (every stage's features and {@link Feature#PIPELINE}); never null
     * @return the started stages, first to last, as many as
     *         {@link Pipeline#stages()}; never null
     * @throws dev.safespawn.SpawnException if a stage could not be started,
     *         naming it and leaving nothing behind
     * @throws IOException for other I/O failures, leaving nothing behind
     */
    default List<ChildProcess> spawnPipeline(Pipeline pipeline) throws IOException {
        throw new UnsupportedOperationException("strategy " + name() + " cannot start pipelines");
    }

    /**
     * Releases what {@link #start()} acquired. Children already started are
     * not affected. Must not throw; the default does nothing.
     */
    @Override
    default void close() {
    }
}
