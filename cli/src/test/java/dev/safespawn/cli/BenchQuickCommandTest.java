package dev.safespawn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Spawner;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code safespawn bench quick}, shortened; and the arithmetic behind its table. */
@Timeout(120) // a stuck child or watcher fails the test instead of hanging the build
class BenchQuickCommandTest {
    private static final String NUMBER = "\\d+";

    @Test
    void shortRunMeasuresEveryLauncher() {
        CliRun run = CliRun.of("bench", "quick", "--warmup", "5", "--iterations", "30", "--max-time", "2s");

        assertThat(run.status()).as(run.describe()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).containsPattern("(?m)^  ProcessBuilder\\s*\\|\\s*" + NUMBER + " \\|\\s*" + NUMBER
                + " \\|\\s*" + NUMBER + " \\|\\s*1\\.00x$");
        Spawner.strategies().stream().filter(Spawner.StrategyInfo::available).forEach(s ->
                assertThat(run.out()).as(s.name()).containsPattern("(?m)^  " + s.name() + "\\s*\\|\\s*" + NUMBER
                        + " \\|\\s*" + NUMBER + " \\|\\s*" + NUMBER + " \\|\\s*\\d+\\.\\d\\dx$"));
    }

    @Test
    void badCountsAreUsageErrors() {
        CliRun run = CliRun.of("bench", "quick", "--iterations", "0");

        assertThat(run.status()).isEqualTo(SafespawnCli.USAGE_ERROR);
        assertThat(run.errLines()).singleElement().asString().contains("--iterations: 0");
    }

    @Test
    void timerStopsAtTheIterationCountOrTheBudget() throws Exception {
        int[] calls = {0};
        SpawnTimer.Samples byCount = new SpawnTimer(3, 10, Duration.ofHours(1)).measure(() -> calls[0]++);
        assertThat(byCount.nanos()).hasSize(10);
        assertThat(calls[0]).isEqualTo(13);

        SpawnTimer.Samples byBudget = new SpawnTimer(0, 1_000_000, Duration.ofNanos(1)).measure(() -> { });
        assertThat(byBudget.nanos()).hasSize(1);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(LatencyStats.percentile(sorted, 50)).isEqualTo(5);
        assertThat(LatencyStats.percentile(sorted, 90)).isEqualTo(9);
        assertThat(LatencyStats.percentile(new long[] {42}, 90)).isEqualTo(42);

        LatencyStats s = LatencyStats.of(new SpawnTimer.Samples(new long[] {3000, 1000, 2000}, 1_000_000_000L));
        assertThat(s.perSecond()).isEqualTo(3.0);
        assertThat(s.medianMicros()).isEqualTo(2.0);
    }
}
