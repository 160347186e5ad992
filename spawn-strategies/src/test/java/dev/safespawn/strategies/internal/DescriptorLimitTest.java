package dev.safespawn.strategies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Spawner;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A program whose descriptor table is full can still wait for its children,
 * feed them and read them: no blocking call makes a descriptor of its own
 * (issue 16, item 4), and no JNA exception escapes.
 */
@Timeout(60)
class DescriptorLimitTest {
    /** The library's own strategies: jdk's waits and streams are the JDK's. */
    static List<String> strategies() {
        return Spawner.strategies().stream().filter(Spawner.StrategyInfo::available)
                .map(Spawner.StrategyInfo::name).filter(n -> !n.equals("jdk")).collect(Collectors.toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void blockingCallsWorkWithAFullDescriptorTable(String strategy) throws Exception {
        String out = HostJvm.run(DescriptorLimitHost.class, strategy);
        assertThat(out).isEqualTo("warm-up waited=false read=got hi exit=0\n"
                + "waited=false read=got hi exit=0 next=0\n");
    }

}
