package dev.safespawn.strategies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * When no thread can be started right after a launch, the spawn fails with a
 * SpawnException, the child is killed and reaped, nothing is left open, and
 * the library starts its threads on the next spawn (issue 16, item 2). The
 * strategies whose children this JVM adopts and reaps itself; zygote's are
 * the zygote server's.
 */
@Timeout(60)
class ThreadStartFailureTest {
    @ParameterizedTest
    @ValueSource(strings = {"posix_spawn", "fork_exec"})
    void aThreadThatCannotStartFailsTheSpawnCleanly(String strategy) throws Exception {
        String out = HostJvm.run(ThreadStartFailureHost.class, strategy);
        String failed = "SpawnException stage=SPAWN cause=OutOfMemoryError children=0";
        assertThat(out.lines()).as(out).isEqualTo(List.of(
                "first " + failed,
                "second " + failed + " leaked=[]",
                "after exit=0"));
    }
}
