package dev.safespawn.strategies.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the native strategies promise beyond the conformance suite (where the
 * jdk strategy's JDK releases a child's pipes only just after it wakes
 * {@code waitFor()}): a child's pipe ends are released before anyone can see
 * that it has ended, so the very next line after {@code waitFor()} or
 * {@code onExit().join()} finds them closed.
 */
class StreamsEndAtExitTest {
    private static final Map<String, Spawner> SPAWNERS = new ConcurrentHashMap<>();
    private static final Command TRUE = Command.of("true");

    @AfterAll
    static void closeSpawners() {
        SPAWNERS.values().forEach(Spawner::close);
    }

    private static Spawner spawner(String strategy) throws IOException, InterruptedException {
        Spawner s = SPAWNERS.computeIfAbsent(strategy, Spawner::of);
        s.spawn(TRUE).waitFor(); // the strategy's long-lived state (event loop, zygote) exists before counting
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"posix_spawn", "fork_exec", "zygote"})
    void pipesAreReleasedWhenWaitForReturns(String strategy) throws Exception {
        Spawner spawner = spawner(strategy);
        Set<String> before = openFds();
        ChildProcess child = spawner.spawn(TRUE);

        assertThat(child.waitFor()).isZero();

        assertThat(openFds()).as("descriptors open after waitFor()").isSubsetOf(before);
        assertThatThrownBy(() -> child.getOutputStream().write(1)).isInstanceOf(IOException.class)
                .hasMessage("Stream closed");
        assertThat(child.getInputStream().read()).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"posix_spawn", "fork_exec", "zygote"})
    void pipesAreReleasedWhenOnExitCompletes(String strategy) throws Exception {
        Spawner spawner = spawner(strategy);
        Set<String> before = openFds();
        ChildProcess child = spawner.spawn(Command.builder("true").pipeFromChild(3).pipeToChild(4).build());

        child.onExit().join();

        assertThat(openFds()).as("descriptors open after onExit()").isSubsetOf(before);
        assertThat(child.pipeFrom(3).read()).isEqualTo(-1);
        assertThatThrownBy(() -> child.pipeTo(4).write(1)).isInstanceOf(IOException.class)
                .hasMessage("Stream closed");
    }

    /**
     * This process's descriptors with what each points at, so that a reused
     * number is not the same entry; without the listing's own, and the
     * cgroup files the JVM opens for a moment in its own threads.
     */
    private static Set<String> openFds() {
        Set<String> fds = new TreeSet<>();
        Path listing = Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "fd");
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    Path target = Files.readSymbolicLink(p);
                    if (!target.equals(listing) && !target.startsWith("/sys/fs/cgroup")) {
                        fds.add(p.getFileName() + " -> " + target);
                    }
                } catch (IOException closedMeanwhile) {
                    // closed by another thread while listed
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fds;
    }
}
