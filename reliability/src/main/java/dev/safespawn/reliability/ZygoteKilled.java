package dev.safespawn.reliability;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Redirect;
import dev.safespawn.Signal;
import dev.safespawn.Spawner;
import dev.safespawn.testkit.ParentState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The zygote server SIGKILLed while {@value #THREADS} threads spawn through
 * it, again and again. Every {@code spawn()} and {@code waitFor()} must
 * resolve within {@link Faults#RESOLVE_BOUND}: succeed, or fail with a
 * {@link dev.safespawn.SpawnException} saying the server is gone. A child
 * living across the kill must end, and its {@code waitFor()} return, within
 * the same bound. Spawns started after the bound has passed must work: the
 * next spawn starts a new server.
 */
final class ZygoteKilled implements Scenario {
    static final int THREADS = 8;
    /** Spawns that must succeed between kills: proof the new server serves before it is killed too. */
    private static final int SERVED_BETWEEN_KILLS = 5 * THREADS;
    /** What a failure caused by the kill must name. */
    private static final String[] CAUSES = {"zygote server"};

    @Override
    public String name() {
        return "zygote-killed";
    }

    @Override
    public String description() {
        return "The zygote server is SIGKILLed while " + THREADS + " threads spawn the probe through it and wait"
                + " for it, and a sleeping child lives across the kill; then again, once the new server has served "
                + SERVED_BETWEEN_KILLS + " spawns. Clean: every spawn() and waitFor() resolves within "
                + Faults.RESOLVE_BOUND.toSeconds() + " s; a call may fail only if it started within that bound of a"
                + " kill, and then with a SpawnException saying the zygote server is gone; the sleeping child ends"
                + " and its waitFor() returns within " + Faults.RESOLVE_BOUND.toSeconds() + " s of the kill; every"
                + " thread spawns again after the last kill. Only the zygote configurations have a server to kill.";
    }

    @Override
    public List<Configuration> configurations() {
        return Configuration.zygotes();
    }

    @Override
    public void run(Configuration configuration, Budget budget, Outcome outcome) throws Exception {
        new Run(outcome).run(configuration, budget);
    }

    /** One run on one configuration: the state its threads share. */
    private static final class Run {
        private final AtomicBoolean stop = new AtomicBoolean();
        /** When the latest kill was sent, in nanoTime; calls that started within the bound of it may fail. */
        private volatile long lastKill = Long.MIN_VALUE / 2; // no kill yet: long before any call;
        private final Served served = new Served(THREADS);
        private final AtomicInteger spawned = new AtomicInteger();
        private final AtomicInteger failedByKill = new AtomicInteger();
        private final AtomicInteger lostByKill = new AtomicInteger();
        private final AtomicLong worstSpawn = new AtomicLong();
        private final AtomicLong worstWaitFor = new AtomicLong();
        private final Outcome outcome;

        Run(Outcome outcome) {
            this.outcome = outcome;
        }

        void run(Configuration configuration, Budget budget) throws Exception {
            int kills = budget.pick(3, 30);
            long deadline = System.nanoTime() + Faults.HANG.toNanos() * (kills + 1);
            Set<Long> serversBefore = Faults.zygoteServers();
            Set<Long> killed = new HashSet<>();
            AtomicLong worstSleeperEnd = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            try (Spawner spawner = configuration.open()) {
                Command quick = Faults.probe(Redirect.DISCARD, "exit", "0").build();
                for (int t = 0; t < THREADS; t++) {
                    int index = t;
                    Thread thread = new Thread(() -> spawnUntilStopped(spawner, quick, index),
                            "reliability-zygote-killed-" + t);
                    threads.add(thread);
                    thread.start();
                }
                try {
                    for (int k = 0; k < kills; k++) {
                        if (!served.awaitTotal(SERVED_BETWEEN_KILLS, deadline)) {
                            outcome.problem("the zygote served only " + served.total() + " spawns in the "
                                    + Faults.HANG.toSeconds() + " s after kill " + k);
                            return;
                        }
                        ChildProcess sleeper = spawner.spawn(Faults.probe(Redirect.DISCARD, "sleep").build());
                        int sleeperPidfd = ParentState.pidfdOf(sleeper.pid());
                        long server = Faults.newZygoteServer(union(serversBefore, killed));
                        killed.add(server);
                        served.reset();
                        try {
                            killServer(server);
                            long kill = lastKill;
                            if (!sleeper.waitFor(Faults.HANG.toMillis(), TimeUnit.MILLISECONDS)
                                    || !ParentState.awaitExit(sleeperPidfd, (int) Faults.HANG.toMillis())) {
                                outcome.problem("the sleeping child " + sleeper.pid() + " of killed server " + server
                                        + " was still running (or its waitFor() had not returned) "
                                        + Faults.HANG.toSeconds() + " s after the kill");
                            } else {
                                long took = System.nanoTime() - kill;
                                worstSleeperEnd.accumulateAndGet(took, Math::max);
                                if (took > Faults.RESOLVE_BOUND.toNanos()) {
                                    outcome.problem("the sleeping child " + sleeper.pid() + " of killed server " + server
                                            + " ended and its waitFor() returned only " + Faults.millis(took)
                                            + " ms after the kill");
                                }
                                ExitStatus status = sleeper.exitStatus();
                                if (!status.lost() && !status.signaled()) {
                                    outcome.problem("the sleeping child of killed server " + server + " ended " + status
                                            + ", neither lost nor killed");
                                }
                            }
                        } finally {
                            ParentState.close(sleeperPidfd);
                        }
                    }
                    if (!served.awaitTotal(SERVED_BETWEEN_KILLS, deadline)) {
                        outcome.problem("the zygote served only " + served.total() + " spawns in the "
                                + Faults.HANG.toSeconds() + " s after the last kill");
                    }
                    for (int t : served.awaitEveryThread(deadline)) {
                        outcome.problem("thread " + t + " never spawned successfully after the last kill");
                    }
                } finally {
                    stop.set(true);
                    for (Thread thread : threads) {
                        thread.join(Faults.HANG.toMillis());
                        if (thread.isAlive()) {
                            outcome.problem(thread.getName() + " still in a call " + Faults.HANG.toSeconds()
                                    + " s after the run stopped: " + List.of(thread.getStackTrace()));
                        }
                    }
                }
            }
            outcome.figure("kills", killed.size());
            outcome.figure("spawns", spawned.get());
            outcome.figure("failed by a kill", failedByKill.get());
            outcome.figure("lost by a kill", lostByKill.get());
            outcome.figure("worst spawn() (ms)", Faults.millis(worstSpawn.get()));
            outcome.figure("worst waitFor() (ms)", Faults.millis(worstWaitFor.get()));
            outcome.figure("sleeper gone after kill, worst (ms)", Faults.millis(worstSleeperEnd.get()));
        }

        private static Set<Long> union(Set<Long> a, Set<Long> b) {
            Set<Long> all = new HashSet<>(a);
            all.addAll(b);
            return all;
        }

        /** SIGKILLs the server through a pidfd and notes when. The library, its parent, reaps it. */
        private void killServer(long server) {
            int pidfd = ParentState.pidfdOf(server);
            try {
                lastKill = System.nanoTime();
                ParentState.signal(pidfd, Signal.KILL);
            } finally {
                ParentState.close(pidfd);
            }
        }

        private void spawnUntilStopped(Spawner spawner, Command quick, int thread) {
            while (!stop.get()) {
                long start = System.nanoTime();
                ChildProcess child;
                try {
                    child = spawner.spawn(quick);
                } catch (Exception e) {
                    long took = System.nanoTime() - start;
                    worstSpawn.accumulateAndGet(took, Math::max);
                    judgeFailure("spawn()", start, took, e);
                    continue;
                }
                long took = System.nanoTime() - start;
                worstSpawn.accumulateAndGet(took, Math::max);
                spawned.incrementAndGet();
                overBound("spawn()", took);
                long waitStart = System.nanoTime();
                try {
                    if (!child.waitFor(Faults.HANG.toMillis(), TimeUnit.MILLISECONDS)) {
                        outcome.problem("waitFor() of child " + child.pid() + " had not returned after "
                                + Faults.HANG.toSeconds() + " s");
                        child.destroyForcibly();
                        continue;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long waited = System.nanoTime() - waitStart;
                worstWaitFor.accumulateAndGet(waited, Math::max);
                overBound("waitFor()", waited);
                ExitStatus status = child.exitStatus();
                if (status.exited() && status.code() == 0) {
                    if (start > lastKill) { // served by the server now running, not one killed meanwhile
                        served.record(thread);
                    }
                } else if (status.lost() && start < lastKill + Faults.RESOLVE_BOUND.toNanos()) {
                    lostByKill.incrementAndGet();
                } else {
                    outcome.problem("child " + child.pid() + " ended " + status + ", "
                            + Faults.millis(start - lastKill) + " ms after the latest kill");
                }
            }
        }

        private void judgeFailure(String call, long start, long took, Exception e) {
            if (start > lastKill + Faults.RESOLVE_BOUND.toNanos()) {
                outcome.problem(call + " started " + Faults.millis(start - lastKill) + " ms after the latest kill failed: "
                        + Faults.describe(e));
                return;
            }
            failedByKill.incrementAndGet();
            overBound(call, took);
            Faults.untyped(e, CAUSES).ifPresent(what -> outcome.problem(call + " during a kill " + what));
        }

        private void overBound(String call, long took) {
            if (took > Faults.RESOLVE_BOUND.toNanos()) {
                outcome.problem(call + " took " + Faults.millis(took) + " ms, over the "
                        + Faults.RESOLVE_BOUND.toSeconds() + " s bound");
            }
        }
    }

    /**
     * The spawns served by the server now running, in all and per thread, so
     * the run waits for them on a monitor instead of polling. Thread-safe.
     */
    private static final class Served {
        private final boolean[] byThread;
        private int total;

        Served(int threads) {
            byThread = new boolean[threads];
        }

        /** A new server is about to run: nothing is served by it yet. */
        synchronized void reset() {
            Arrays.fill(byThread, false);
            total = 0;
        }

        synchronized void record(int thread) {
            byThread[thread] = true;
            total++;
            notifyAll();
        }

        synchronized int total() {
            return total;
        }

        /** Waits until {@code count} spawns were served, or {@code deadline} (nanoTime); true if they were. */
        synchronized boolean awaitTotal(int count, long deadline) throws InterruptedException {
            while (total < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        /** Waits until every thread was served, or {@code deadline} (nanoTime); the threads that were not. */
        synchronized List<Integer> awaitEveryThread(long deadline) throws InterruptedException {
            List<Integer> waiting = unserved();
            while (!waiting.isEmpty() && deadline - System.nanoTime() > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
                waiting = unserved();
            }
            return waiting;
        }

        private List<Integer> unserved() {
            List<Integer> threads = new ArrayList<>();
            for (int t = 0; t < byThread.length; t++) {
                if (!byThread[t]) {
                    threads.add(t);
                }
            }
            return threads;
        }
    }
}
