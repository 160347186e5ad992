package dev.safespawn.reliability;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChurnLoadTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.safespawn.reliability.ShortRun#configurations")
    void childrenHoldOnlyStdioWhileOtherThreadsChurnLeakyDescriptors(Configuration configuration) throws Exception {
        ShortRun.assertClean(new ChurnLoad(), configuration);
    }
}
