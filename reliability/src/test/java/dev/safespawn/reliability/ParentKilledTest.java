package dev.safespawn.reliability;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ParentKilledTest {
    static Stream<Configuration> configurations() {
        return new ParentKilled().configurations().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void everyChildIsGoneSoonAfterItsParentJvmIsSigkilled(Configuration configuration) throws Exception {
        ShortRun.assertClean(new ParentKilled(), configuration);
    }
}
