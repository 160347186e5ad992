package dev.safespawn.strategies.oldkernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.jna.Memory;
import com.sun.jna.Platform;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Spawner;
import dev.safespawn.Redirect;
import dev.safespawn.strategies.internal.NativeBuilds;
import dev.safespawn.strategies.internal.NativeSupport;
import dev.safespawn.strategies.internal.SeqPacketSocket;
import dev.safespawn.testkit.ParentState;
import dev.safespawn.testkit.Probe;
import dev.safespawn.testkit.ProbeReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The zygote's own processes close what they must not hold on any kernel:
 * the server at start-up and each tree keeper once its child runs, not only
 * the children. In the default run that is close_range; the pom's
 * {@code old-kernel} and {@code zygote-brute-force-close}
 * executions run the zygote's test build with
 * {@value #METHOD_ENV} set, so the server, its keepers and their children
 * use the fallback a kernel before 5.9 (or one without /proc) leaves them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZygoteCloseFallbackTest {
    /** Read by the zygote's test build only (see zygote.c); the shipped server ignores it. */
    static final String METHOD_ENV = "SAFESPAWN_TEST_CLOSE_METHOD";
    /** Where the server's starter leaves a descriptor it should not. */
    private static final int LEFT_OPEN = 7;
    private Spawner zygote;

    @BeforeAll
    void start() {
        zygote = Spawner.of("zygote");
    }

    @AfterAll
    void stop() {
        zygote.close();
    }

    @Test
    void everyKeeperHoldsOnlyStdioAndItsOwnSocket() throws Exception {
        assumeThat(System.getProperty(NativeBuilds.ZYGOTE_EMULATOR_PROPERTY, ""))
                .as("no tree keeper under an emulator: qemu-user refuses PR_SET_CHILD_SUBREAPER").isEmpty();
        // Several keepers alive at once: the server holds each one's socket
        // when it forks the next, which would keep it from seeing a keeper end.
        List<ChildProcess> children = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                children.add(zygote.spawn(Command.builder("/bin/sh", "-c", "echo $PPID; read -r line")
                        .killScope(Command.KillScope.TREE).build()));
            }
            for (ChildProcess child : children) {
                long keeper = Long.parseLong(new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)).readLine());
                Map<Integer, String> fds = openFds(keeper);
                assertThat(fds.keySet()).as("keeper %d holds %s", keeper, fds).contains(0, 1, 2);
                fds.keySet().removeAll(List.of(0, 1, 2));
                // What the keeper opens itself after the close: a pidfd on its
                // child (where the kernel has them) and a signalfd. What it
                // inherits from the server would be more sockets (the server's
                // own, other keepers') and the server's signalfd.
                List<String> kinds = fds.values().stream().map(ZygoteCloseFallbackTest::kind).sorted().toList();
                assertThat(kinds).as("keeper %d holds %s beyond 0, 1, 2", keeper, fds)
                        .isIn(List.of("signalfd", "socket"), List.of("pidfd", "signalfd", "socket"));
            }
        } finally {
            for (ChildProcess child : children) {
                child.getOutputStream().close();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void aChildOfTheServerHoldsOnlyTheStandardDescriptors() throws Exception {
        ProbeReport report = report(zygote.spawn(Command.builder(Probe.path().toString(), "report").build()));

        assertThat(report.fds()).containsExactly(0, 1, 2);
    }

    @Test
    void withAForcedMethodTheServerIsTheTestBuildAndCloseRangeIsReportedMissing() throws Exception {
        String method = System.getenv(METHOD_ENV);
        assumeThat(method).as("run by the pom's executions that set " + METHOD_ENV).isNotNull();

        long server = report(zygote.spawn(Command.builder(Probe.path().toString(), "report").build())).ppid();
        String exe = new String(Files.readAllBytes(Path.of("/proc/" + server + "/exe")), StandardCharsets.ISO_8859_1);
        assertThat(exe).as("the server %d reads %s", server, METHOD_ENV).contains(METHOD_ENV);
        assertThat(NativeSupport.hasCloseRange()).isFalse();
        assertThat(NativeSupport.diagnostics()).containsEntry("kernel.close_range",
                "no (safespawn.internal.close_range=false)");
    }

    @Test
    void theServerClosesWhatItsStarterLeftOpenBeforeItSaysHello() throws Exception {
        Path server = Files.createTempFile("zygote-under-test", "");
        int[] leaky = ParentState.leakyPipe();
        SeqPacketSocket.Pair pair = SeqPacketSocket.pair();
        ChildProcess process = null;
        try (InputStream in = NativeBuilds.class.getResourceAsStream(NativeBuilds.zygoteResource());
                Memory hello = new Memory(4096)) {
            assertThat(in).as(NativeBuilds.zygoteResource()).isNotNull();
            Files.write(server, in.readAllBytes());
            assertThat(server.toFile().setExecutable(true, true)).isTrue();
            // Started as its client would, plus a descriptor the server was never meant to keep.
            try (Spawner forkExec = Spawner.of("fork_exec")) {
                process = forkExec.spawn(Command.builder(server.toString()).passFd(pair.peerFd(), 3)
                        .passFd(leaky[1], LEFT_OPEN).stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).build());
            }
            ParentState.close(pair.peerFd(), leaky[1]);
            // The server closes at start-up, before its HELLO; end of file here would be its death.
            assertThat(pair.local().receive(hello, (int) hello.size())).as("the server's HELLO").isPositive();

            Map<Integer, String> fds = openFds(process.pid());
            assertThat(fds).as("the server holds %s", fds).doesNotContainKey(LEFT_OPEN).containsKeys(0, 1, 2, 3);
            fds.keySet().removeAll(List.of(0, 1, 2, 3));
            assertThat(fds.values().stream().map(ZygoteCloseFallbackTest::kind).toList())
                    .as("beyond 0 to 3, what it opened itself").containsExactly("signalfd");
        } finally {
            pair.local().close(); // end of file: the server exits
            ParentState.close(leaky[0]);
            if (process != null) {
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            Files.delete(server);
        }
    }

    @Test
    void theShippedServersNeverReadTheSwitch() throws IOException {
        for (String file : List.of(NativeBuilds.ZYGOTE_FILE, NativeBuilds.STATIC_ZYGOTE_FILE)) {
            String resource = "/" + Platform.RESOURCE_PREFIX + "/" + file;
            try (InputStream in = NativeBuilds.class.getResourceAsStream(resource)) {
                if (in == null) {
                    // Only the static build may be missing (no musl-gcc here); the Makefile says so at build time.
                    assertThat(file).as(resource + " is in the jar").isEqualTo(NativeBuilds.STATIC_ZYGOTE_FILE);
                    continue;
                }
                assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).as(resource)
                        .doesNotContain(METHOD_ENV);
            }
        }
    }

    private static ProbeReport report(ChildProcess child) throws Exception {
        child.getOutputStream().close();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        return ProbeReport.parse(out);
    }

    /** socket, pidfd, signalfd, or the target itself. */
    private static String kind(String target) {
        if (target.startsWith("socket:")) {
            return "socket";
        }
        return target.startsWith("anon_inode:") ? target.replaceAll("^anon_inode:\\[?([^]]*)]?$", "$1") : target;
    }

    /** Each open descriptor of pid, with what it is ({@code socket:[...]}, a path). */
    private static Map<Integer, String> openFds(long pid) throws IOException {
        Map<Integer, String> fds = new TreeMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                fds.put(Integer.parseInt(entry.getFileName().toString()), Files.readSymbolicLink(entry).toString());
            }
        }
        return fds;
    }
}
