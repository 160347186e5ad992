package dev.safespawn.strategies.routing;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.Spawner;
import dev.safespawn.Spawner.StrategyInfo;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The spawner {@link Spawner#create()} makes, with the real strategies: each
 * command runs, and runs faithfully, on the best strategy that has what it
 * needs. Which strategy is best is read from {@link Spawner#strategies()}
 * (best first), so the test holds wherever a strategy is unavailable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DefaultRoutingTest {
    private String oldProperty;
    private Spawner spawner;

    @BeforeAll
    void open() {
        oldProperty = System.clearProperty(Spawner.STRATEGY_PROPERTY);
        spawner = Spawner.create();
    }

    @AfterAll
    void close() {
        spawner.close();
        if (oldProperty != null) {
            System.setProperty(Spawner.STRATEGY_PROPERTY, oldProperty);
        }
    }

    @Test
    void aPlainCommandGoesToForkExecWhereItsShimLoads() throws Exception {
        assumeThat(available("fork_exec")).as("fork_exec's shim loads here").isTrue();
        ChildProcess child = spawner.spawn("/bin/sh", "-c", "echo plain");
        assertThat(child.strategyName()).isEqualTo("fork_exec");
        assertThat(output(child)).isEqualTo("plain");
        assertThat(spawner.strategyName()).isEqualTo("fork_exec");
        assertThat(spawner.isPinned()).isFalse();
    }

    @Test
    void aCommandWithAUmaskRunsWithItOnTheBestStrategyThatHasIt() throws Exception {
        Command command = Command.builder("/bin/sh", "-c", "umask").umask(027).build();
        String expected = best(EnumSet.of(Feature.UMASK));
        assertThat(spawner.strategyFor(command)).contains(expected);
        ChildProcess child = spawner.spawn(command);
        assertThat(child.strategyName()).isEqualTo(expected);
        assertThat(output(child)).isEqualTo("0027");
    }

    @Test
    void aCommandWithAResourceLimitRunsWithItOnTheBestStrategyThatHasIt() throws Exception {
        Command command = Command.builder("/bin/sh", "-c", "ulimit -n")
                .rlimit(Command.Limit.NOFILE, 57, 57).passFd(1, 5).build();
        String expected = best(EnumSet.of(Feature.RLIMITS, Feature.PASS_FD));
        ChildProcess child = spawner.spawn(command);
        assertThat(child.strategyName()).isEqualTo(expected);
        assertThat(output(child)).isEqualTo("57");
    }

    @Test
    void aCommandThatMustDieWithTheParentGoesToAStrategyThatCanDoIt() throws Exception {
        Command command = Command.builder("/bin/sh", "-c", "echo bound").killOnParentDeath().build();
        String expected = best(EnumSet.of(Feature.KILL_ON_PARENT_DEATH));
        ChildProcess child = spawner.spawn(command);
        assertThat(child.strategyName()).isEqualTo(expected).isNotEqualTo("posix_spawn");
        assertThat(output(child)).isEqualTo("bound");
    }

    @Test
    void aCommandWhoseTreeMustBeKilledGoesToTheZygote() throws Exception {
        Command command = Command.builder("/bin/sh", "-c", "echo kept").killScope(Command.KillScope.TREE).build();
        assumeThat(best(EnumSet.of(Feature.TREE_KILL))).isEqualTo("zygote");
        assertThat(spawner.strategyFor(command)).contains("zygote");
        ChildProcess child = spawner.spawn(command);
        assertThat(child.strategyName()).isEqualTo("zygote");
        assertThat(output(child)).isEqualTo("kept");
    }

    @Test
    void aStrategyThatCannotKillATreeRefusesToStartOne() {
        for (String name : new String[] {"posix_spawn", "fork_exec", "jdk"}) {
            assumeThat(available(name)).as(name + " works here").isTrue();
            try (Spawner pinned = Spawner.of(name)) {
                Command command = Command.builder("/bin/true").killScope(Command.KillScope.TREE).build();
                assertThat(pinned.features()).as(name).doesNotContain(Feature.TREE_KILL);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> pinned.spawn(command)).as(name)
                        .isInstanceOfSatisfying(dev.safespawn.SpawnException.class,
                                e -> assertThat(e.stage()).isEqualTo(dev.safespawn.SpawnException.Stage.FEATURE))
                        .hasMessageContaining("TREE_KILL").hasMessageContaining("zygote");
            }
        }
    }

    @Test
    void aCommandWhoseStreamsOutliveTheChildGoesToANativeStrategyAndTheJdkRefusesIt() throws Exception {
        Command command = Command.builder("/bin/sh", "-c", "echo outlives")
                .streamEnd(Command.StreamEnd.LAST_WRITER).build();
        String expected = best(EnumSet.of(Feature.STREAMS_OUTLIVE_CHILD));
        ChildProcess child = spawner.spawn(command);
        assertThat(child.strategyName()).isEqualTo(expected).isNotEqualTo("jdk");
        assertThat(output(child)).isEqualTo("outlives");
        try (Spawner jdk = Spawner.of("jdk")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdk.spawn(command))
                    .hasMessageContaining("STREAMS_OUTLIVE_CHILD");
        }
    }

    @Test
    void theSpawnerServesTheUnionOfItsStrategiesFeatures() {
        EnumSet<Feature> union = EnumSet.noneOf(Feature.class);
        Spawner.strategies().stream().filter(StrategyInfo::available).forEach(i -> union.addAll(i.features()));
        assertThat(spawner.features()).isEqualTo(union);
    }

    @Test
    void aPinnedSpawnerStillRefusesWhatItsStrategyLacks() {
        assumeThat(available("posix_spawn")).as("posix_spawn works here").isTrue();
        try (Spawner pinned = Spawner.of("posix_spawn")) {
            Command command = Command.builder("/bin/true").umask(022).build();
            assertThat(pinned.strategyFor(command)).isEmpty();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> pinned.spawn(command))
                    .hasMessageContaining("UMASK").hasMessageContaining("posix_spawn");
        }
    }

    private static boolean available(String name) {
        return Spawner.strategies().stream().anyMatch(i -> i.name().equals(name) && i.available());
    }

    /** The first available strategy, best first, with every feature in {@code needed}. */
    private static String best(Set<Feature> needed) {
        return Spawner.strategies().stream()
                .filter(i -> i.available() && i.features().containsAll(needed))
                .map(StrategyInfo::name).findFirst().orElseThrow();
    }

    private static String output(ChildProcess child) throws IOException, InterruptedException {
        try (child) {
            String out = new String(child.getInputStream().readAllBytes(), US_ASCII).strip();
            assertThat(child.waitFor()).isZero();
            return out;
        }
    }
}
