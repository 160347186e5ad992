package dev.safespawn.nuprocess;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import dev.safespawn.SpawnException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same handler and command under NuProcess 3.0 and under the bridge, each
 * test asserting what each one does, so that the gains the bridge claims stay
 * true (and a claim that is not, such as descriptor leaks, is said so here).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class StockNuProcessComparisonTest {
    /** {@code SIGPIPE}'s bit in {@code /proc/<pid>/status} masks: signal 13. */
    private static final long SIGPIPE_BIT = 1L << (13 - 1);
    /** The descriptor flag, as {@code /proc/<pid>/fdinfo} shows it (octal 02000000). */
    private static final long O_CLOEXEC = 02000000;

    private final Strategies strategies = new Strategies();

    @AfterAll
    void closeSpawners() {
        strategies.close();
    }

    Iterable<String> names() {
        return Strategies.names().toList();
    }

    /** The two launchers: NuProcess's own builder, and the bridge pinned to one strategy. */
    private Function<String[], NuProcessBuilder> stock() {
        return NuProcessBuilder::new;
    }

    private Function<String[], NuProcessBuilder> bridge(String strategy) {
        return argv -> {
            SafeNuProcessBuilder b = new SafeNuProcessBuilder(argv);
            b.setSpawner(strategies.get(strategy));
            return b;
        };
    }

    /** Runs {@code argv} to its end with a fresh recorder; the recorder has its output and exit code. */
    private static Recorder run(Function<String[], NuProcessBuilder> launcher, String... argv) throws InterruptedException {
        Recorder h = new Recorder();
        NuProcessBuilder b = launcher.apply(argv);
        b.setProcessListener(h);
        NuProcess p = b.start();
        p.waitFor(0, TimeUnit.SECONDS);
        return h;
    }

    private static long mask(String status, String field) {
        for (String line : status.split("\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseUnsignedLong(line.substring(field.length() + 1).trim(), 16);
            }
        }
        throw new AssertionError(field + " not in " + status);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void theBridgesChildStartsWithDefaultSignalStateNuProcesssDoesNot(String strategy) throws Exception {
        String[] argv = {"grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status"};
        Recorder stock = run(stock(), argv);
        Recorder bridged = run(bridge(strategy), argv);

        // What NuProcess's child gets depends on the JDK's launcher under it:
        // on JDK 17 the SIG_IGN that NuProcess sets for SIGPIPE in the whole
        // JVM; on JDK 25 (which resets dispositions) the calling Java
        // thread's mask, SIGQUIT blocked. Either way, not the default state.
        assertThat(stock.exitCode).isZero();
        long stockIgnored = mask(stock.out(), "SigIgn");
        long stockBlocked = mask(stock.out(), "SigBlk");
        assertThat(stockIgnored | stockBlocked).as("NuProcess child's ignored or blocked signals: %s", stock.out())
                .isNotZero();
        if (Runtime.version().feature() == 17) {
            assertThat(stockIgnored & SIGPIPE_BIT).as("NuProcess child ignores SIGPIPE").isNotZero();
        }

        assertThat(bridged.exitCode).isZero();
        assertThat(mask(bridged.out(), "SigIgn")).as("bridge child ignores nothing").isZero();
        assertThat(mask(bridged.out(), "SigBlk")).as("bridge child blocks nothing").isZero();
    }

    /** Just enough libc to open a descriptor the way careless native code does. */
    interface CLib extends Library {
        CLib C = Native.load("c", CLib.class);

        int open(String path, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aDescriptorWithoutCloexecReachesNeitherChild(String strategy, @TempDir Path dir) throws Exception {
        Path marker = Files.createFile(dir.resolve("leak-marker"));
        int fd = CLib.C.open(marker.toString(), 0); // O_RDONLY, and no O_CLOEXEC
        try {
            assertThat(cloexec(fd)).as("the descriptor is inheritable").isFalse();

            String[] argv = {"sh", "-c", "ls -l /proc/$$/fd"};
            Recorder bridged = run(bridge(strategy), argv);
            Recorder stock = run(stock(), argv);

            assertThat(bridged.exitCode).isZero();
            assertThat(bridged.out()).contains(" 0 -> ").doesNotContain("leak-marker"); // the listing worked
            // NuProcess 3.0 on Linux starts children through the JDK's own
            // forkAndExec, which closes every descriptor above 2 too: on this
            // point there is no gain, and this keeps the comparison honest.
            assertThat(stock.exitCode).isZero();
            assertThat(stock.out()).doesNotContain("leak-marker");
        } finally {
            CLib.C.close(fd);
        }
    }

    /**
     * This JVM's pipe descriptors without {@code O_CLOEXEC}, what any child
     * started without closing descriptors inherits: each as "fd -> pipe:[inode]",
     * so that a number reused for a new pipe counts as new.
     */
    private static Set<String> inheritablePipes() throws IOException {
        Set<String> found = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path link : fds.toList()) {
                int fd = Integer.parseInt(link.getFileName().toString());
                try {
                    String target = Files.readSymbolicLink(link).toString();
                    if (target.startsWith("pipe:") && !cloexec(fd)) {
                        found.add(fd + " -> " + target);
                    }
                } catch (IOException closedMeanwhile) {
                    // another thread's descriptor, gone: not ours to count
                }
            }
        }
        return found;
    }

    private static boolean cloexec(int fd) throws IOException {
        String fdinfo = Files.readString(Path.of("/proc/self/fdinfo/" + fd));
        long flags = Long.parseLong(fdinfo.lines().filter(l -> l.startsWith("flags:")).findFirst()
                .orElseThrow().substring(6).trim(), 8);
        return (flags & O_CLOEXEC) != 0;
    }

    /** The inheritable pipes that appear while a child of {@code launcher} runs. */
    private static Set<String> inheritablePipesWhileRunning(Function<String[], NuProcessBuilder> launcher)
            throws Exception {
        Set<String> before = inheritablePipes();
        Recorder h = new Recorder();
        NuProcessBuilder b = launcher.apply(new String[] {"cat"});
        b.setProcessListener(h);
        NuProcess p = b.start();
        Set<String> during = inheritablePipes();
        p.closeStdin(true);
        assertThat(p.waitFor(0, TimeUnit.SECONDS)).isZero();
        during.removeAll(before);
        return during;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void theBridgesPipesAreCloexecNuProcesssAreInheritedByOtherChildren(String strategy) throws Exception {
        // NuProcess makes its pipes with pipe(), so while its child runs any
        // child the JVM starts without closing descriptors (native code,
        // another library) holds them too, and can keep that child's stdin open.
        assertThat(inheritablePipesWhileRunning(stock())).as("NuProcess's stdio pipes").hasSize(3);
        assertThat(inheritablePipesWhileRunning(bridge(strategy))).as("the bridge's").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aLaunchFailureIsMinValueInBothAndTypedOnlyInTheBridge(String strategy) throws Exception {
        String missing = "/nonexistent/safespawn-nuprocess-test";
        Recorder stock = run(stock(), missing);
        Recorder bridged = run(bridge(strategy), missing);

        assertThat(stock.exitCode).isEqualTo(Integer.MIN_VALUE);
        assertThat(stock.names()).containsExactly("onPreStart", "onExit");
        assertThat(stock.preStarted).isNotInstanceOf(SafeNuProcess.class); // an int, and a log line: nothing typed

        assertThat(bridged.exitCode).isEqualTo(Integer.MIN_VALUE);
        assertThat(bridged.names()).containsExactly("onPreStart", "onExit");
        IOException cause = ((SafeNuProcess) bridged.preStarted).spawnFailure().orElseThrow();
        assertThat(cause).isInstanceOfSatisfying(SpawnException.class, e -> {
            assertThat(e.errnoName()).isEqualTo("ENOENT");
            assertThat(e.path()).contains(missing);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void exitCode127IsALaunchFailureToNuProcessAndAnExitCodeToTheBridge(String strategy) throws Exception {
        String[] argv = {"sh", "-c", "exit 127"};
        assertThat(run(stock(), argv).exitCode).isEqualTo(Integer.MIN_VALUE);
        assertThat(run(bridge(strategy), argv).exitCode).isEqualTo(127);
    }
}
