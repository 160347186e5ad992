package dev.safespawn.strategies.forkexec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.jna.Memory;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import dev.safespawn.Spawner;
import dev.safespawn.internal.Errno;
import dev.safespawn.strategies.conformance.ForkExecModes;
import dev.safespawn.testkit.Probe;
import dev.safespawn.testkit.ProbeReport;
import dev.safespawn.strategies.internal.LibC;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** fork_exec's test-only switches: each way of closing descriptors, and a refused setsid. */
class ForkExecSwitchesTest {

    @ParameterizedTest
    @ValueSource(strings = {"close_range", "proc", "brute"})
    void eachClosePathClosesEverythingEvenAboveALoweredLimit(String method) throws Exception {
        int[] pipe = new int[2];
        LibC.pipe2(pipe, 0);
        // A descriptor far above the limit the child will inherit: lowering
        // RLIMIT_NOFILE does not close it, and a close loop bounded by the limit misses it.
        int high = LibC.fcntl(pipe[1], LibC.F_DUPFD, 15_000);
        try (Spawner spawner = ForkExecModes.withProperties(Map.of(ForkExecStrategy.CLOSE_METHOD_PROPERTY, method));
             Memory saved = new Memory(16); Memory lowered = new Memory(16)) {
            LibC.getrlimit(LibC.RLIMIT_NOFILE, saved);
            lowered.setLong(0, 1024);
            lowered.setLong(8, saved.getLong(8));
            ProbeReport report;
            LibC.setrlimit(LibC.RLIMIT_NOFILE, lowered);
            try {
                report = runReport(spawner, Command.builder(Probe.path().toString(), "report").passFd(pipe[0], 7));
            } finally {
                LibC.setrlimit(LibC.RLIMIT_NOFILE, saved);
            }
            assertThat(high).isGreaterThanOrEqualTo(15_000);
            assertThat(report.fds()).as("%s: %s", method, report).containsExactly(0, 1, 2, 7);
        } finally {
            LibC.close(high);
            LibC.close(pipe[0]);
            LibC.close(pipe[1]);
        }
    }

    @Test
    void refusedSetsidIsReportedAtItsStageAndLeavesNothing() throws Exception {
        try (Spawner spawner = ForkExecModes.withProperties(Map.of(ForkExecStrategy.LEAD_GROUP_FIRST_PROPERTY, "true"))) {
            SpawnException e = catchThrowableOfType(SpawnException.class, () -> spawner.spawn(
                    Command.builder(Probe.path().toString(), "exit", "0").newSession().build()));
            assertThat(e.stage()).isEqualTo(SpawnException.Stage.SETSID);
            assertThat(e.errno()).isEqualTo(Errno.EPERM);
            assertThat(e).hasMessage("setsid: Operation not permitted (EPERM)");
        }
    }

    private static ProbeReport runReport(Spawner spawner, Command.Builder command) throws Exception {
        ChildProcess child = spawner.spawn(command.build());
        child.getOutputStream().close();
        child.getErrorStream().close();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        return ProbeReport.parse(out);
    }
}
