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
import java.util.stream.Collectors;

/**
 * Starts children with one strategy.
 *
 * <p>{@link #create()} picks the best strategy available here (or the one the
 * system property {@value #STRATEGY_PROPERTY} names); {@link #of(String)} asks
 * for one by name. Every strategy keeps the child contract: the child holds
 * only descriptors 0, 1, 2 and those passed on purpose, starts with an empty
 * signal mask and default signal dispositions (where it declares
 * {@link Feature#SIGNAL_RESET}), and a failure to start is a
 * {@link SpawnException} that leaves nothing behind.
 *
 * <p>Thread-safe: any number of threads may spawn at once. Closing a spawner
 * releases the strategy's own resources; children it started keep running and
 * their {@link ChildProcess} handles keep working.
 *
 * <p>Null policy: methods reject null arguments with
 * {@link NullPointerException} and never return null.
 */
public final class Spawner implements AutoCloseable {

    /** System property naming the strategy {@link #create()} uses. */
    public static final String STRATEGY_PROPERTY = "safespawn.strategy";
    /** The only fact of a strategy whose {@link SpawnStrategy#diagnostics()} failed. */
    static final String DIAGNOSTICS_FAILED = "diagnostics.failed";

    private final SpawnStrategy strategy;
    private final Set<Feature> features;

    private Spawner(SpawnStrategy strategy) {
        this.strategy = strategy;
        this.features = Set.copyOf(strategy.features().isEmpty()
                ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(strategy.features()));
    }

    /**
     * The strategy named by {@value #STRATEGY_PROPERTY}, or else the
     * highest-priority available one.
     *
     * @return a started spawner, never null; the caller closes it
     * @throws IllegalArgumentException if the property names no known strategy
     * @throws IllegalStateException if the named strategy is unavailable, or none is
     * @throws java.io.UncheckedIOException if the strategy fails to start
     */
    public static Spawner create() {
        String wanted = System.getProperty(STRATEGY_PROPERTY);
        if (wanted != null && !wanted.isBlank()) {
            return of(wanted.trim());
        }
        SpawnStrategy best = load().stream()
                .filter(SpawnStrategy::isAvailable)
                .max(Comparator.comparingInt(SpawnStrategy::priority))
                .orElseThrow(() -> new IllegalStateException("no spawn strategy is available: " + describeAll()));
        return started(best);
    }

    /**
     * The strategy called {@code name}.
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
        return started(s);
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
     * Starts {@code command}.
     *
     * @param command what to run
     * @return the started child, never null
     * @throws NullPointerException if {@code command} is null
     * @throws SpawnException if it could not be started; stage
     *         {@link SpawnException.Stage#FEATURE} when the strategy lacks a
     *         feature the command needs
     * @throws IOException for other I/O failures
     */
    public ChildProcess spawn(Command command) throws IOException {
        Objects.requireNonNull(command, "command");
        for (Feature f : command.requiredFeatures()) {
            if (!features.contains(f)) {
                throw missingFeature(f);
            }
        }
        return strategy.spawn(command);
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
     * The name of this spawner's strategy.
     *
     * @return the name {@link #of(String)} takes, never null
     */
    public String strategyName() {
        return strategy.name();
    }

    /**
     * The features of this spawner's strategy.
     *
     * @return an unmodifiable set, fixed for this spawner's lifetime
     */
    public Set<Feature> features() {
        return features;
    }

    /** Releases the strategy's resources; running children are not affected. Idempotent. */
    @Override
    public void close() {
        strategy.close();
    }

    @Override
    public String toString() {
        return "Spawner[" + strategy.name() + "]";
    }

    private SpawnException missingFeature(Feature f) {
        String able = strategies().stream()
                .filter(i -> i.features().contains(f))
                .map(i -> i.available() ? i.name() : i.name() + " (not available here)")
                .collect(Collectors.joining(", "));
        return new SpawnException(SpawnException.Stage.FEATURE, Errno.ENOTSUP, null,
                "strategy " + strategy.name() + " does not support " + f + "; strategies that do: "
                        + (able.isEmpty() ? "none" : able));
    }

    private static Spawner started(SpawnStrategy s) {
        try {
            s.start();
        } catch (IOException e) {
            s.close();
            throw new java.io.UncheckedIOException("spawn strategy " + s.name() + " failed to start", e);
        }
        return new Spawner(s);
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
