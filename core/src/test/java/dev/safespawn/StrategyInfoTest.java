package dev.safespawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.Spawner.StrategyInfo;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What {@link Spawner#strategies()} carries from a strategy, diagnostics above all. */
class StrategyInfoTest {

    @Test
    void diagnosticsReachTheInfoInTheStrategysOrder() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("libc.version", "glibc 2.39");
        facts.put("kernel.pidfd_open", "yes");
        facts.put("fake.helper", "/opt/helper");
        facts.put("kernel.close_range", "no");

        StrategyInfo info = Spawner.describe(new Reporting(() -> facts));

        assertThat(info.name()).isEqualTo("fake");
        assertThat(info.available()).isTrue();
        assertThat(info.features()).containsExactly(Feature.PASS_FD);
        assertThat(info.diagnostics()).containsExactly(
                Map.entry("libc.version", "glibc 2.39"),
                Map.entry("kernel.pidfd_open", "yes"),
                Map.entry("fake.helper", "/opt/helper"),
                Map.entry("kernel.close_range", "no"));
    }

    @Test
    void theInfoIsASnapshotNobodyCanChange() {
        Map<String, String> facts = new HashMap<>(Map.of("fake.state", "before"));
        StrategyInfo info = Spawner.describe(new Reporting(() -> facts));

        facts.put("fake.state", "after");

        assertThat(info.diagnostics()).containsExactly(Map.entry("fake.state", "before"));
        assertThatThrownBy(() -> info.diagnostics().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> info.features().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aStrategyWithoutDiagnosticsHasNoFacts() {
        assertThat(Spawner.describe(silent()).diagnostics()).isEmpty();
    }

    @Test
    void failingDiagnosticsCostOnlyThatStrategysFacts() {
        StrategyInfo threw = Spawner.describe(new Reporting(() -> {
            throw new UnsatisfiedLinkError("libfake.so: cannot open shared object file");
        }));
        StrategyInfo nullMap = Spawner.describe(new Reporting(() -> null));
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("fake.unknown", null);
        StrategyInfo badValue = Spawner.describe(new Reporting(() -> nullValue));

        assertThat(threw.diagnostics()).containsOnlyKeys("diagnostics.failed");
        assertThat(threw.diagnostics().get("diagnostics.failed")).contains("libfake.so");
        assertThat(nullMap.diagnostics()).containsOnlyKeys("diagnostics.failed");
        assertThat(badValue.diagnostics()).containsOnlyKeys("diagnostics.failed");
        assertThat(badValue.diagnostics().get("diagnostics.failed")).contains("fake.unknown");
        assertThat(threw.available()).as("the rest of the info is unaffected").isTrue();
    }

    @Test
    void theRecordRejectsNulls() {
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("fake.unknown", null);

        assertThatNullPointerException().isThrownBy(
                () -> new StrategyInfo(null, true, Optional.empty(), Set.of(), Map.of()));
        assertThatNullPointerException().isThrownBy(
                () -> new StrategyInfo("fake", true, null, Set.of(), Map.of()));
        assertThatNullPointerException().isThrownBy(
                () -> new StrategyInfo("fake", true, Optional.empty(), null, Map.of()));
        assertThatNullPointerException().isThrownBy(
                () -> new StrategyInfo("fake", true, Optional.empty(), Set.of(), null));
        assertThatNullPointerException().isThrownBy(
                () -> new StrategyInfo("fake", true, Optional.empty(), Set.of(), nullValue));
    }

    @Test
    void strategiesCarryTheJdkStrategysFacts() {
        assertThat(Spawner.strategies()).singleElement()
                .satisfies(info -> assertThat(info.diagnostics()).containsOnlyKeys("jdk.launch_mechanism"));
    }

    /** The fake strategy with PASS_FD and the SPI's default diagnostics. */
    private static FakeStrategy silent() {
        return new FakeStrategy("fake", EnumSet.of(Feature.PASS_FD));
    }

    /** The fake strategy, reporting what it is told to. */
    private static final class Reporting extends FakeStrategy {
        private final Supplier<Map<String, String>> facts;

        Reporting(Supplier<Map<String, String>> facts) {
            super("fake", EnumSet.of(Feature.PASS_FD));
            this.facts = facts;
        }

        @Override
        public Map<String, String> diagnostics() {
            return facts.get();
        }
    }
}
