package dev.safespawn.reliability;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DescriptorLimitTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.safespawn.reliability.ShortRun#configurations")
    void atAFullDescriptorTableCallsFailTypedOrWorkAndSpawnsRecover(Configuration configuration) throws Exception {
        ShortRun.assertClean(new DescriptorLimit(), configuration);
    }
}
