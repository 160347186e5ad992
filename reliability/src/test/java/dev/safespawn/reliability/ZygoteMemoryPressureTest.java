package dev.safespawn.reliability;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ZygoteMemoryPressureTest {
    static Stream<Configuration> configurations() {
        return new ZygoteMemoryPressure().configurations().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void underMemoryPressureZygoteSpawnsFailTypedAndRecover(Configuration configuration) throws Exception {
        ShortRun.assertClean(new ZygoteMemoryPressure(), configuration);
    }
}
