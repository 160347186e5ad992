package dev.safespawn;

import dev.safespawn.spi.SpawnStrategy;
import java.io.IOException;
import java.util.Set;

/**
 * One strategy a {@link Spawner} can send commands to, started at most once,
 * on first use.
 *
 * <p>Thread-safe. The started state is a volatile read on the spawn path; the
 * lock is taken only until the strategy has started, failed or been closed.
 */
final class StrategyRoute {
    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int FAILED = 2;
    private static final int CLOSED = 3;

    final SpawnStrategy strategy;
    final String name;
    /** The strategy's features as bits of {@link Feature#ordinal()}. */
    final int features;
    private volatile int state = NEW;
    private IOException failure; // guarded by this; set once with FAILED

    StrategyRoute(SpawnStrategy strategy) {
        this.strategy = strategy;
        this.name = strategy.name();
        this.features = mask(strategy.features());
    }

    /** The bits of {@code features}, one per {@link Feature#ordinal()}. */
    static int mask(Set<Feature> features) {
        int bits = 0;
        for (Feature f : features) {
            bits |= 1 << f.ordinal();
        }
        return bits;
    }

    /** Whether the strategy has every feature in {@code needed} (a mask). */
    boolean covers(int needed) {
        return (features & needed) == needed;
    }

    /** Whether the strategy failed to start; it is then never started again. */
    boolean failed() {
        return state == FAILED;
    }

    /**
     * The strategy, started: on the first call it runs {@link SpawnStrategy#start()},
     * once, however many threads ask at the same time.
     *
     * @throws IOException naming the strategy if it failed to start, now or
     *         before (the same cause each time: a failed strategy is not retried)
     * @throws IllegalStateException if the spawner was closed before it started
     */
    SpawnStrategy started() throws IOException {
        if (state == STARTED) {
            return strategy;
        }
        synchronized (this) {
            if (state == NEW) {
                try {
                    strategy.start();
                    state = STARTED;
                } catch (IOException | RuntimeException e) {
                    strategy.close();
                    failure = new IOException("spawn strategy " + name + " failed to start: " + e.getMessage(), e);
                    state = FAILED;
                }
            }
            switch (state) {
                case STARTED:
                    return strategy;
                case FAILED:
                    throw new IOException(failure.getMessage(), failure.getCause());
                default:
                    throw new IllegalStateException("this spawner has been closed; " + name + " was never started");
            }
        }
    }

    /** Closes the strategy if it was started; a route never started can then no longer start. */
    void close() {
        boolean wasStarted;
        synchronized (this) {
            wasStarted = state == STARTED;
            if (state == NEW) {
                state = CLOSED;
            }
        }
        if (wasStarted) {
            strategy.close(); // idempotent, and spawns in flight may still use it
        }
    }
}
