package dev.safespawn;

import dev.safespawn.internal.Errno;
import dev.safespawn.spi.SpawnStrategy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * Starts children, each with a strategy that can run it.
 *
 * <p>{@link #create()} makes a <em>routing</em> spawner: it holds every
 * strategy available here, in order of preference (descending
 * {@link SpawnStrategy#priority()}, so the cheapest first), and sends each
 * {@link Command} to the first whose features cover
 * {@link Command#requiredFeatures()}. A plain command goes to the preferred
 * strategy ({@code fork_exec} where its C shim loads, else
 * {@code posix_spawn}); one asking for a {@link Command.Builder#umask(int)
 * umask}, a {@link Command.Builder#rlimit(Command.Limit, long, long) resource
 * limit} or {@link Command.Builder#killOnParentDeath() death with the parent}
 * goes to the best strategy that has those, and one whose whole tree must be
 * killed ({@link Command.KillScope#TREE}) to the zygote.
 * {@link #strategyFor(Command)} says where a command would go, and {@link ChildProcess#strategyName()} where it went.
 * A {@link Pipeline} ({@link #spawn(Pipeline)}) goes, all its stages
 * together, to the first strategy that has {@link Feature#PIPELINE} and every
 * feature any of its stages needs.
 *
 * <p>{@link #of(String)}, and {@link #create()} when the system property
 * {@value #STRATEGY_PROPERTY} names a strategy, make a <em>pinned</em>
 * spawner: one strategy, and a command needing a feature it lacks fails at
 * {@link #spawn(Command)} with a {@link SpawnException} of stage
 * {@link SpawnException.Stage#FEATURE} naming the feature and the strategies
 * that have it.
 *
 * <p>Starting: a spawner starts its preferred (or pinned) strategy when it is
 * made. A routing spawner starts any other strategy
 * ({@link SpawnStrategy#start()}, such as the zygote launching its server)
 * only when a command is first routed to it, once, however many threads spawn
 * at the same time. A strategy that fails to start is closed and never
 * started again by this spawner: later commands go to the next strategy that
 * covers them, and a command no other strategy covers fails with an
 * {@link IOException} naming the strategy and why it failed.
 *
 * <p>Every strategy keeps the child contract: the child holds only
 * descriptors 0, 1, 2 and those passed on purpose, starts with an empty
 * signal mask and default signal dispositions (where it declares
 * {@link Feature#SIGNAL_RESET}), and a failure to start is a
 * {@link SpawnException} that leaves nothing behind.
 *
 * <p>Thread-safe: any number of threads may spawn at once. Closing a spawner
 * releases the resources of every strategy it started; children it started
 * keep running and their {@link ChildProcess} handles keep working.
 *
 * <p>Null policy: methods reject null arguments with
 * {@link NullPointerException} and never return null.
 */
public final class Spawner implements AutoCloseable {

    /** System property naming the strategy {@link #create()} uses. */
    public static final String STRATEGY_PROPERTY = "safespawn.strategy";
    /** The only fact of a strategy whose {@link SpawnStrategy#diagnostics()} failed. */
    static final String DIAGNOSTICS_FAILED = "diagnostics.failed";

    /** In order of preference; the first is started when the spawner is made. */
    private final StrategyRoute[] routes;
    private final boolean pinned;
    private final Set<Feature> features;

    /**
     * A spawner over {@code strategies}, in the order given, each available;
     * starts the first. Package-private so that tests can route between fakes.
     *
     * @param pinned true for one strategy that never routes elsewhere
     * @throws java.io.UncheckedIOException if the first fails to start
     */
    Spawner(List<SpawnStrategy> strategies, boolean pinned) {
        if (strategies.isEmpty() || (pinned && strategies.size() != 1)) {
            throw new IllegalArgumentException("strategies: " + strategies.size() + (pinned ? " for a pinned spawner" : ""));
        }
        this.routes = strategies.stream().map(StrategyRoute::new).toArray(StrategyRoute[]::new);
        this.pinned = pinned;
        EnumSet<Feature> all = EnumSet.noneOf(Feature.class);
        strategies.forEach(s -> all.addAll(s.features()));
        this.features = Collections.unmodifiableSet(all);
        try {
            routes[0].started();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * A routing spawner over every available strategy, best first; or, when
     * the system property {@value #STRATEGY_PROPERTY} is set, the pinned
     * spawner {@link #of(String)} gives for the strategy it names.
     *
     * @return a spawner with its preferred strategy started, never null; the caller closes it
     * @throws IllegalArgumentException if the property names no known strategy
     * @throws IllegalStateException if the named strategy is unavailable, or none is
     * @throws java.io.UncheckedIOException if the preferred (or named) strategy fails to start
     */
    public static Spawner create() {
        String wanted = System.getProperty(STRATEGY_PROPERTY);
        if (wanted != null && !wanted.isBlank()) {
            return of(wanted.trim());
        }
        List<SpawnStrategy> available = new ArrayList<>();
        for (SpawnStrategy s : load()) {
            if (s.isAvailable()) {
                available.add(s);
            }
        }
        if (available.isEmpty()) {
            throw new IllegalStateException("no spawn strategy is available: " + describeAll());
        }
        return new Spawner(available, false);
    }

    /**
     * A pinned spawner: the strategy called {@code name}, and no other.
     *
     * @param name the strategy's name, exactly as {@link StrategyInfo#name()}
     *        gives it (case matters)
     * @return a started spawner, never null; the caller closes it
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if no strategy has that name
     * @throws IllegalStateException if it is not available here, with the reason
     * @throws java.io.UncheckedIOException if it fails to start
     */
    public static Spawner of(String name) {
        Objects.requireNonNull(name, "name");
        SpawnStrategy s = load().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown spawn strategy '" + name
                        + "'; known: " + load().stream().map(SpawnStrategy::name).collect(Collectors.joining(", "))));
        if (!s.isAvailable()) {
            throw new IllegalStateException("spawn strategy " + name + " is not available: "
                    + s.unavailabilityCause().orElse("no reason given"));
        }
        return new Spawner(List.of(s), true);
    }

    /**
     * Every strategy on the class path, best first, available or not, with
     * what it says about this machine. Starts no strategy.
     *
     * @return an unmodifiable list, a new one on each call, sorted by
     *         descending priority; empty if no strategy is on the class path
     */
    public static List<StrategyInfo> strategies() {
        List<StrategyInfo> out = new ArrayList<>();
        for (SpawnStrategy s : load()) {
            out.add(describe(s));
        }
        return List.copyOf(out);
    }

    /** What {@link #strategies()} says about {@code s}. */
    static StrategyInfo describe(SpawnStrategy s) {
        return new StrategyInfo(s.name(), s.isAvailable(),
                s.isAvailable() ? Optional.empty() : s.unavailabilityCause(), s.features(), diagnosticsOf(s));
    }

    /**
     * The strategy's facts, checked: a strategy that breaks the
     * {@link SpawnStrategy#diagnostics()} contract costs its own facts, not
     * the listing of every strategy.
     */
    private static Map<String, String> diagnosticsOf(SpawnStrategy s) {
        try {
            return orderedCopy(Objects.requireNonNull(s.diagnostics(), "diagnostics() returned null"));
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: a native library or JNA missing is an answer for a diagnostic, not a crash.
            return Map.of(DIAGNOSTICS_FAILED, e.toString());
        }
    }

    /**
     * Starts {@code command} with the strategy {@link #strategyFor(Command)}
     * names, starting that strategy first if this is its first command.
     *
     * @param command what to run
     * @return the started child, never null
     * @throws NullPointerException if {@code command} is null
     * @throws SpawnException if it could not be started; stage
     *         {@link SpawnException.Stage#FEATURE} when no strategy of this
     *         spawner has a feature the command needs (the message names the
     *         feature and the strategies that have it)
     * @throws IOException if the only strategies that could run it failed to
     *         start (the message names the strategy), or for other I/O failures
     * @throws IllegalStateException if the command is routed to a strategy
     *         that was not started before this spawner was closed
     */
    public ChildProcess spawn(Command command) throws IOException {
        Objects.requireNonNull(command, "command");
        int needed = command.featureMask(); // no allocation: this is every spawn's path
        SpawnStrategy s = route(needed);
        if (s == null) {
            throw missingFeature(needed, command.requiredFeatures());
        }
        return s.spawn(command);
    }

    /**
     * Starts every stage of {@code pipeline}, connected, with one strategy:
     * the first, in order of preference, that has {@link Feature#PIPELINE}
     * and every feature any stage needs ({@link Pipeline#requiredFeatures()}),
     * starting that strategy first if this is its first use.
     *
     * @param pipeline what to run
     * @return the running pipeline, never null; the caller closes it
     * @throws NullPointerException if {@code pipeline} is null
     * @throws SpawnException if a stage could not be started, with
     *         {@link SpawnException#pipelineStage()} naming it; the stages
     *         started before it have been killed and reaped, and no pipe is
     *         left open. Stage {@link SpawnException.Stage#FEATURE} when no
     *         one strategy of this spawner has every feature needed (then
     *         nothing was started and {@code pipelineStage()} is empty)
     * @throws IOException as {@link #spawn(Command)}
     * @throws IllegalStateException as {@link #spawn(Command)}
     */
    public Pipeline.Running spawn(Pipeline pipeline) throws IOException {
        Objects.requireNonNull(pipeline, "pipeline");
        int needed = pipeline.featureMask();
        SpawnStrategy s = route(needed);
        if (s == null) {
            throw missingFeature(needed, pipeline.requiredFeatures());
        }
        List<ChildProcess> stages = s.spawnPipeline(pipeline);
        if (stages.size() != pipeline.stages().size()) {
            new Pipeline.Running(stages).close();
            throw new IllegalStateException("strategy " + s.name() + " started " + stages.size()
                    + " stages of a pipeline of " + pipeline.stages().size());
        }
        return new Pipeline.Running(stages);
    }

    /**
     * Starts {@code command} with its standard streams driven by
     * {@code handler} on the library's event-loop thread: no thread per child
     * and no pump threads, for thousands of children at once. Shorthand for
     * {@code spawnAsync(command, handler, null)}; see there.
     *
     * @param command what to run
     * @param handler the callbacks, which must not block (see {@link ChildHandler})
     * @return the started child, never null
     * @throws NullPointerException if {@code command} or {@code handler} is null
     * @throws SpawnException as {@link #spawnAsync(Command, ChildHandler, Executor)}
     * @throws IOException for other I/O failures
     */
    public AsyncChild spawnAsync(Command command, ChildHandler handler) throws IOException {
        return spawnAsync(command, handler, null);
    }

    /**
     * Starts {@code command} with its standard streams driven by
     * {@code handler} (see {@link ChildHandler} for the order, threading and
     * buffer rules of its callbacks). Needs {@link Feature#ASYNC_IO} besides
     * the command's own features, and is routed like {@link #spawn(Command)}.
     * Streams that are {@link Redirect#PIPE} (the default) are the handler's;
     * a stream redirected elsewhere gets only its final {@code closed} call.
     *
     * @param command what to run
     * @param handler the callbacks
     * @param handlerExecutor where this child's callbacks run, one at a time;
     *        null to run them on the library's event-loop thread, where they
     *        must not block. With an executor a slow callback delays only its
     *        own child. The executor must run every task it accepts; a task
     *        it rejects kills the child, as a throwing callback does
     * @return the started child, never null; if it cannot be started no
     *         callback is called
     * @throws NullPointerException if {@code command} or {@code handler} is null
     * @throws SpawnException if it could not be started; stage
     *         {@link SpawnException.Stage#FEATURE} when no strategy of this
     *         spawner has {@link Feature#ASYNC_IO} and the command's features
     * @throws IOException for other I/O failures
     */
    public AsyncChild spawnAsync(Command command, ChildHandler handler, Executor handlerExecutor)
            throws IOException {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(handler, "handler");
        int needed = asyncMask(command);
        SpawnStrategy s = route(needed);
        if (s == null) {
            Set<Feature> required = EnumSet.of(Feature.ASYNC_IO);
            required.addAll(command.requiredFeatures());
            throw missingFeature(needed, required);
        }
        return s.spawnAsync(command, handler, handlerExecutor);
    }

    /** Whether {@link #spawnAsync} can run {@code command} here: a strategy covers it with {@link Feature#ASYNC_IO}. */
    boolean canSpawnAsync(Command command) {
        return strategyFor(asyncMask(command)).isPresent();
    }

    /** What {@link #spawnAsync} needs of a strategy: the command's features and {@link Feature#ASYNC_IO}. */
    private static int asyncMask(Command command) {
        return command.featureMask() | 1 << Feature.ASYNC_IO.ordinal();
    }

    /**
     * The strategy for a spawn needing the features {@code needed} (a mask),
     * started; null when no strategy of this spawner has them all. The
     * preferred strategy is tried first without a loop: this is every plain
     * spawn's path.
     *
     * @throws IOException if the only strategies that have them failed to start
     */
    private SpawnStrategy route(int needed) throws IOException {
        StrategyRoute preferred = routes[0];
        if (preferred.covers(needed)) {
            return preferred.started();
        }
        IOException startFailure = null;
        for (int i = 1; i < routes.length; i++) {
            StrategyRoute r = routes[i];
            if (!r.covers(needed)) {
                continue;
            }
            try {
                return r.started();
            } catch (IOException failed) {
                if (startFailure == null) {
                    startFailure = failed;
                }
                // never retried: the next route that covers the command, if any
            }
        }
        if (startFailure != null) {
            throw startFailure;
        }
        return null;
    }

    /**
     * Shorthand for {@code spawn(Command.of(argv))}.
     *
     * @param argv the program and its arguments
     * @return the started child, never null
     * @throws NullPointerException if {@code argv} or any element is null
     * @throws IllegalArgumentException as {@link Command#of(String...)}: empty
     *         {@code argv}, an empty program name or a NUL byte
     * @throws SpawnException if it could not be started
     * @throws IOException for other I/O failures
     */
    public ChildProcess spawn(String... argv) throws IOException {
        return spawn(Command.of(argv));
    }

    /**
     * Which strategy {@link #spawn(Command)} would start {@code command} with
     * now: the first, in order of preference, whose features cover
     * {@link Command#requiredFeatures()} and that has not failed to start.
     * Starts nothing and spawns nothing.
     *
     * @param command the command to route
     * @return the strategy's name, as {@link ChildProcess#strategyName()} will
     *         give it; empty if no strategy of this spawner can run it
     *         ({@link #spawn(Command)} would then fail with stage FEATURE)
     * @throws NullPointerException if {@code command} is null
     */
    public Optional<String> strategyFor(Command command) {
        return strategyFor(Objects.requireNonNull(command, "command").featureMask());
    }

    /**
     * Which strategy {@link #spawn(Pipeline)} would start {@code pipeline}
     * with now, as {@link #strategyFor(Command)} answers for a command.
     * Starts nothing and spawns nothing.
     *
     * @param pipeline the pipeline to route
     * @return the strategy's name; empty if no one strategy of this spawner
     *         has every feature in {@link Pipeline#requiredFeatures()}
     * @throws NullPointerException if {@code pipeline} is null
     */
    public Optional<String> strategyFor(Pipeline pipeline) {
        return strategyFor(Objects.requireNonNull(pipeline, "pipeline").featureMask());
    }

    private Optional<String> strategyFor(int needed) {
        for (StrategyRoute r : routes) {
            if (r.covers(needed) && !r.failed()) {
                return Optional.of(r.name);
            }
        }
        return Optional.empty();
    }

    /**
     * The name of this spawner's preferred strategy: the one a command with
     * no {@linkplain Command#requiredFeatures() required features} goes to,
     * and for a pinned spawner the only one.
     *
     * @return the name {@link #of(String)} takes, never null
     */
    public String strategyName() {
        return routes[0].name;
    }

    /**
     * What this spawner can serve: the union of its strategies' features. A
     * command needing any of them is routed to a strategy that has it; a
     * command needing one not here fails at {@link #spawn(Command)};
     * {@link Feature#PIPELINE} is asked for by every {@link Pipeline}.
     * Features no command asks for ({@link Feature#SIGNALS},
     * {@link Feature#SIGNAL_RESET}, {@link Feature#ASYNC_CLOSE}) describe the
     * strategy a child lands on: see {@link ChildProcess#strategyName()} and
     * {@link #strategies()}. For a pinned spawner these are its strategy's features.
     *
     * @return an unmodifiable set, fixed for this spawner's lifetime
     */
    public Set<Feature> features() {
        return features;
    }

    /**
     * Whether this spawner is pinned to one strategy ({@link #of(String)}, or
     * {@link #create()} with {@value #STRATEGY_PROPERTY} set) rather than
     * routing between every available one.
     *
     * @return true if pinned
     */
    public boolean isPinned() {
        return pinned;
    }

    /**
     * Releases the resources of every strategy this spawner started; a
     * strategy not yet started will not start any more. Running children are
     * not affected. Idempotent.
     */
    @Override
    public void close() {
        for (StrategyRoute r : routes) {
            r.close();
        }
    }

    /**
     * The spawner's strategies, such as {@code Spawner[posix_spawn]} or
     * {@code Spawner[posix_spawn > zygote > fork_exec > jdk]}.
     *
     * @return the strategy names in order of preference
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Spawner[");
        for (int i = 0; i < routes.length; i++) {
            sb.append(i == 0 ? "" : " > ").append(routes[i].name);
        }
        return sb.append(']').toString();
    }

    private SpawnException missingFeature(int needed, Set<Feature> required) {
        int served = 0;
        for (StrategyRoute r : routes) {
            served |= r.features;
        }
        int missing = needed & ~served;
        String message;
        if (missing == 0) { // each is served somewhere, but no strategy has them all
            message = "no one strategy of " + this + " supports all of " + required;
        } else {
            Feature f = Feature.values()[Integer.numberOfTrailingZeros(missing)];
            String able = strategies().stream()
                    .filter(i -> i.features().contains(f))
                    .map(i -> i.available() ? i.name() : i.name() + " (not available here)")
                    .collect(Collectors.joining(", "));
            message = (pinned ? "strategy " + routes[0].name + " does not support " : "no strategy of " + this
                    + " supports ") + f + "; strategies that do: " + (able.isEmpty() ? "none" : able);
        }
        return new SpawnException(SpawnException.Stage.FEATURE, Errno.ENOTSUP, null, message);
    }

    private static List<SpawnStrategy> load() {
        List<SpawnStrategy> all = new ArrayList<>();
        ServiceLoader.load(SpawnStrategy.class, Spawner.class.getClassLoader()).forEach(all::add);
        all.sort(Comparator.comparingInt(SpawnStrategy::priority).reversed());
        return all;
    }

    private static String describeAll() {
        return strategies().stream()
                .map(i -> i.name() + ": " + i.unavailabilityCause().orElse("available"))
                .collect(Collectors.joining("; "));
    }

    /**
     * What one strategy is, whether it works here, and what it says about
     * this machine. Immutable, so safe to share between threads; no component
     * is null, and the collections cannot be modified.
     *
     * @param name the name {@link #of(String)} takes
     * @param available whether it works here
     * @param unavailabilityCause why not, when it does not; empty when it does
     * @param features what it can do
     * @param diagnostics the strategy's {@link SpawnStrategy#diagnostics()}
     *        facts in reading order, such as {@code kernel.pidfd_open=yes}
     *        or {@code libc.version=glibc 2.39}; for reading, not for program
     *        logic. A strategy whose diagnostics failed has the one fact
     *        {@code diagnostics.failed} saying why.
     */
    public record StrategyInfo(String name, boolean available, Optional<String> unavailabilityCause,
                               Set<Feature> features, Map<String, String> diagnostics) {
        /**
         * Copies the collections, keeping the order of {@code diagnostics}.
         *
         * @param name the strategy's name; not null
         * @param available whether it works here
         * @param unavailabilityCause why not; not null, empty when it does
         * @param features what it can do; not null, copied
         * @param diagnostics the strategy's facts; not null, copied in iteration order
         * @throws NullPointerException if any component, fact name or value is null
         */
        public StrategyInfo {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(unavailabilityCause, "unavailabilityCause");
            features = Set.copyOf(features);
            diagnostics = orderedCopy(diagnostics);
        }
    }

    /** An unmodifiable copy that keeps the order, which {@link Map#copyOf} does not. */
    private static Map<String, String> orderedCopy(Map<String, String> facts) {
        Map<String, String> copy = new LinkedHashMap<>();
        facts.forEach((fact, value) -> copy.put(Objects.requireNonNull(fact, "a fact's name"),
                Objects.requireNonNull(value, () -> "the value of " + fact)));
        return Collections.unmodifiableMap(copy);
    }
}
