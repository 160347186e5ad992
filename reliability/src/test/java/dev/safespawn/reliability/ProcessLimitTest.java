package dev.safespawn.reliability;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProcessLimitTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.safespawn.reliability.ShortRun#configurations")
    void atTheProcessLimitSpawnsFailTypedOtherCallsWorkAndSpawnsRecover(Configuration configuration)
            throws Exception {
        ShortRun.assertClean(new ProcessLimit(), configuration);
    }
}
