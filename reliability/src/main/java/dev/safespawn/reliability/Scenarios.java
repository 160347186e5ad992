package dev.safespawn.reliability;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Every scenario of the campaign, in the order it runs them and the results list them. */
final class Scenarios {
    static final List<Scenario> ALL = List.of(
            new ChurnLoad(),
            new ZygoteKilled(),
            new ParentKilled(),
            new DescriptorLimit(),
            new ProcessLimit(),
            new ZygoteMemoryPressure(),
            new BlockedCallers(),
            new HostileInput(),
            new PoolFaults());

    private Scenarios() {
    }

    /** The scenarios called {@code names}, in campaign order; every name must exist. */
    static List<Scenario> named(String... names) {
        Set<String> wanted = Arrays.stream(names).map(String::trim).collect(Collectors.toSet());
        Set<String> known = ALL.stream().map(Scenario::name).collect(Collectors.toSet());
        wanted.stream().filter(w -> !known.contains(w)).findFirst().ifPresent(w -> {
            throw new IllegalArgumentException("no scenario '" + w + "'; known: " + known);
        });
        return ALL.stream().filter(s -> wanted.contains(s.name())).toList();
    }
}
