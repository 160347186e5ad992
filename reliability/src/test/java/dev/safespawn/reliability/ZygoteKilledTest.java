package dev.safespawn.reliability;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ZygoteKilledTest {
    static Stream<Configuration> configurations() {
        return new ZygoteKilled().configurations().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void everyCallResolvesAndLaterSpawnsWorkWhenTheZygoteIsKilledUnderLoad(Configuration configuration)
            throws Exception {
        ShortRun.assertClean(new ZygoteKilled(), configuration);
    }
}
