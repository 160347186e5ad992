package dev.safespawn.reliability;

import dev.safespawn.Spawner;
import dev.safespawn.strategies.forkexec.ForkExecStrategy;
import dev.safespawn.strategies.zygote.ZygoteStrategy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One strategy in one of its modes, as a user selects them: a strategy name
 * for {@link Spawner#of(String)} and the system properties its constructor
 * reads. Immutable.
 *
 * @param name how results name it, such as {@code zygote/2}
 * @param strategy the strategy's own name
 * @param properties the system properties that select the mode
 */
record Configuration(String name, String strategy, Map<String, String> properties) {

    /** Every strategy and mode the campaign covers, in the order results list them. */
    static final List<Configuration> ALL = List.of(
            new Configuration("posix_spawn", "posix_spawn", Map.of()),
            new Configuration("fork_exec/fork", "fork_exec", Map.of(ForkExecStrategy.MODE_PROPERTY, "fork")),
            new Configuration("fork_exec/vfork", "fork_exec", Map.of(ForkExecStrategy.MODE_PROPERTY, "vfork")),
            new Configuration("zygote/0", "zygote", Map.of(ZygoteStrategy.STANDBY_PROPERTY, "0")),
            new Configuration("zygote/2", "zygote", Map.of(ZygoteStrategy.STANDBY_PROPERTY, "2")),
            new Configuration("jdk", "jdk", Map.of()));

    /** The configurations with a zygote server, for scenarios that act on the server itself. */
    static List<Configuration> zygotes() {
        return ALL.stream().filter(c -> c.strategy.equals("zygote")).toList();
    }

    Configuration {
        properties = Map.copyOf(properties);
    }

    /** The configuration called {@code name}, as {@link #ALL} names it. */
    static Configuration named(String name) {
        return ALL.stream().filter(c -> c.name.equals(name.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no configuration '" + name + "'; known: "
                        + ALL.stream().map(Configuration::name).toList()));
    }

    /**
     * A spawner pinned to this strategy in this mode. Strategies read their
     * mode when they are made, so the properties are set for that moment
     * only, under a lock, and the earlier values put back.
     */
    Spawner open() {
        synchronized (Configuration.class) {
            Map<String, String> earlier = new HashMap<>();
            properties.forEach((key, value) -> earlier.put(key, System.setProperty(key, value)));
            try {
                return Spawner.of(strategy);
            } finally {
                earlier.forEach((key, value) -> {
                    if (value == null) {
                        System.clearProperty(key);
                    } else {
                        System.setProperty(key, value);
                    }
                });
            }
        }
    }

    /** The JVM options that select this mode in another JVM, such as a host the scenario kills. */
    List<String> jvmOptions() {
        return properties.entrySet().stream().map(e -> "-D" + e.getKey() + "=" + e.getValue()).sorted().toList();
    }

    @Override
    public String toString() {
        return name;
    }
}
