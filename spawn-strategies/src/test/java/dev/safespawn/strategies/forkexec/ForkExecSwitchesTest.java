package dev.safespawn.strategies.forkexec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.SpawnException;
import dev.safespawn.internal.Errno;
import dev.safespawn.spi.SpawnStrategy;
import dev.safespawn.strategies.internal.ChildSetupAbi;
import dev.safespawn.strategies.internal.LibC;
import dev.safespawn.strategies.internal.SafespawnShim;
import dev.safespawn.testkit.Probe;
import dev.safespawn.testkit.ProbeReport;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * fork_exec's test hooks, through the shim's test build (TestShim): each way
 * of closing descriptors alone, and a refused setsid. And the shim that ships
 * has none of them.
 */
class ForkExecSwitchesTest {

    @ParameterizedTest
    @ValueSource(ints = {ChildSetupAbi.SS_CLOSE_RANGE, ChildSetupAbi.SS_CLOSE_PROC_SCAN,
            ChildSetupAbi.SS_CLOSE_BRUTE_FORCE})
    void eachClosePathClosesEverythingEvenAboveALoweredLimit(int method) throws Exception {
        int[] pipe = new int[2];
        LibC.pipe2(pipe, 0);
        // A descriptor far above the limit the child will inherit: lowering
        // RLIMIT_NOFILE does not close it, and a close loop bounded by the limit misses it.
        int high = LibC.fcntl(pipe[1], LibC.F_DUPFD, 15_000);
        try (Memory saved = new Memory(16); Memory lowered = new Memory(16)) {
            SpawnStrategy strategy = TestShim.strategy(method, 0);
            LibC.getrlimit(LibC.RLIMIT_NOFILE, saved);
            lowered.setLong(0, 1024);
            lowered.setLong(8, saved.getLong(8));
            ProbeReport report;
            LibC.setrlimit(LibC.RLIMIT_NOFILE, lowered);
            try {
                report = runReport(strategy, Command.builder(Probe.path().toString(), "report").passFd(pipe[0], 7));
            } finally {
                LibC.setrlimit(LibC.RLIMIT_NOFILE, saved);
            }
            assertThat(high).isGreaterThanOrEqualTo(15_000);
            assertThat(report.fds()).as("close method %d: %s", method, report).containsExactly(0, 1, 2, 7);
        } finally {
            LibC.close(high);
            LibC.close(pipe[0]);
            LibC.close(pipe[1]);
        }
    }

    @Test
    void refusedSetsidIsReportedAtItsStageAndLeavesNothing() {
        SpawnStrategy strategy = TestShim.strategy(ChildSetupAbi.SS_CLOSE_AUTO, ChildSetupAbi.SS_TEST_LEAD_GROUP_FIRST);
        SpawnException e = catchThrowableOfType(SpawnException.class, () -> strategy.spawn(
                Command.builder(Probe.path().toString(), "exit", "0").newSession().build()));
        assertThat(e.stage()).isEqualTo(SpawnException.Stage.SETSID);
        assertThat(e.errno()).isEqualTo(Errno.EPERM);
        assertThat(e).hasMessage("setsid: Operation not permitted (EPERM)");
    }

    @Test
    void theTestBuildIsTheOneWithTheHooksAndSpeaksTheSameAbi() {
        assertThat(TestShim.safespawn_test_hooks()).isEqualTo(1);
        assertThat(TestShim.safespawn_abi_version()).isEqualTo(ChildSetupAbi.SS_ABI_VERSION);
    }

    @Test
    void theShippedShimHasNoHooksAndIgnoresTheTestFlag() throws Exception {
        assertThat(SafespawnShim.loadFailure()).isEmpty();
        assertThatThrownBy(() -> NativeLibrary.getInstance(SafespawnShim.LIBRARY).getFunction("safespawn_test_hooks"))
                .as("safespawn_test_hooks in %s", SafespawnShim.loadedFrom())
                .isInstanceOf(UnsatisfiedLinkError.class);
        SpawnStrategy shipped = new ForkExecStrategy(SafespawnShim.ForkExec.PACKAGED,
                ChildSetupAbi.SS_MODE_CLONE_VFORK, ChildSetupAbi.SS_CLOSE_AUTO, ChildSetupAbi.SS_TEST_LEAD_GROUP_FIRST);
        ChildProcess child = shipped.spawn(Command.builder(Probe.path().toString(), "exit", "0").newSession()
                .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).build());
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("a new session despite the test flag").isZero();
    }

    private static ProbeReport runReport(SpawnStrategy strategy, Command.Builder command) throws Exception {
        ChildProcess child = strategy.spawn(command.build());
        child.getOutputStream().close();
        child.getErrorStream().close();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        return ProbeReport.parse(out);
    }
}
