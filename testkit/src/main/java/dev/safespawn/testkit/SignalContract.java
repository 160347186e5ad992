package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.safespawn.Feature;
import dev.safespawn.Signal;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The child starts with an empty signal mask and every signal at its default.
 *
 * <p>Each test is a JUnit {@code @Test} run through {@link ChildContractSuite};
 * threading and nulls are as {@link StrategyUnderTest} says.
 */
public interface SignalContract extends StrategyUnderTest {

    /**
     * A child spawned from a thread that blocks {@code SIGQUIT} and
     * {@code SIGUSR1}, in a JVM that ignores {@code SIGPIPE}, starts with no
     * signal blocked or ignored. Needs {@code SIGNAL_RESET}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void childStartsWithCleanSignalStateWhateverTheSpawningThreadHad() throws Exception {
        require(Feature.SIGNAL_RESET);
        Pointer ignore = Pointer.createConstant(1); // SIG_IGN
        Pointer previous = Libc.signal(Signal.PIPE, ignore);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            ProbeReport r = CompletableFuture.supplyAsync(() -> {
                try (Memory set = new Memory(Libc.SIGSET_T_SIZE)) {
                    Libc.sigemptyset(set);
                    Libc.sigaddset(set, Signal.QUIT);
                    Libc.sigaddset(set, Signal.USR1);
                    assertThat(Libc.pthread_sigmask(Libc.SIG_BLOCK, set, null)).isZero();
                    return report(probe("report"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, thread).get(60, TimeUnit.SECONDS);
            assertThat(r.blockedSignals()).as("blocked in the child").isEmpty();
            assertThat(r.ignoredSignals()).as("ignored in the child").isEmpty();
        } finally {
            thread.shutdownNow(); // the thread with the odd mask goes away with its pool
            Libc.signal(Signal.PIPE, previous);
        }
    }

    /**
     * {@code signal(SIGQUIT)} reaches the child, which is then reported killed
     * by {@code SIGQUIT}. Needs {@code SIGNALS}.
     *
     * @param dir a temporary directory JUnit provides and removes
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void sigquitReachesTheChild(@TempDir Path dir) throws Exception {
        require(Feature.SIGNALS);
        // SIGQUIT may dump core: let it land in a temporary directory.
        var child = spawner().spawn(probe("sleep").directory(dir).build());
        assertThat(child.signal(Signal.QUIT)).isTrue();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitStatus().signaled()).isTrue();
        assertThat(child.exitStatus().signal()).isEqualTo(Signal.QUIT);
    }
}
