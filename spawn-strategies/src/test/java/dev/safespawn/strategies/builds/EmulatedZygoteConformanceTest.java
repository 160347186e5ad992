package dev.safespawn.strategies.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import dev.safespawn.Spawner;
import dev.safespawn.strategies.internal.NativeBuilds;
import dev.safespawn.testkit.ParentState;
import dev.safespawn.testkit.ProbeReport;
import dev.safespawn.testkit.StrategySuite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The whole child contract against the zygote server cross-built for
 * aarch64, run under qemu-user on this x86-64 machine by the pom's
 * {@code zygote-aarch64-emulated} execution, which chooses that build and the
 * emulator. qemu-user hands an {@code execve} to the host kernel, so the
 * children are this machine's programs: what passes here is the aarch64
 * build of the server's own code, its protocol with the Java client over the
 * socket pair, its C child set-up and its reaping. The aarch64 build of the
 * contract probe then checks a child from the inside, emulated too.
 */
class EmulatedZygoteConformanceTest extends StrategySuite {
    private static final String NO_SUBREAPER = "qemu-user refuses prctl(PR_SET_CHILD_SUBREAPER) with EINVAL"
            + " (seen with 7.2), and tree scope's keeper needs it: the spawn fails with that errno at stage SPAWN";
    private static final String AARCH64_ZYGOTE = "/linux-aarch64/" + NativeBuilds.ZYGOTE_FILE;

    private Path emulator;

    @Override
    protected Spawner open() {
        OtherBuilds.chosenZygote(AARCH64_ZYGOTE);
        emulator = OtherBuilds.emulator(NativeBuilds.ZYGOTE_EMULATOR_PROPERTY);
        return Spawner.of("zygote");
    }

    /**
     * A quarter: every fork of the emulated server is a fork of qemu, which
     * costs several times a native one, so at the full numbers the load tests
     * took over a minute of CI; a quarter still runs sixteen spawning threads
     * against the aarch64 server's one request loop.
     */
    @Override
    public int loadSpawns(int spawns) {
        return spawns / 4;
    }

    @Test
    void theServerThatServedTheSuiteIsTheAarch64Build() throws Exception {
        ServerProcess.assertEveryServerIs(spawner(), new ElfFile(ElfFile.EM_AARCH64, true));
    }

    @Test
    void theAarch64ProbeSeesOnlyStdioWhileTheParentHoldsLeakyPipes() throws Exception {
        Path probe = OtherBuilds.aarch64Probe();
        List<int[]> pipes = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                pipes.add(ParentState.leakyPipe());
            }
            ProbeReport r = report(Command.builder(emulator.toString(), probe.toString(), "report", "--", "x y"));
            assertThat(r.fds()).as("child fds; %s", r).containsExactly(0, 1, 2);
            assertThat(r.cloexecFds()).isEmpty();
            assertThat(r.blockedSignals()).as("blocked signals").isEmpty();
            assertThat(r.ignoredSignals()).as("ignored signals").isEmpty();
            assertThat(r.args()).endsWith("report", "--", "x y");
        } finally {
            pipes.forEach(ParentState::close);
        }
    }

    @Test
    void theAarch64ProbeGetsAPassedDescriptorAtItsNumber() throws Exception {
        Path probe = OtherBuilds.aarch64Probe();
        int[] passed = ParentState.leakyPipe();
        int[] other = ParentState.leakyPipe();
        try {
            ProbeReport r = report(Command.builder(emulator.toString(), probe.toString(), "report")
                    .passFd(passed[1], 7));
            assertThat(r.fds()).as("child fds; %s", r).containsExactly(0, 1, 2, 7);
            assertThat(r.fdKinds()).containsEntry(7, "pipe");
        } finally {
            ParentState.close(passed);
            ParentState.close(other);
        }
    }

    /**
     * In place of the tree-scope test of that name: {@link #NO_SUBREAPER}, so
     * the spawn fails as the contract says a refused set-up fails, and leaves
     * nothing behind.
     */
    @Override
    @Test
    public void terminateWithTreeScopeEndsBackgroundJobs() throws Exception {
        assertTreeScopeIsRefusedByTheEmulator();
    }

    /** In place of the tree-scope test of that name; as {@link #terminateWithTreeScopeEndsBackgroundJobs}. */
    @Override
    @Test
    public void closeWithTreeScopeKillsWhatAnEndedChildLeft() throws Exception {
        assertTreeScopeIsRefusedByTheEmulator();
    }

    /** In place of the tree-scope test of that name; as {@link #terminateWithTreeScopeEndsBackgroundJobs}. */
    @Override
    @Test
    public void terminateWithTreeScopeKillsADaemonisedGrandchild() throws Exception {
        assertTreeScopeIsRefusedByTheEmulator();
    }

    private void assertTreeScopeIsRefusedByTheEmulator() throws Exception {
        Command tree = probe("exit", "0").killScope(Command.KillScope.TREE).build();
        Set<String> fdsBefore = ParentState.openFds();
        System.out.println("tree scope under qemu-user: " + NO_SUBREAPER);
        assertThatThrownBy(() -> spawner().spawn(tree)).isInstanceOfSatisfying(SpawnException.class, e -> {
            assertThat(e.stage()).isEqualTo(SpawnException.Stage.SPAWN);
            assertThat(e.errnoName()).isEqualTo("EINVAL");
        });
        assertThat(ParentState.openFds()).as("no new descriptor").isSubsetOf(fdsBefore);
        assertThat(ParentState.zombieChildren()).isEmpty();
        assertThat(run(probe("exit", "0").build()).child().exitValue()).as("the server serves on").isZero();
    }
}
