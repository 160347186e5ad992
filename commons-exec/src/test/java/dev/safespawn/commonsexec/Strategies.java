package dev.safespawn.commonsexec;

import dev.safespawn.Spawner;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The spawners the bridge is tested against: one per strategy, opened on first
 * use and closed by {@link #closeAll()}. A strategy that is not available here
 * fails its tests, as in the conformance suite.
 */
final class Strategies implements AutoCloseable {
    /** Every strategy this module ships, plus the JDK fallback. */
    static final String[] NAMES = {"posix_spawn", "jdk", "fork_exec", "zygote"};

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
