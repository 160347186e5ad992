package dev.safespawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.spi.SpawnStrategy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How a spawner made by {@link Spawner#create()} routes commands, between fake
 * strategies shaped like the real ones: a cheap one without pre-exec options,
 * a costly one with a helper to start, and one with every option.
 */
class RoutingSpawnerTest {
    private static final Set<Feature> SPAWN_LIKE = EnumSet.of(Feature.PASS_FD, Feature.NEW_SESSION,
            Feature.PROCESS_GROUP, Feature.SIGNALS, Feature.SIGNAL_RESET, Feature.ASYNC_CLOSE);

    private final FakeStrategy cheap = new FakeStrategy("cheap", SPAWN_LIKE);
    private final FakeStrategy helper = new FakeStrategy("helper", EnumSet.complementOf(EnumSet.of(Feature.KILL_ON_PARENT_DEATH)));
    private final FakeStrategy full = new FakeStrategy("full", EnumSet.allOf(Feature.class));

    private Spawner routing(FakeStrategy... strategies) {
        return new Spawner(List.of(strategies), false);
    }

    @Test
    void aPlainCommandGoesToThePreferredStrategy() throws IOException {
        try (Spawner s = routing(cheap, helper, full)) {
            Command plain = Command.of("/bin/true");
            assertThat(s.strategyFor(plain)).contains("cheap");
            assertThat(s.spawn(plain).strategyName()).isEqualTo("cheap");
            assertThat(s.strategyName()).isEqualTo("cheap");
            assertThat(s.isPinned()).isFalse();
        }
    }

    @Test
    void aCommandGoesToTheFirstStrategyWithEveryFeatureItNeeds() throws IOException {
        try (Spawner s = routing(cheap, helper, full)) {
            Command umask = Command.builder("/bin/true").umask(077).build();
            Command rlimit = Command.builder("/bin/true").rlimit(Command.Limit.CORE, 0, 0).passFd(0, 3).build();
            Command dies = Command.builder("/bin/true").killOnParentDeath().build();
            Command session = Command.builder("/bin/true").newSession().build();

            assertThat(s.spawn(umask).strategyName()).isEqualTo("helper");
            assertThat(s.spawn(rlimit).strategyName()).isEqualTo("helper");
            assertThat(s.spawn(dies).strategyName()).isEqualTo("full");
            assertThat(s.spawn(session).strategyName()).isEqualTo("cheap");
            assertThat(cheap.spawned).containsExactly(session);
            assertThat(helper.spawned).containsExactly(umask, rlimit);
            assertThat(full.spawned).containsExactly(dies);
        }
    }

    @Test
    void featuresAreWhatTheSpawnerCanServe() {
        try (Spawner s = routing(cheap, helper)) {
            assertThat(s.features()).isEqualTo(EnumSet.complementOf(EnumSet.of(Feature.KILL_ON_PARENT_DEATH)));
            assertThat(s).hasToString("Spawner[cheap > helper]");
        }
    }

    @Test
    void aFeatureNoStrategyHasFailsNamingIt() {
        try (Spawner s = routing(cheap, helper)) {
            Command dies = Command.builder("/nonexistent/safespawn-test-program").killOnParentDeath().build();
            assertThat(s.strategyFor(dies)).isEmpty();
            assertThatThrownBy(() -> s.spawn(dies)).isInstanceOfSatisfying(SpawnException.class, e -> {
                assertThat(e.stage()).isEqualTo(SpawnException.Stage.FEATURE);
                assertThat(e.getMessage()).contains("KILL_ON_PARENT_DEATH").contains("cheap > helper");
            });
            assertThat(helper.starts).hasValue(0);
        }
    }

    @Test
    void featuresSpreadOverStrategiesButNeverTogetherFail() {
        FakeStrategy umaskOnly = new FakeStrategy("umask_only", EnumSet.of(Feature.UMASK));
        try (Spawner s = routing(cheap, umaskOnly)) {
            Command both = Command.builder("/bin/true").umask(077).newSession().build();
            assertThatThrownBy(() -> s.spawn(both)).isInstanceOfSatisfying(SpawnException.class, e -> {
                assertThat(e.stage()).isEqualTo(SpawnException.Stage.FEATURE);
                assertThat(e.getMessage()).contains("NEW_SESSION").contains("UMASK");
            });
        }
    }

    @Test
    void aPipelineGoesToTheFirstStrategyWithPipelinesAndEveryStagesFeatures() throws IOException {
        try (Spawner s = routing(cheap, helper, full)) {
            Pipeline plain = Pipeline.of(Command.of("/bin/true"), Command.of("/bin/true"));
            Pipeline dies = Pipeline.of(Command.of("/bin/true"),
                    Command.builder("/bin/true").killOnParentDeath().build());

            assertThat(s.strategyFor(plain)).contains("helper");
            try (Pipeline.Running run = s.spawn(plain)) {
                assertThat(run.stages()).hasSize(2).allSatisfy(c -> assertThat(c.strategyName()).isEqualTo("helper"));
            }
            try (Pipeline.Running run = s.spawn(dies)) {
                assertThat(run.stages()).allSatisfy(c -> assertThat(c.strategyName()).isEqualTo("full"));
            }
            assertThat(helper.pipelines).containsExactly(plain);
            assertThat(full.pipelines).containsExactly(dies);
            assertThat(cheap.pipelines).isEmpty();
        }
    }

    @Test
    void aPipelineNoStrategyCanStartFailsNamingThePipelineFeature() {
        try (Spawner s = routing(cheap)) {
            Pipeline plain = Pipeline.of(Command.of("/bin/true"));
            assertThat(s.strategyFor(plain)).isEmpty();
            assertThatThrownBy(() -> s.spawn(plain)).isInstanceOfSatisfying(SpawnException.class, e -> {
                assertThat(e.stage()).isEqualTo(SpawnException.Stage.FEATURE);
                assertThat(e.pipelineStage()).isEmpty();
                assertThat(e.getMessage()).contains("PIPELINE");
            });
            assertThat(cheap.pipelines).isEmpty();
        }
    }

    @Test
    void onlyThePreferredStrategyStartsWithTheSpawner() throws IOException {
        try (Spawner s = routing(cheap, helper, full)) {
            assertThat(cheap.starts).hasValue(1);
            assertThat(helper.starts).hasValue(0);
            s.spawn(Command.builder("/bin/true").umask(022).build());
            s.spawn(Command.builder("/bin/true").umask(022).build());
            assertThat(helper.starts).hasValue(1);
            assertThat(full.starts).hasValue(0);
        }
    }

    @Test
    void aFallbackStartsOnceWhenManyThreadsNeedItAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeStrategy slow = new FakeStrategy("slow", EnumSet.allOf(Feature.class)) {
            @Override
            public void start() throws IOException {
                super.start();
                awaitUninterruptibly(release);
            }
        };
        try (Spawner s = routing(cheap, slow)) {
            Command umask = Command.builder("/bin/true").umask(022).build();
            List<String> ranOn = new CopyOnWriteArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                threads.add(new Thread(() -> {
                    try {
                        ranOn.add(s.spawn(umask).strategyName());
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            threads.forEach(Thread::start);
            // Every thread is inside the spawn: one waits in start(), the others for it.
            while (slow.starts.get() == 0 || threads.stream().anyMatch(t -> t.getState() == Thread.State.RUNNABLE
                    || t.getState() == Thread.State.NEW)) {
                Thread.onSpinWait();
            }
            release.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).isEmpty();
            assertThat(ranOn).hasSize(8).containsOnly("slow");
            assertThat(slow.starts).hasValue(1);
        }
    }

    @Test
    void aFallbackThatFailsToStartIsNotRetriedAndTheNextOneServes() throws IOException {
        FakeStrategy broken = new FakeStrategy("broken", EnumSet.allOf(Feature.class));
        broken.startFailure = new IOException("helper binary is on a noexec mount");
        try (Spawner s = routing(cheap, broken, full)) {
            Command umask = Command.builder("/bin/true").umask(022).build();
            assertThat(s.strategyFor(umask)).contains("broken");
            assertThat(s.spawn(umask).strategyName()).isEqualTo("full");
            assertThat(s.spawn(umask).strategyName()).isEqualTo("full");
            assertThat(s.strategyFor(umask)).contains("full");
            assertThat(broken.starts).hasValue(1);
            assertThat(broken.closes).hasValue(1);
        }
    }

    @Test
    void aFallbackThatFailsToStartWithNoOtherIsAnIOExceptionNamingIt() {
        FakeStrategy broken = new FakeStrategy("broken", EnumSet.allOf(Feature.class));
        broken.startFailure = new IOException("helper binary is on a noexec mount");
        try (Spawner s = routing(cheap, broken)) {
            Command umask = Command.builder("/bin/true").umask(022).build();
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> s.spawn(umask)).isInstanceOf(IOException.class)
                        .isNotInstanceOf(SpawnException.class)
                        .hasMessageContaining("broken").hasMessageContaining("noexec")
                        .hasCause(broken.startFailure);
            }
            assertThat(broken.starts).hasValue(1);
        }
    }

    @Test
    void closeClosesWhatWasStartedAndNothingElse() throws IOException {
        Spawner s = routing(cheap, helper, full);
        s.spawn(Command.builder("/bin/true").umask(022).build());
        s.close();
        assertThat(cheap.closes).hasValue(1);
        assertThat(helper.closes).hasValue(1);
        assertThat(full.closes).hasValue(0);
        // A strategy never started is not started after close.
        assertThatThrownBy(() -> s.spawn(Command.builder("/bin/true").killOnParentDeath().build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(full.starts).hasValue(0);
        s.close();
        assertThat(cheap.closes).hasValue(2); // close is idempotent for strategies, and passed on
    }

    @Test
    void aPinnedSpawnerNeverRoutes() {
        try (Spawner s = new Spawner(List.of(cheap), true)) {
            assertThat(s.isPinned()).isTrue();
            Command umask = Command.builder("/nonexistent/safespawn-test-program").umask(022).build();
            assertThat(s.strategyFor(umask)).isEmpty();
            assertThatThrownBy(() -> s.spawn(umask)).isInstanceOfSatisfying(SpawnException.class, e -> {
                assertThat(e.stage()).isEqualTo(SpawnException.Stage.FEATURE);
                assertThat(e.getMessage()).contains("strategy cheap does not support UMASK");
            });
        }
    }

    @Test
    void strategyForNull() {
        try (Spawner s = routing(cheap)) {
            assertThatNullPointerException().isThrownBy(() -> s.strategyFor((Command) null));
            assertThatNullPointerException().isThrownBy(() -> s.strategyFor((Pipeline) null));
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
