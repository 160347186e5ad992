package dev.safespawn.reliability;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PoolFaultsTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.safespawn.reliability.ShortRun#configurations")
    void everyPoolFaultEndsInItsDocumentedFailureWithNoWorkerLeft(Configuration configuration) throws Exception {
        ShortRun.assertClean(new PoolFaults(), configuration);
    }
}
