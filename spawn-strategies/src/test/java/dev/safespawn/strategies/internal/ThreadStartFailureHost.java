package dev.safespawn.strategies.internal;

import dev.safespawn.ChildProcess;
import dev.safespawn.SpawnException;
import dev.safespawn.Spawner;
import java.io.File;
import java.util.Arrays;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The JVM {@link ThreadStartFailureTest} starts: a fresh one, so that the
 * library has started none of its threads yet. Spawns twice while no thread
 * can be made, then once more after, and prints one line per spawn.
 */
public final class ThreadStartFailureHost {
    private ThreadStartFailureHost() {
    }

    public static void main(String[] args) throws Exception {
        try (Spawner spawner = Spawner.of(args[0])) {
            LibraryThreadStarts.refuse();
            // The first failure may keep what is made once for good (the loop's epoll set).
            System.out.println("first " + failingSpawn(spawner));
            TreeSet<String> before = openFds();
            String second = failingSpawn(spawner);
            System.out.println("second " + second + " leaked=" + difference(openFds(), before));
            LibraryThreadStarts.allow();
            try (ChildProcess child = spawner.spawn("true")) {
                System.out.println("after exit=" + child.waitFor());
            }
        }
    }

    /** What a spawn threw, and how many children this JVM has afterwards (a zombie counts). */
    private static String failingSpawn(Spawner spawner) {
        String outcome;
        try (ChildProcess child = spawner.spawn("sleep", "60")) {
            outcome = "spawned pid " + child.pid();
            child.destroyForcibly();
        } catch (SpawnException e) {
            outcome = "SpawnException stage=" + e.stage() + " cause=" + e.getCause().getClass().getSimpleName();
        } catch (Throwable t) {
            outcome = "threw " + t;
        }
        return outcome + " children=" + ProcessHandle.current().children().count();
    }

    private static TreeSet<String> openFds() {
        return new TreeSet<>(Arrays.asList(Objects.requireNonNull(new File("/proc/self/fd").list())));
    }

    private static TreeSet<String> difference(TreeSet<String> after, TreeSet<String> before) {
        TreeSet<String> d = new TreeSet<>(after);
        d.removeAll(before);
        return d;
    }
}
