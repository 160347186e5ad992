package dev.safespawn.strategies.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Spawner;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Workers never outlive the pool, even when the pool's JVM is SIGKILLed. */
class PoolOrphanTest {
    @ParameterizedTest
    @ValueSource(strings = {"default", "jdk"})
    void workersExitWhenThePoolsJvmIsKilled(String strategy) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try (Spawner spawner = strategy.equals("default") ? Spawner.create() : Spawner.of(strategy)) {
            ChildProcess host = spawner.spawn(Command.builder(java.toString(),
                    "-cp", System.getProperty("java.class.path"),
                    PoolOrphanHost.class.getName(), strategy).build());
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
                String line = out.readLine();
                assertThat(line).as("the pool JVM's report; its stderr: %s", line == null
                        ? new String(host.getErrorStream().readAllBytes(), StandardCharsets.UTF_8) : "")
                        .matches("pids \\d+ \\d+");
                String[] words = line.split(" ");
                long a = Long.parseLong(words[1]);
                long b = Long.parseLong(words[2]);
                assertThat(a).as("two workers").isNotEqualTo(b);
                assertThat(host.pid()).isNotIn(a, b);

                int pidfdA = PoolTesting.pidfdOf(a);
                try {
                    int pidfdB = PoolTesting.pidfdOf(b);
                    try {
                        assertThat(PoolTesting.awaitExit(pidfdA, 0)).as("worker %d alive before", a).isFalse();
                        assertThat(PoolTesting.awaitExit(pidfdB, 0)).as("worker %d alive before", b).isFalse();

                        host.destroyForcibly();
                        assertThat(host.waitFor(PoolTesting.BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
                        assertThat(host.exitValue()).as("128 + SIGKILL").isEqualTo(137);

                        assertThat(PoolTesting.awaitExit(pidfdA, 60_000)).as("worker %d ended with its pool", a).isTrue();
                        assertThat(PoolTesting.awaitExit(pidfdB, 60_000)).as("worker %d ended with its pool", b).isTrue();
                    } finally {
                        PoolTesting.closeFd(pidfdB);
                    }
                } finally {
                    PoolTesting.closeFd(pidfdA);
                }
            } finally {
                host.destroyForcibly();
                host.getErrorStream().close();
                host.getOutputStream().close();
            }
        }
    }
}
