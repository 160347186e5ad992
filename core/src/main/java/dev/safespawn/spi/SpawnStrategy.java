package dev.safespawn.spi;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Feature;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

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
 * </ul>
 */
public interface SpawnStrategy extends AutoCloseable {

    /** A short stable name, such as {@code posix_spawn}; used by {@code safespawn.strategy}. */
    String name();

    /**
     * Preference when {@link dev.safespawn.Spawner#create()} picks the best
     * available strategy; higher wins.
     */
    int priority();

    /** Whether this strategy works here. */
    boolean isAvailable();

    /** Why {@link #isAvailable()} is false; empty when it is available. */
    Optional<String> unavailabilityCause();

    /** What this strategy can do beyond the basics every strategy has. */
    Set<Feature> features();

    /** Prepares the strategy for spawning (for example starts a helper). Called once, before any spawn. */
    default void start() throws IOException {
    }

    /** Starts {@code command}. */
    ChildProcess spawn(Command command) throws IOException;

    /** Releases what {@link #start()} acquired. Children already started are not affected. */
    @Override
    default void close() {
    }
}
