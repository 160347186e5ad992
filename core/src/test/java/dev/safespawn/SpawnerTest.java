package dev.safespawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** In core the only strategy on the class path is {@code jdk}. */
class SpawnerTest {

    @Test
    void strategiesListsJdkAsAvailableWithOnlyPipelines() {
        assertThat(Spawner.strategies()).singleElement().satisfies(info -> {
            assertThat(info.name()).isEqualTo("jdk");
            assertThat(info.available()).isTrue();
            assertThat(info.unavailabilityCause()).isEmpty();
            assertThat(info.features()).containsExactly(Feature.PIPELINE);
        });
    }

    @Test
    void strategiesIsUnmodifiable() {
        assertThatThrownBy(() -> Spawner.strategies().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void ofUnknownNameListsTheKnownOnes() {
        assertThatIllegalArgumentException().isThrownBy(() -> Spawner.of("nope"))
                .withMessageContaining("nope")
                .withMessageContaining("jdk");
    }

    @Test
    void ofNull() {
        assertThatNullPointerException().isThrownBy(() -> Spawner.of(null));
    }

    @Test
    void ofJdk() {
        try (Spawner s = Spawner.of("jdk")) {
            assertThat(s.strategyName()).isEqualTo("jdk");
            assertThat(s.features()).containsExactly(Feature.PIPELINE);
            assertThat(s).hasToString("Spawner[jdk]");
        }
    }

    @Test
    void createHonoursTheSystemProperty() {
        String old = System.getProperty(Spawner.STRATEGY_PROPERTY);
        try {
            System.setProperty(Spawner.STRATEGY_PROPERTY, "jdk");
            try (Spawner s = Spawner.create()) {
                assertThat(s.strategyName()).isEqualTo("jdk");
            }
        } finally {
            restore(old);
        }
    }

    @Test
    void createWithoutThePropertyPicksTheBestAvailable() {
        String old = System.getProperty(Spawner.STRATEGY_PROPERTY);
        try {
            System.clearProperty(Spawner.STRATEGY_PROPERTY);
            try (Spawner s = Spawner.create()) {
                assertThat(s.strategyName()).isEqualTo("jdk");
            }
        } finally {
            restore(old);
        }
    }

    @Test
    void createWithAnUnknownStrategyPropertyNamesIt() {
        String old = System.getProperty(Spawner.STRATEGY_PROPERTY);
        try {
            System.setProperty(Spawner.STRATEGY_PROPERTY, "nope");
            assertThatThrownBy(Spawner::create).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nope").hasMessageContaining("jdk");
        } finally {
            restore(old);
        }
    }

    private static void restore(String old) {
        if (old == null) {
            System.clearProperty(Spawner.STRATEGY_PROPERTY);
        } else {
            System.setProperty(Spawner.STRATEGY_PROPERTY, old);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Feature.class, names = {"PASS_FD", "NEW_SESSION", "PROCESS_GROUP"})
    void missingFeatureFailsBeforeAnythingRuns(Feature feature) {
        UnaryOperator<Command.Builder> needing = switch (feature) {
            case PASS_FD -> b -> b.passFd(0, 3);
            case NEW_SESSION -> Command.Builder::newSession;
            case PROCESS_GROUP -> b -> b.processGroup(0);
            default -> throw new AssertionError(feature);
        };
        // A program that does not exist: if the feature check were skipped the
        // failure would be RESOLVE/EXEC rather than FEATURE.
        Command command = needing.apply(Command.builder("/nonexistent/safespawn-test-program")).build();
        assertThat(command.requiredFeatures()).containsExactly(feature);
        try (Spawner s = Spawner.of("jdk")) {
            assertThatThrownBy(() -> s.spawn(command))
                    .isInstanceOfSatisfying(SpawnException.class, e -> {
                        assertThat(e.stage()).isEqualTo(SpawnException.Stage.FEATURE);
                        assertThat(e.getMessage()).contains(feature.name()).contains("jdk");
                        assertThat(e.errnoName()).isEqualTo("EOPNOTSUPP");
                    });
        }
    }

    @Test
    void spawnNull() {
        try (Spawner s = Spawner.of("jdk")) {
            assertThatNullPointerException().isThrownBy(() -> s.spawn((Command) null));
        }
    }

    @Test
    void realSpawnThroughJdk() throws Exception {
        try (Spawner s = Spawner.of("jdk")) {
            ChildProcess p = s.spawn("/bin/sh", "-c", "echo hi; exit 3");
            assertThat(p.strategyName()).isEqualTo("jdk");
            String out;
            String err;
            try (OutputStream stdin = p.getOutputStream();
                 InputStream stdout = p.getInputStream();
                 InputStream stderr = p.getErrorStream()) {
                out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
                err = new String(stderr.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(p.waitFor()).isEqualTo(3);
            assertThat(out).isEqualTo("hi\n");
            assertThat(err).isEmpty();
            assertThat(p.exitValue()).isEqualTo(3);
            assertThat(p.exitStatus()).isEqualTo(ExitStatus.exited(3));
            assertThat(p.isAlive()).isFalse();
        }
    }

    @Test
    void missingProgramIsASpawnException() {
        try (Spawner s = Spawner.of("jdk")) {
            assertThatThrownBy(() -> s.spawn("/nonexistent/safespawn-test-program"))
                    .isInstanceOfSatisfying(SpawnException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("ENOENT");
                        assertThat(e.path()).contains("/nonexistent/safespawn-test-program");
                    });
        }
    }
}
