package dev.safespawn.strategies.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Spawner;
import java.util.Map;

/** Opens fork_exec spawners with system-property switches set only while the strategy is created. */
public final class ForkExecModes {
    private ForkExecModes() {
    }

    /** fork_exec in {@code mode} ({@code fork} or {@code vfork}). */
    public static Spawner open(String mode) {
        return withProperties(Map.of("safespawn.forkexec.mode", mode));
    }

    /** fork_exec created while {@code properties} are set. */
    public static Spawner withProperties(Map<String, String> properties) {
        properties.forEach(System::setProperty);
        try {
            Spawner s = Spawner.of("fork_exec");
            assertThat(s.strategyName()).isEqualTo("fork_exec");
            return s;
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }
}
