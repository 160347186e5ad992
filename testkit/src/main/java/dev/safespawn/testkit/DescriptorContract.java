package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Feature;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The child holds exactly 0, 1, 2 and the descriptors passed on purpose.
 *
 * <p>Each test is a JUnit {@code @Test} run through {@link ChildContractSuite};
 * threading and nulls are as {@link StrategyUnderTest} says.
 */
public interface DescriptorContract extends StrategyUnderTest {

    /**
     * With 200 pipes that are not close-on-exec, made by another thread, and a
     * listening socket open, the child holds only descriptors 0, 1 and 2, none
     * of them close-on-exec.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void onlyStdioReachesTheChildWhileOtherThreadsHoldLeakyDescriptors() throws Exception {
        List<int[]> pipes = CompletableFuture.supplyAsync(() -> {
            List<int[]> made = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                made.add(ParentState.leakyPipe());
            }
            return made;
        }).get(30, TimeUnit.SECONDS);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(server.isBound()).isTrue();
            ProbeReport r = report(probe("report"));
            assertThat(r.fds()).as("child fds; %s", r).containsExactly(0, 1, 2);
            assertThat(r.cloexecFds()).isEmpty();
        } finally {
            pipes.forEach(ParentState::close);
        }
    }

    /**
     * Of ten pipes that are not close-on-exec, only the one passed with
     * {@code passFd} reaches the child, at the number asked for. Needs
     * {@code PASS_FD}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void onePassedDescriptorOfTenSurvivesAtTheAskedNumber() throws Exception {
        require(Feature.PASS_FD);
        List<int[]> pipes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pipes.add(ParentState.leakyPipe());
        }
        try {
            int chosen = pipes.get(6)[1];
            ProbeReport r = report(probe("report").passFd(chosen, 42));
            assertThat(r.fds()).containsExactly(0, 1, 2, 42);
            assertThat(r.fdKinds()).containsEntry(42, "pipe");
        } finally {
            pipes.forEach(ParentState::close);
        }
    }

    /**
     * A passed descriptor is the parent's open pipe: what the child writes to it
     * arrives in the parent. Needs {@code PASS_FD}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void passedDescriptorCarriesData() throws Exception {
        require(Feature.PASS_FD);
        int[] pipe = ParentState.leakyPipe();
        try (FileInputStream in = readEnd(pipe)) {
            Finished f = run(probe("write-fd", "7", "through fd 7").passFd(pipe[1], 7).build());
            assertThat(f.child().exitValue()).as(f.stderr()).isZero();
            ParentState.close(pipe[1]);
            assertThat(new String(StrategyUnderTest.drain(in), StandardCharsets.UTF_8)).isEqualTo("through fd 7");
        } finally {
            ParentState.close(pipe[0]);
        }
    }

    /**
     * Two descriptors passed with their numbers swapped each arrive at the
     * other's number, neither overwritten by the other. Needs {@code PASS_FD}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void passedDescriptorsSwapNumbersWithoutClobberingEachOther() throws Exception {
        require(Feature.PASS_FD);
        int[] a = ParentState.leakyPipe();
        int[] b = ParentState.leakyPipe();
        try (FileInputStream inA = readEnd(a); FileInputStream inB = readEnd(b)) {
            // a's write end becomes the child's number b[1] and the other way round:
            // a naive dup2 sequence would overwrite one source before copying it.
            for (int target : new int[] {a[1], b[1]}) {
                Finished f = run(probe("write-fd", Integer.toString(target), "to " + target + ";")
                        .passFd(a[1], b[1]).passFd(b[1], a[1]).build());
                assertThat(f.child().exitValue()).as(f.stderr()).isZero();
            }
            ParentState.close(a[1], b[1]);
            assertThat(new String(StrategyUnderTest.drain(inA), StandardCharsets.UTF_8)).isEqualTo("to " + b[1] + ";");
            assertThat(new String(StrategyUnderTest.drain(inB), StandardCharsets.UTF_8)).isEqualTo("to " + a[1] + ";");
        } finally {
            ParentState.close(a[0], b[0]);
        }
    }

    /**
     * A swap whose other target is the highest number the descriptor limit
     * allows is placed like any other: no spare copy may need a number at or
     * above the limit. Needs {@code PASS_FD}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void aSwapOntoTheHighestNumberAllowedIsPlaced() throws Exception {
        require(Feature.PASS_FD);
        long[] limit = new long[2];
        Libc.getrlimit(Libc.RLIMIT_NOFILE, limit);
        skipUnless(limit[0] > 64 && limit[0] < Integer.MAX_VALUE, "the soft RLIMIT_NOFILE is " + limit[0]);
        int highest = (int) limit[0] - 1;
        int[] a = ParentState.leakyPipe();
        int[] b = ParentState.leakyPipe();
        try {
            // a's write end goes to b's write end's number, b's write end to the top:
            // b[1] is both a source and a target, so both are moved through spares.
            ProbeReport report = report(probe("report").passFd(a[1], b[1]).passFd(b[1], highest));
            assertThat(report.fds()).containsExactly(0, 1, 2, b[1], highest);
            assertThat(report.fdIds().get(b[1])).as("a's write end at %d", b[1]).isEqualTo(identity(a[1]) + " w");
            assertThat(report.fdIds().get(highest)).as("b's write end at %d", highest).isEqualTo(identity(b[1]) + " w");
        } finally {
            ParentState.close(a[0], a[1], b[0], b[1]);
        }
    }

    /** What {@code fd} of this process is open on, as {@link ProbeReport#fdIds()} names it without the access mode. */
    private static String identity(int fd) throws IOException {
        Path link = Path.of("/proc/self/fd", Integer.toString(fd));
        return Files.getAttribute(link, "unix:dev") + ":" + Files.getAttribute(link, "unix:ino");
    }

