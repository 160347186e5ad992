package dev.safespawn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Feature;
import dev.safespawn.Spawner.StrategyInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Runs the CLI in-process, with picocli's writers captured, on this machine:
 * the doctor's live proof is only meaningful against the real kernel and libc.
 */
class DoctorCommandTest {

    /** One in-process run: exit status plus what went to stdout and stderr. */
    private record Run(int status, String out, String err) {
        static Run of(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new SafespawnCli());
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            int status = cli.execute(args);
            return new Run(status, out.toString(), err.toString());
        }
    }

    @Test
    void doctorReportsAHealthyMachineAndProvesTheContractLive() {
        Run run = Run.of("doctor");

        // stdout and stderr go into the failure message: on a broken machine they say why.
        assertThat(run.status()).as("exit status\nstdout:\n%s\nstderr:\n%s", run.out(), run.err()).isZero();
        assertThat(run.out())
                .contains("Platform", "Kernel and libc features", "Strategies", "posix_spawn", "jdk")
                .contains("the CLI holds a leaky pipe: fds ")
                .containsPattern("(?m)^  posix_spawn:\\s+child holds fds 0 1 2  \\S+ contract kept$")
                .doesNotContain("LEAK");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void doctorShowsEachStrategysOwnFactsUnderIt() {
        Run run = Run.of("doctor");

        assertThat(run.out())
                .containsPattern("(?m)^ +fork_exec\\.mode: (vfork|fork)$")
                .containsPattern("(?m)^ +zygote\\.binary: \\S+")
                .containsPattern("(?m)^  libc    \\S+");
        assertThat(run.out()).as("machine facts are listed once, without their prefix")
                .doesNotContain("kernel.pidfd_open")
                .containsPattern("(?m)^  pidfd_open +(yes|no)");
    }

    @Test
    void doctorExplainsWhereEachFeatureIsRouted() {
        Run run = Run.of("doctor");

        assertThat(run.out()).contains("Routing (where Spawner.create() sends a command that needs ...)")
                .containsPattern("(?m)^  a plain command +-> fork_exec$")
                .containsPattern("(?m)^  UMASK +-> fork_exec$")
                .containsPattern("(?m)^  RLIMITS +-> fork_exec$")
                .containsPattern("(?m)^  KILL_ON_PARENT_DEATH +-> fork_exec$")
                .containsPattern("(?m)^  TREE_KILL +-> zygote$")
                .containsPattern("(?m)^  PASS_FD +-> fork_exec$")
                .containsPattern("(?m)^  PIPELINE +-> fork_exec \\(a pipeline of plain commands\\)$")
                .containsPattern("(?m)^  STREAMS_OUTLIVE_CHILD +-> fork_exec$")
                .containsPattern("(?m)^  SIGNALS +not asked for by commands; fork_exec \\(plain commands\\) has it$");
    }

    @Test
    void everyFeatureThatACommandCanNeedHasASampleCommandNeedingOnlyIt() {
        for (dev.safespawn.Feature f : dev.safespawn.Feature.values()) {
            RoutingReport.commandNeeding(f).ifPresent(c -> assertThat(c.requiredFeatures()).containsExactly(f));
        }
    }

    @Test
    void machineFactsComeFromTheFirstStrategyThatNamesThemAndLeaveStrategyFactsOut() {
        Map<String, String> best = new LinkedHashMap<>();
        best.put("libc.version", "glibc 2.99");
        best.put("best.helper", "/opt/helper");
        best.put("kernel.pidfd_open", "yes");
        Map<String, String> other = new LinkedHashMap<>();
        other.put("kernel.pidfd_open", "no");
        other.put("kernel.close_range", "yes");

        Map<String, String> machine = DoctorCommand.machineFacts(List.of(
                new StrategyInfo("best", true, Optional.empty(), Set.of(), best),
                new StrategyInfo("other", false, Optional.of("not here"), Set.of(), other)));

        assertThat(machine).containsExactly(
                Map.entry("libc.version", "glibc 2.99"),
                Map.entry("kernel.pidfd_open", "yes"),
                Map.entry("kernel.close_range", "yes"));
    }

    @Test
    void platformNamesTheArchitectureTheCLibraryAndTheJvm() {
        Run run = Run.of("doctor");

        assertThat(run.out())
                .containsPattern("(?m)^  arch    " + Pattern.quote(System.getProperty("os.arch")) + "$")
                .containsPattern("(?m)^  libc    (glibc \\d+\\.\\d+|musl|unknown)")
                .containsPattern("(?m)^  jvm     \\S+");
    }

    @Test
    void aMissingKernelOrLibcFeatureSaysWhy() {
        Run run = Run.of("doctor");

        assertThat(run.out()).as("each feature is yes, or no with why")
                .containsPattern("(?m)^  close_range +(yes|no \\(.+\\))$")
                .containsPattern("(?m)^  pidfd_open +(yes|no \\(.+\\))$")
                .containsPattern("(?m)^  posix_spawn_file_actions_addclosefrom_np +(yes|no \\(glibc 2\\.34 or later has it.*\\))$");
    }

    @Test
    void offLinuxItSaysEveryCommandRunsOnTheJdkStrategy() {
        List<StrategyInfo> macOs = List.of(
                new StrategyInfo("posix_spawn", false, Optional.of("needs Linux, this is Mac OS X"), Set.of(), Map.of()),
                new StrategyInfo("jdk", true, Optional.empty(), Set.of(), Map.of()));

        assertThat(DoctorCommand.onlyTheFallback("Mac OS X", macOs)).hasValueSatisfying(line -> assertThat(line)
                .startsWith("every native strategy needs Linux, and this is Mac OS X: every command runs on the jdk"));
        assertThat(DoctorCommand.onlyTheFallback("Windows 11", macOs)).hasValueSatisfying(line -> assertThat(line)
                .contains("this is Windows 11"));
        assertThat(DoctorCommand.onlyTheFallback("Linux", macOs)).hasValueSatisfying(line -> assertThat(line)
                .startsWith("no native strategy is available here (see why above): every command runs on the jdk"));
    }

    @Test
    void anUnavailableStrategySaysWhyOnALineOfItsOwn() {
        String cause = "the C library lacks posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later has it)";
        List<String> lines = DoctorCommand.strategyLines(List.of(
                new StrategyInfo("posix_spawn", false, Optional.of(cause), Set.of(Feature.PASS_FD),
                        Map.of("libc.version", "glibc 2.31")),
                new StrategyInfo("zygote", true, Optional.empty(), Set.of(Feature.PASS_FD, Feature.UMASK),
                        Map.of("zygote.standby", "0"))), Optional.of("zygote"));

        assertThat(lines).containsExactly(
                "  posix_spawn  unavailable  features: PASS_FD",
                "               why: " + cause,
                "* zygote       available    features: PASS_FD, UMASK",
                "               zygote.standby: 0");
    }

    @Test
    void withANativeStrategyAvailableNoFallbackLineIsPrinted() {
        Run run = Run.of("doctor");

        assertThat(run.out()).doesNotContain("every command runs on the jdk");
        assertThat(DoctorCommand.onlyTheFallback("Linux", List.of(
                new StrategyInfo("zygote", true, Optional.empty(), Set.of(), Map.of()),
                new StrategyInfo("jdk", true, Optional.empty(), Set.of(), Map.of())))).isEmpty();
    }

    @Test
    void helpExitsZeroAndNamesDoctor() {
        Run run = Run.of("--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Usage: safespawn", "doctor");
    }

    @Test
    void unknownSubcommandFails() {
        Run run = Run.of("no-such-command");

        assertThat(run.status()).isNotZero();
        assertThat(run.err()).contains("no-such-command");
    }

    @Test
    void noSubcommandPrintsUsageAndExits125() {
        Run run = Run.of();

        assertThat(run.status()).isEqualTo(SafespawnCli.USAGE_ERROR);
        assertThat(run.err()).contains("Usage: safespawn");
    }
}
