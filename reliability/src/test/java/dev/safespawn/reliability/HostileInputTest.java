package dev.safespawn.reliability;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HostileInputTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.safespawn.reliability.ShortRun#configurations")
    void hostileCommandsGetThePromisedErrorOrTheExactTable(Configuration configuration) throws Exception {
        ShortRun.assertClean(new HostileInput(), configuration);
    }
}
