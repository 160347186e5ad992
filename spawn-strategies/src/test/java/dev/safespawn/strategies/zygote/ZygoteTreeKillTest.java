package dev.safespawn.strategies.zygote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.ChildProcess.Termination;
import dev.safespawn.Command;
import dev.safespawn.Signal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tree keeper behind {@link Command.KillScope#TREE}, seen from
 * {@code /proc}: the child's parent is a keeper that the server started, a
 * daemonised grandchild ends up the keeper's child, and after terminate
 * neither the keeper nor anything whose parent was in the tree is left;
 * the server itself is left with no child at all. (The conformance suite's
 * {@code KillScopeContract} holds the behaviour every TREE_KILL strategy owes.)
 */
@Timeout(120)
class ZygoteTreeKillTest {

    @Test
    void terminateLeavesNothingOfTheTreeNorOfItsKeeper() throws Exception {
        ZygoteStrategy zygote = new ZygoteStrategy();
        try {
            zygote.start();
            long server = zygote.serverPid();
            // A daemon (double fork, setsid, its parents gone) and a background job that ignore SIGTERM.
            ChildProcess child = zygote.spawn(Command.builder("/bin/sh", "-c",
                            "trap '' TERM; (setsid /bin/sh -c 'sleep 100 & echo $!' &); sleep 100 & echo $!;"
                                    + " trap - TERM; wait")
                    .killScope(Command.KillScope.TREE).build());
            BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            Set<Long> printed = new HashSet<>();
            printed.add(Long.parseLong(lines.readLine()));
            printed.add(Long.parseLong(lines.readLine()));
            long keeper = parentOf(child.pid());
            assertThat(keeper).as("the child's parent: a keeper, not the server").isNotEqualTo(server);
            assertThat(parentOf(keeper)).as("the keeper's parent").isEqualTo(server);
            for (long pid : printed) {
                assertThat(isInTreeOf(pid, keeper)).as("grandchild %d under the keeper", pid).isTrue();
            }

            Termination t = child.terminate(Duration.ofMillis(200));

            assertThat(t.signalsSent()).containsExactly(Signal.TERM, Signal.KILL);
            assertThat(t.status().exitValue()).isEqualTo(128 + Signal.TERM);
            Set<Long> tree = new HashSet<>(printed);
            tree.add(child.pid());
            tree.add(keeper);
            assertThat(processesWithParentIn(tree)).as("processes whose parent was in the tree").isEmpty();
            for (long pid : tree) {
                // Reaped, not zombies: the pids name nothing (or, were one recycled, a process of another parent).
                assertThat(parentOrMinusOne(pid)).as("what pid %d is now", pid).isNotIn(keeper, child.pid(), server);
            }
            if (Integer.getInteger(ZygoteStrategy.STANDBY_PROPERTY, 0) == 0) {
                assertThat(processesWithParentIn(Set.of(server))).as("the server's children").isEmpty();
            }
        } finally {
            zygote.close();
        }
    }

    @Test
    void signalGroupReachesWhatAnEndedChildLeftThroughItsKeeper() throws Exception {
        ZygoteStrategy zygote = new ZygoteStrategy();
        try {
            zygote.start();
            // The child leads a group and leaves a job in it when its stdin ends.
            ChildProcess child = zygote.spawn(Command.builder("/bin/sh", "-c", "sleep 100 & echo $!; read -r line")
                    .processGroup(0).killScope(Command.KillScope.TREE).build());
            long job = Long.parseLong(new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)).readLine());
            // Held while it surely sleeps: the handle is that process's, never a recycled pid's.
            ProcessHandle sleep = ProcessHandle.of(job).orElseThrow();
            child.getOutputStream().close();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();

            assertThat(child.signalGroup(Signal.KILL)).as("the group signal, after the keeper reaped the child")
                    .isTrue();

            // Hang guard only: the kernel kills at once, and the keeper reaps its orphan.
            sleep.onExit().get(60, TimeUnit.SECONDS);
            child.close();
        } finally {
            zygote.close();
        }
    }

    /** Whether {@code pid} descends from {@code ancestor}, following parents in /proc. */
    /**
     * Whether {@code ancestor} is on {@code pid}'s chain of parents. A shell
     * of the tree may exit while the chain is read (its children are then
     * re-parented to the keeper): a walk that meets a process gone meanwhile
     * is read again, for up to ten seconds.
     */
    private static boolean isInTreeOf(long pid, long ancestor) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Boolean found = walkUp(pid, ancestor);
            if (found != null || System.nanoTime() > deadline) {
                return Boolean.TRUE.equals(found);
            }
            Thread.onSpinWait();
        }
    }

    /** One walk up from {@code pid}: whether it met {@code ancestor}; null if a process on the way ended meanwhile. */
    private static Boolean walkUp(long pid, long ancestor) {
        for (long p = pid; p > 1; ) {
            if (p == ancestor) {
                return true;
            }
            long parent = parentOrMinusOne(p);
            if (parent < 0) {
                return p == pid ? Boolean.FALSE : null;
            }
            p = parent;
        }
        return false;
    }

    private static long parentOf(long pid) {
        long parent = parentOrMinusOne(pid);
        assertThat(parent).as("parent of %d", pid).isPositive();
        return parent;
    }

    /** The ppid field of /proc/PID/stat, or -1 if no process has that pid. */
    private static long parentOrMinusOne(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (NoSuchFileException gone) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Long> processesWithParentIn(Set<Long> parents) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.map(p -> p.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong)
                    .filter(pid -> parents.contains(parentOrMinusOne(pid)))
                    .toList();
        }
    }
}
