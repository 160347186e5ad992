package dev.safespawn.strategies.oldlibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Spawner;
import dev.safespawn.Spawner.StrategyInfo;
import dev.safespawn.strategies.internal.NativeSupport;
import dev.safespawn.testkit.ParentState;
import dev.safespawn.testkit.Probe;
import dev.safespawn.testkit.ProbeReport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A C library without {@code posix_spawn_file_actions_addclosefrom_np}, as
 * glibc 2.28 to 2.33 are: posix_spawn must refuse to run (it could not close
 * what the child must not inherit) and say why, and plain commands must go to
 * a strategy that keeps the child contract without it. Run by the pom's
 * {@code without-addclosefrom} execution, which hides the symbol with the test
 * switch {@code safespawn.internal.libc.hide}; elsewhere it skips, saying so.
 */
class WithoutAddCloseFromTest {
    private static final String HIDDEN = "posix_spawn_file_actions_addclosefrom_np";
    private static final List<String> FALLBACKS = List.of("fork_exec", "zygote");

    @BeforeAll
    static void onlyWithTheSymbolHidden() {
        assumeThat(System.getProperty("safespawn.internal.libc.hide", ""))
                .as("run by the pom's without-addclosefrom execution, which hides " + HIDDEN)
                .contains(HIDDEN);
    }

    @Test
    void posixSpawnIsUnavailableAndNamesTheSymbolAndTheGlibcThatHasIt() {
        StrategyInfo posixSpawn = info("posix_spawn");

        assertThat(posixSpawn.available()).isFalse();
        assertThat(posixSpawn.unavailabilityCause()).hasValueSatisfying(cause -> assertThat(cause)
                .startsWith("the C library lacks " + HIDDEN + " (glibc 2.34 or later has it")
                .contains("safespawn.internal.libc.hide"));
    }

    @Test
    void onlyTheHiddenSymbolIsReportedMissing() {
        assertThat(NativeSupport.hasSymbol(HIDDEN)).isFalse();
        assertThat(NativeSupport.hasSymbol("getpid")).isTrue();
        assertThat(NativeSupport.diagnostics().get("libc." + HIDDEN))
                .startsWith("no (glibc 2.34 or later has it");
    }

    @Test
    void everyStrategyReportsTheSymbolMissing() {
        for (String name : List.of("posix_spawn", "fork_exec", "zygote")) {
            assertThat(info(name).diagnostics().get("libc." + HIDDEN)).as(name).startsWith("no (");
        }
    }

    @Test
    void aPlainCommandGoesElsewhereAndItsChildHoldsOnlyTheStandardDescriptors() throws Exception {
        Command report = Command.builder(Probe.path().toString(), "report").build();
        int[] leaky = ParentState.leakyPipe();
        try (Spawner spawner = Spawner.create()) {
            assertThat(spawner.strategyName()).isIn(FALLBACKS);
            assertThat(spawner.strategyFor(report)).hasValueSatisfying(name -> assertThat(name).isIn(FALLBACKS));

            ChildProcess child = spawner.spawn(report);
            child.getOutputStream().close();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(child.strategyName()).isIn(FALLBACKS);
            assertThat(child.exitValue()).isZero();
            assertThat(ProbeReport.parse(out).fds())
                    .as("the parent holds %d and %d without O_CLOEXEC", leaky[0], leaky[1])
                    .containsExactly(0, 1, 2);
        } finally {
            ParentState.close(leaky);
        }
    }

    private static StrategyInfo info(String name) {
        return Spawner.strategies().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }
}
