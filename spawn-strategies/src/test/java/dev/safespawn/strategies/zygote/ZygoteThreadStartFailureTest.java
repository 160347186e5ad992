package dev.safespawn.strategies.zygote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.strategies.internal.HostJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16, defect 1, re-tested: zygote spawns hung for good once the
 * client's reply-reader thread died, as when no thread could be created. The
 * client has no reader thread now (a waiting platform thread reads replies
 * itself; the event loop serves virtual threads), and this shows the symptom
 * gone: while no library thread can start, every spawn and wait, from a
 * platform or a virtual thread, ends, with its result or a
 * {@link dev.safespawn.SpawnException}, also while the server dies under a
 * waiter; and once threads start again, spawns work. See
 * {@link ZygoteThreadStartFailureHost} for the steps.
 */
@Timeout(300)
class ZygoteThreadStartFailureTest {
    /** The system property naming a JDK 21+ {@code java} for virtual threads (as for the vthreads tests). */
    private static final String JDK21_PROPERTY = "safespawn.test.jdk21";

    @ParameterizedTest
    @ValueSource(strings = {"platform", "virtual"})
    void spawnsAndWaitsEndWhileNoThreadCanStartAndWorkOnceOneCan(String threads) throws Exception {
        String out = HostJvm.runWith(java(threads), ZygoteThreadStartFailureHost.class, threads);
        Map<String, String> steps = out.lines().filter(l -> l.matches("[a-z]+ .*"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(' ')), l -> l.substring(l.indexOf(' ') + 1),
                        (a, b) -> a + " | " + b));
        assertThat(steps.values()).as(out).noneMatch(s -> s.equals("HANG") || s.startsWith("threw"));
        // No server could be watched: it was killed and reaped, and the spawn failed with the reason.
        assertThat(steps.get("fresh")).as(out).startsWith("SpawnException stage=SPAWN cause=OutOfMemoryError");
        assertThat(steps.get("leftover")).as(out).isEqualTo("children=0");
        assertThat(steps.get("allowed")).as(out).isEqualTo("ok exit=0");
        // A running server needs no new thread: the waiting thread or the running loop reads replies.
        assertThat(steps.get("running")).as(out).isEqualTo("ok exit=0");
        // The waiter of a child whose server died learns that its end was not observed.
        assertThat(steps.get("dying")).as(out).startsWith("ok exit=-1 end not observed").contains("zygote server");
        assertThat(steps.get("after")).as(out).matches("ok exit=0|SpawnException .*");
        assertThat(steps.get("again")).as(out).isEqualTo("ok exit=0");
    }

    /**
     * A server whose replies no thread can watch is stopped, not left
     * running with its socket, and the spawn fails with a SpawnException.
     */
    @Test
    void aServerWhoseRepliesCannotBeWatchedIsStoppedAndTheSpawnFails() throws Exception {
        String out = HostJvm.run(ZygoteThreadStartFailureHost.class, "unwatched");
        assertThat(out).as(out).contains("unwatched SpawnException stage=SPAWN cause=OutOfMemoryError",
                "server ok ended", "again ok exit=0");
    }

    /** This JVM's java for platform threads; for virtual ones a JDK 21+, or the test is skipped, saying why. */
    private static String java(String threads) {
        String own = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        if (threads.equals("platform") || Runtime.version().feature() >= 21) {
            return own;
        }
        String configured = System.getProperty(JDK21_PROPERTY, "");
        if (configured.isBlank() || !Files.isExecutable(Path.of(configured))) {
            String why = "virtual threads need JDK 21 or later; this JVM is " + Runtime.version() + " and -D"
                    + JDK21_PROPERTY + " names no java (" + (configured.isBlank() ? "unset" : configured) + ")";
            System.out.println("SKIPPED " + why);
            Assumptions.abort(why);
        }
        return configured;
    }
}