    /**
     * A descriptor passed as child fd 1 replaces stdout, and the
     * {@code ChildProcess} stdout is then a null stream. Needs {@code PASS_FD}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void passedDescriptorCanBecomeStdout() throws Exception {
        require(Feature.PASS_FD);
        int[] pipe = ParentState.leakyPipe();
        try (FileInputStream in = readEnd(pipe)) {
            Finished f = run(probe("write-fd", "1", "via stdout").passFd(pipe[1], 1).build());
            assertThat(f.child().exitValue()).as(f.stderr()).isZero();
            assertThat(f.stdout()).as("the ChildProcess stdout is a null stream").isEmpty();
            ParentState.close(pipe[1]);
            assertThat(new String(StrategyUnderTest.drain(in), StandardCharsets.UTF_8)).isEqualTo("via stdout");
        } finally {
            ParentState.close(pipe[0]);
        }
    }

    /**
     * A close-on-exec descriptor passed at its own number or another arrives
     * open and not close-on-exec, while the parent's descriptor keeps its flag.
     * Needs {@code PASS_FD}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void closeOnExecDescriptorArrivesOpenAndTheParentKeepsItsFlag() throws Exception {
        require(Feature.PASS_FD);
        int[] pipe = new int[2];
        Libc.pipe2(pipe, Libc.O_CLOEXEC);
        try {
            ProbeReport r = report(probe("report").passFd(pipe[1], pipe[1]).passFd(pipe[0], 11));
            assertThat(r.fds()).contains(pipe[1], 11);
            assertThat(r.cloexecFds()).isEmpty();
            assertThat(Libc.fcntl(pipe[1], Libc.F_GETFD, 0) & Libc.FD_CLOEXEC).isEqualTo(Libc.FD_CLOEXEC);
            assertThat(Libc.fcntl(pipe[0], Libc.F_GETFD, 0) & Libc.FD_CLOEXEC).isEqualTo(Libc.FD_CLOEXEC);
        } finally {
            ParentState.close(pipe);
        }
    }

    /**
     * One descriptor passed as both fd 1 and fd 2 receives everything the child
     * writes to either. Needs {@code PASS_FD}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void theSameDescriptorCanServeStdoutAndStderr() throws Exception {
        require(Feature.PASS_FD);
        int[] pipe = ParentState.leakyPipe();
        try (FileInputStream in = readEnd(pipe)) {
            Finished f = run(probe("spew", "1000").passFd(pipe[1], 1).passFd(pipe[1], 2).build());
            assertThat(f.child().exitValue()).isZero();
            ParentState.close(pipe[1]);
            assertThat(StrategyUnderTest.drain(in)).hasSize(2000);
        } finally {
            ParentState.close(pipe[0]);
        }
    }

    /**
     * {@code pipeToChild} and {@code pipeFromChild} give the child pipes at
     * exactly those numbers, data flows through both, and asking for a pipe the
     * other way round is an {@code IllegalArgumentException}. Needs
     * {@code PASS_FD}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void extraPipesCarryDataBothWaysAtTheirNumbers() throws Exception {
        require(Feature.PASS_FD);
        ProbeReport r = report(probe("report").pipeToChild(5).pipeFromChild(6));
        assertThat(r.fds()).containsExactly(0, 1, 2, 5, 6);
        assertThat(r.fdKinds()).containsEntry(5, "pipe").containsEntry(6, "pipe");

        var child = spawner().spawn(dev.safespawn.Command.builder("/bin/sh", "-c", "cat <&5 >&6")
                .pipeToChild(5).pipeFromChild(6).build());
        try (var toChild = child.pipeTo(5)) {
            toChild.write("through 5 and 6".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(new String(StrategyUnderTest.drain(child.pipeFrom(6)), StandardCharsets.UTF_8))
                .isEqualTo("through 5 and 6");
        assertThat(child.waitFor()).isZero();
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> child.pipeFrom(5));
        child.getInputStream().close();
        child.getErrorStream().close();
        child.getOutputStream().close();
    }

    /**
     * A second reader of a pipe, opened through /proc so the test needs no
     * access to JDK internals; the caller still closes the original read end.
     */
    private static FileInputStream readEnd(int[] pipe) throws Exception {
        return new FileInputStream("/proc/self/fd/" + pipe[0]);
    }
}
