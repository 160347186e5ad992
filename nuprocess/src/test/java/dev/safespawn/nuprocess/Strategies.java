package dev.safespawn.nuprocess;

import dev.safespawn.Spawner;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The spawners the bridge is tested against: every strategy that drives a
 * handler, opened on first use and closed by {@link #close()}. A strategy
 * that is not available here fails its tests, as in the conformance suite.
 */
final class Strategies implements AutoCloseable {
    /** The native strategies: the ones with {@code ASYNC_IO} and {@code PASS_FD}. */
    static final String[] NAMES = {"posix_spawn", "fork_exec", "zygote"};

    private final Map<String, Spawner> open = new ConcurrentHashMap<>();

    static Stream<String> names() {
        return Stream.of(NAMES);
    }

    Spawner get(String name) {
        return open.computeIfAbsent(name, Spawner::of);
    }

    @Override
    public void close() {
        open.values().forEach(Spawner::close);
        open.clear();
    }
}
