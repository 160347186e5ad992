package dev.safespawn.strategies.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Signal;
import dev.safespawn.Spawner;
import dev.safespawn.strategies.internal.HostJvm;
import dev.safespawn.strategies.pool.PoolHungTest.Hang;
import dev.safespawn.testkit.ParentState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Workers never outlive the pool, even when the pool's JVM is SIGKILLed. */
@Timeout(120)
class PoolOrphanTest {
    private static final int BOUND_MILLIS = (int) TimeUnit.SECONDS.toMillis(PoolTesting.BOUND_SECONDS);

    /**
     * The strategies whose workers are killed by the kernel or a helper when
     * the pool's JVM dies, so even a worker that runs no code at all ends:
     * fork_exec sets {@code PR_SET_PDEATHSIG}, which the pool asks for, and
     * zygote's server kills its children when the JVM's socket closes. jdk
     * cannot ask for either, and posix_spawn cannot set the signal; their
     * workers end only when they next run. "default" is whichever strategy
     * the routing spawner gives a plain command (the pool asks for the signal
     * only where that costs no other strategy): fork_exec where its shim loads.
     */
    private static final Set<String> KILLED_FROM_OUTSIDE = Set.of("fork_exec", "zygote");

    static Stream<Arguments> hungCases() {
        List<String> strategies = new ArrayList<>(PoolStrategiesTest.available());
        strategies.add("default");
        return strategies.stream().flatMap(s -> Stream.of(Hang.values()).map(h -> Arguments.of(s, h)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "jdk"})
    void workersExitWhenThePoolsJvmIsKilled(String strategy) throws Exception {
        try (Host host = Host.start(strategy)) {
            host.killAndAwait();
            for (int pidfd : host.pidfds) {
                assertThat(PoolTesting.awaitExit(pidfd, BOUND_MILLIS)).as("a worker ended with its pool").isTrue();
            }
        }
    }

    /**
     * Hung in native code, a worker still reads its channel, sees it close and
     * halts. Stopped, it runs nothing: only a kill from outside ends it, which
     * some strategies have (see {@link #KILLED_FROM_OUTSIDE}); under the others
     * it lives on, stopped, until continued, and then halts at once.
     */
    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("hungCases")
    void hungWorkersExitWhenThePoolsJvmIsKilled(String strategy, Hang how, @TempDir Path dir) throws Exception {
        try (Host host = Host.start(strategy, PoolHungTest.fifo(dir).toString())) {
            assertThat(host.readLine()).as("the pool JVM's report").isEqualTo("hung");
            if (how == Hang.STOPPED) {
                for (int pidfd : host.pidfds) {
                    PoolHungTest.stop(pidfd);
                }
            }

            host.killAndAwait();

            boolean endsNow = how == Hang.NATIVE || KILLED_FROM_OUTSIDE.contains(host.strategy());
            for (int pidfd : host.pidfds) {
                if (endsNow) {
                    assertThat(PoolTesting.awaitExit(pidfd, BOUND_MILLIS)).as("a worker ended with its pool").isTrue();
                } else {
                    assertThat(PoolTesting.awaitExit(pidfd, 0)).as("the stopped worker outlives its pool").isFalse();
                    ParentState.signal(pidfd, Signal.CONT);
                    assertThat(PoolTesting.awaitExit(pidfd, BOUND_MILLIS)).as("continued, it halts").isTrue();
                }
            }
        }
    }

    /** A JVM running {@link PoolOrphanHost}, with pidfds on its two workers. */
    private static final class Host implements AutoCloseable {
        private final Spawner spawner;
        private final ChildProcess process;
        private final BufferedReader out;
        private final List<Integer> pidfds = new ArrayList<>();

        private Host(Spawner spawner, ChildProcess process) {
            this.spawner = spawner;
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Starts the host with the pool's strategy and its mode; returns once it reported its workers. */
        static Host start(String strategy, String... mode) throws Exception {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Spawner spawner = strategy.equals("default") ? Spawner.create() : Spawner.of(strategy);
            Host host;
            try {
                host = new Host(spawner, spawner.spawn(Command.builder(java.toString(), HostJvm.NATIVE_ACCESS,
                        "-cp", System.getProperty("java.class.path"), PoolOrphanHost.class.getName(), strategy)
                        .args(mode).build()));
            } catch (RuntimeException e) {
                spawner.close();
                throw e;
            }
            try {
                String line = host.readLine();
                assertThat(line).matches("pids \\d+ \\d+");
                String[] words = line.split(" ");
                long a = Long.parseLong(words[1]);
                long b = Long.parseLong(words[2]);
                assertThat(a).as("two workers").isNotEqualTo(b);
                assertThat(host.process.pid()).isNotIn(a, b);
                for (long pid : new long[] {a, b}) {
                    int pidfd = PoolTesting.pidfdOf(pid);
                    host.pidfds.add(pidfd);
                    assertThat(PoolTesting.awaitExit(pidfd, 0)).as("worker %d alive before", pid).isFalse();
                }
                return host;
            } catch (Throwable t) {
                host.close();
                throw t;
            }
        }

        /** The strategy the host's spawner gives a plain command, as the pool's (same routing, same class path). */
        String strategy() {
            return spawner.strategyFor(Command.of("/bin/true")).orElseThrow();
        }

        /** Its next line; its stderr in the failure if it ended instead. */
        String readLine() throws IOException {
            String line = out.readLine();
            if (line == null) {
                throw new AssertionError("the pool JVM ended; its stderr: "
                        + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            return line;
        }

        void killAndAwait() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(PoolTesting.BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("128 + SIGKILL").isEqualTo(137);
        }

        /** Kills what a failed test may have left: the host, and any worker of its still alive. */
        @Override
        public void close() throws IOException {
            try {
                process.destroyForcibly();
                for (int pidfd : pidfds) {
                    if (!PoolTesting.awaitExit(pidfd, 0)) {
                        ParentState.signal(pidfd, Signal.KILL);
                    }
                    PoolTesting.closeFd(pidfd);
                }
                out.close();
                process.getErrorStream().close();
                process.getOutputStream().close();
            } finally {
                spawner.close();
            }
        }
    }
}
