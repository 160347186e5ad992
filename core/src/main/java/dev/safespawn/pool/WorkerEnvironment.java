package dev.safespawn.pool;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Derives a worker's complete environment from what the pool's builder was
 * told: which of the parent's variables it inherits (an allow-list, all, or
 * none), then the variables set on the builder. Kept apart from the builder
 * so the rule, and the allow-list, change here alone. Immutable and
 * thread-safe.
 */
final class WorkerEnvironment {
    /** Where a worker's environment starts before the builder's own variables. */
    enum Base {
        /** The parent's variables named by {@link #INHERITED}. */
        ALLOW_LIST,
        /** All of the parent's variables. */
        ALL,
        /** None. */
        NONE
    }

    /**
     * What a worker inherits by default: what its code may need to find
     * programs and files and to read and write text as the parent does, and
     * nothing that usually carries a credential. {@code JAVA_TOOL_OPTIONS}
     * and {@code JDK_JAVA_OPTIONS} are left out on purpose: the JVM obeys
     * them, so a parent's debugger or agent option (one listening on a fixed
     * port, say) would be applied to every worker; the pool's JVM options
     * are the place for that.
     */
    static final List<String> INHERITED = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ",
            "TMPDIR");
    /** Prefix of the locale categories ({@code LC_ALL}, {@code LC_CTYPE}, ...), inherited with {@link #INHERITED}. */
    static final String LOCALE_PREFIX = "LC_";

    private WorkerEnvironment() {
    }

    /** Whether {@code name} is inherited by default. */
    static boolean allowed(String name) {
        return INHERITED.contains(name) || name.startsWith(LOCALE_PREFIX);
    }

    /**
     * The complete environment for a worker.
     *
     * @param base which parent variables to start from
     * @param parent the parent's environment
     * @param set the builder's variables, which win over inherited ones
     * @return an unmodifiable map, sorted by name so every worker gets the same order
     */
    static Map<String, String> derive(Base base, Map<String, String> parent, Map<String, String> set) {
        Map<String, String> env = new TreeMap<>();
        switch (base) {
            case ALL -> env.putAll(parent);
            case ALLOW_LIST -> parent.forEach((name, value) -> {
                if (allowed(name)) {
                    env.put(name, value);
                }
            });
            case NONE -> { }
        }
        env.putAll(set);
        return Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }
}
