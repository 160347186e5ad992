package dev.safespawn.reliability;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BlockedCallersTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.safespawn.reliability.ShortRun#configurations")
    void everyBlockedCallIsWokenInTimeWithTheDocumentedResult(Configuration configuration) throws Exception {
        ShortRun.assertClean(new BlockedCallers(), configuration);
    }
}
