package dev.safespawn.reliability;

import dev.safespawn.testkit.ParentState;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * What the campaign's JVM holds that a run could leave behind: descriptors
 * (with their targets, so a reused number cannot hide a leak), threads, and
 * child processes. Immutable snapshot.
 */
record Residue(Set<String> fds, Set<String> threads, Set<Long> children) {
    /**
     * How long what a run started may outlive it: a closed zygote server
     * exits on its own a moment after its socket closes, and is reaped a
     * moment after that.
     */
    private static final Duration GRACE = Duration.ofSeconds(5);

    static Residue now() throws InterruptedException {
        return new Residue(openFds(), otherThreads(), childPids());
    }

    /**
     * Records in {@code outcome} every child, zombie, descriptor and thread
     * held now that was not held at this snapshot. A child still alive after
     * the grace is killed (it is this JVM's own) once recorded, so the next
     * run starts clean.
     */
    void reportLeftovers(Outcome outcome) throws InterruptedException {
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            if (children.contains(child.pid())) {
                continue;
            }
            try {
                child.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                outcome.problem("child " + child.pid() + " " + child.info().commandLine().orElse("?")
                        + " still alive " + GRACE.toSeconds() + " s after the run");
                child.destroyForcibly();
            }
        }
        // A child that has just exited (a zygote server whose spawner closed at the run's end) is a zombie
        // until the library's reaper takes it, a moment later: only one still unreaped after the grace is left.
        long reapDeadline = System.nanoTime() + GRACE.toNanos();
        List<Long> zombies = ParentState.zombieChildren();
        while (!zombies.isEmpty() && System.nanoTime() < reapDeadline) {
            Thread.sleep(10);
            zombies = ParentState.zombieChildren();
        }
        if (!zombies.isEmpty()) {
            outcome.problem("zombie children left: " + zombies);
        }
        reportDescriptors(outcome);
        Set<String> newThreads = otherThreads();
        newThreads.removeAll(threads);
        if (!newThreads.isEmpty()) {
            outcome.problem("threads left running: " + newThreads);
        }
    }

    /**
     * Records as a problem every descriptor opened since this snapshot and
     * still open after the grace, with what holds its other end. One closed
     * within the grace is released, as a child that exits within it has
     * ended: it is recorded as a figure, with the same description, so a
     * late release shows in the run's line without failing it.
     */
    private void reportDescriptors(Outcome outcome) throws InterruptedException {
        Set<String> opened = new TreeSet<>(openFds());
        opened.removeAll(fds);
        if (opened.isEmpty()) {
            return;
        }
        String seen = ParentState.describe(opened);
        long found = System.nanoTime();
        Set<String> left = new TreeSet<>(opened);
        while (!left.isEmpty() && System.nanoTime() - found < GRACE.toNanos()) {
            Thread.sleep(10);
            left.retainAll(openFds());
        }
        if (!left.isEmpty()) {
            outcome.problem("descriptors left open: " + left + seen);
        } else {
            outcome.figure("descriptors released only after the run (ms)",
                    Faults.millis(System.nanoTime() - found) + " " + opened + seen);
        }
    }

    /**
     * The JVM's descriptors but its class path: a jar is opened on the first
     * class loaded from it and held for the JVM's life, which is no leak.
     */
    static Set<String> openFds() {
        return ParentState.openFds().stream().filter(entry -> !entry.endsWith(".jar"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The threads {@link ParentState#otherThreads()} counts but the process
     * pool's completion threads: a cached pool shared by every pool of the
     * JVM, whose idle threads linger for their keep-alive by design.
     */
    private static Set<String> otherThreads() throws InterruptedException {
        Set<String> threads = ParentState.otherThreads();
        threads.removeIf(name -> name.startsWith("safespawn-pool-completion-"));
        return threads;
    }

    private static Set<Long> childPids() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }
}
