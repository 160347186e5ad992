package dev.safespawn.reliability;

import dev.safespawn.ExitStatus;
import dev.safespawn.Feature;
import dev.safespawn.Signal;
import dev.safespawn.Spawner;
import dev.safespawn.pool.ProcessPool;
import dev.safespawn.pool.SerializableCallable;
import dev.safespawn.pool.WorkerCrashedException;
import dev.safespawn.testkit.ParentState;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The process pool under the faults its tasks and its host can meet: a task
 * calling {@code System.exit}, throwing an {@code Error}, running out of
 * memory, returning what cannot be serialized, or having its worker
 * {@code SIGKILL}ed; {@code shutdownNow} with a queue of tasks; a worker
 * whose initializer never returns; and the pool's own JVM killed. Each must
 * end in the failure the pool documents, and no worker JVM may be left.
 * Workers are this scenario's own processes: it learns their pids from
 * tasks, opens pidfds on them while they run, and signals only through those.
 */
final class PoolFaults implements Scenario {
    /** How long any one step may take: a JVM start on a loaded machine, or a kill and its reaping. */
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String WORKER_MAIN = "dev.safespawn.pool.WorkerMain";
    /** The line a host's worker prints (through the pool's forwarding) so the campaign learns its pid. */
    private static final String HOST_WORKER = "host-worker ";

    @Override
    public String name() {
        return "pool-faults";
    }

    @Override
    public String description() {
        return "A one-worker ProcessPool on the configuration's spawner: a task throws an Error (it comes back as"
                + " itself, the worker stays), returns an Object (a failure saying it could not be sent back, the"
                + " worker stays), calls System.exit(3) (WorkerCrashedException, exited 3, a new worker takes over),"
                + " has its worker SIGKILLed (WorkerCrashedException, killed by SIGKILL; exited 137 on jdk, which cannot tell them apart); then shutdownNow with"
                + " 100,000 tasks queued behind a running one (all handed back, the running one fails with"
                + " WorkerCrashedException). With -Xmx24m a task fills the heap (WorkerCrashedException, out of"
                + " memory). A worker whose initializer never returns is killed by shutdownNow. A host JVM running a"
                + " two-worker pool is SIGKILLed: its workers and every process under it must end. Clean: each"
                + " failure as documented, awaitTermination within " + BOUND.toSeconds() + " s, and afterwards no"
                + " worker JVM (by pidfd on every worker seen, and by a scan of this JVM's descendants).";
    }

    @Override
    public void run(Configuration configuration, Budget budget, Outcome outcome) throws Exception {
        Path dir = Files.createTempDirectory("safespawn-pool-faults-");
        Workers seen = new Workers();
        try {
            try (Spawner spawner = configuration.open()) {
                taskFaults(spawner, dir, outcome, seen);
                outOfMemory(spawner, outcome, seen);
                neverGreets(spawner, dir, outcome, seen);
            }
            hostKilled(configuration, outcome);
            seen.checkAllEnded(outcome);
            List<String> left = ProcessHandle.current().descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains(WORKER_MAIN))
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList();
            if (!left.isEmpty()) {
                outcome.problem("worker JVMs still under this JVM: " + left);
            }
            outcome.figure("workers seen", seen.count());
        } finally {
            seen.close();
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    private static ProcessPool.Builder pool(Spawner spawner) {
        // no CDS: its training JVM would be one more child, and the campaign checks the pool, not the archive
        return ProcessPool.builder().spawner(spawner).workers(1).output(ProcessPool.Output.discard())
                .classDataSharing(false);
    }

    /** Error, unserializable value, System.exit, SIGKILL and shutdownNow, on one pool of one worker. */
    private static void taskFaults(Spawner spawner, Path dir, Outcome outcome, Workers seen) throws Exception {
        ProcessPool pool = pool(spawner).build();
        try {
            long first = seen.add(get(pool.submit(PoolFaults::pid)));

            Throwable error = failure(pool.submit((SerializableCallable<Object>) () -> {
                throw new Error("reliability: the task's Error");
            }));
            expect(outcome, "Error", error instanceof Error e && e.getClass() == Error.class
                    && "reliability: the task's Error".equals(e.getMessage()), error);
            expectSameWorker(outcome, "after an Error", first, get(pool.submit(PoolFaults::pid)));

            Throwable unsent = failure(pool.submit((SerializableCallable<Object>) Object::new));
            expect(outcome, "unserializable value", unsent instanceof Exception && String.valueOf(unsent.getMessage())
                    .contains("could not be sent back") && unsent.getMessage().contains("NotSerializable"), unsent);
            expectSameWorker(outcome, "after an unserializable value", first, get(pool.submit(PoolFaults::pid)));

            Throwable exit = failure(pool.submit((SerializableCallable<Object>) () -> {
                System.exit(3);
                return null;
            }));
            expectCrash(outcome, "System.exit(3)", exit, ExitStatus.exited(3));
            long second = seen.add(get(pool.submit(PoolFaults::pid)));

            Path killFifo = fifo(dir, "kill");
            String killPath = killFifo.toString();
            CompletableFuture<Object> killed = pool.submit(() -> tellPidThenBlock(killPath));
            long victim = seen.add(Long.parseLong(awaitLine(killFifo)));
            if (victim != second) {
                outcome.problem("the blocking task ran in " + victim + ", not the pool's one worker " + second);
            }
            seen.kill(victim);
            expectCrash(outcome, "SIGKILL mid-task", failure(killed), killedStatus(spawner));
            seen.add(get(pool.submit(PoolFaults::pid)));

            shutdownNowWithQueue(pool, killedStatus(spawner), dir, outcome, seen);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(BOUND.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** 100,000 tasks queued behind a running one; shutdownNow hands them all back and fails the running one. */
    private static void shutdownNowWithQueue(ProcessPool pool, ExitStatus killed, Path dir, Outcome outcome,
            Workers seen) throws Exception {
        int queued = 100_000;
        Path fifo = fifo(dir, "running");
        String path = fifo.toString();
        CompletableFuture<Object> running = pool.submit(() -> tellPidThenBlock(path));
        seen.add(Long.parseLong(awaitLine(fifo)));
        List<CompletableFuture<Long>> futures = new ArrayList<>(queued);
        long start = System.nanoTime();
        for (int i = 0; i < queued; i++) {
            futures.add(pool.submit(PoolFaults::pid));
        }
        long submitted = System.nanoTime();
        List<Runnable> handedBack = pool.shutdownNow();
        boolean terminated = pool.awaitTermination(BOUND.toSeconds(), TimeUnit.SECONDS);
        long ended = System.nanoTime();
        outcome.figure("queued tasks", queued);
        outcome.figure("submitting them (ms)", (submitted - start) / 1_000_000);
        outcome.figure("shutdownNow to terminated (ms)", (ended - submitted) / 1_000_000);
        if (handedBack.size() != queued) {
            outcome.problem("shutdownNow handed back " + handedBack.size() + " tasks, not the " + queued + " queued");
        }
        if (!terminated) {
            outcome.problem("the pool did not terminate within " + BOUND + " of shutdownNow");
        }
        expectCrash(outcome, "the task running at shutdownNow", failure(running), killed);
        long started = futures.stream().filter(CompletableFuture::isDone).count();
        if (started != 0) {
            outcome.problem(started + " of the tasks handed back by shutdownNow are done: they were to be not run");
        }
    }

    private static void outOfMemory(Spawner spawner, Outcome outcome, Workers seen) throws Exception {
        ProcessPool pool = pool(spawner).jvmOptions("-Xmx24m").build();
        try {
            seen.add(get(pool.submit(PoolFaults::pid)));
            Throwable oom = failure(pool.submit(PoolFaults::fillTheHeap));
            expectCrash(outcome, "OutOfMemoryError", oom, ExitStatus.exited(3));
            if (oom != null && !String.valueOf(oom.getMessage()).contains("out of memory")) {
                outcome.problem("OutOfMemoryError: the failure does not say out of memory: " + oom);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(BOUND.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Issue 16's defect 5, kept as a regression: shutdownNow stops a worker hung in its initializer. */
    private static void neverGreets(Spawner spawner, Path dir, Outcome outcome, Workers seen) throws Exception {
        Path fifo = fifo(dir, "initializer");
        String path = fifo.toString();
        ProcessPool pool = pool(spawner).initializer(() -> tellPidThenBlock(path)).build();
        CompletableFuture<Long> task = pool.submit(PoolFaults::pid);
        seen.add(Long.parseLong(awaitLine(fifo)));
        List<Runnable> handedBack = pool.shutdownNow();
        if (!pool.awaitTermination(BOUND.toSeconds(), TimeUnit.SECONDS)) {
            outcome.problem("a worker whose initializer never returns: the pool did not terminate within " + BOUND
                    + " of shutdownNow");
        }
        if (handedBack.size() != 1 || task.isDone()) {
            outcome.problem("a worker whose initializer never returns: shutdownNow handed back " + handedBack.size()
                    + " tasks (1 expected), the task's future " + (task.isDone() ? "done" : "not done"));
        }
    }

    /** A host JVM runs a two-worker pool and is SIGKILLed: everything under it must end. */
    private static void hostKilled(Configuration configuration, Outcome outcome) throws Exception {
        try (HostJvm host = HostJvm.start(List.of(), PoolFaults.class, configuration.name());
                Workers under = new Workers()) {
            long deadline = System.nanoTime() + BOUND.toNanos();
            List<Long> workers = new ArrayList<>();
            while (workers.size() < 2) {
                String line = host.nextLine(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                if (line == null) {
                    outcome.problem("the pool's host did not report two workers within " + BOUND + ":\n"
                            + host.transcript());
                    return;
                }
                if (line.contains(HOST_WORKER)) {
                    workers.add(Long.parseLong(line.substring(line.indexOf(HOST_WORKER) + HOST_WORKER.length()).trim()));
                }
            }
            // everything under the host, the zygote server too: pidfds now, while each surely runs
            List<Long> descendants = ProcessHandle.of(host.pid()).map(h -> h.descendants().map(ProcessHandle::pid)
                    .toList()).orElse(List.of());
            for (long pid : descendants) {
                under.add(pid);
            }
            if (!descendants.containsAll(workers)) {
                outcome.problem("the host's workers " + workers + " are not all under it: " + descendants);
            }
            host.close(); // SIGKILL: the JVM gets no chance to stop its pool
            under.checkAllEnded(outcome);
            outcome.figure("processes under the killed host", descendants.size());
        }
    }

    /**
     * The pool's host, in a JVM of its own: runs two blocking tasks on two
     * workers, each printing its pid, and waits to be killed.
     *
     * @param args the configuration's name
     * @throws Exception never, in practice: it is killed first
     */
    public static void main(String[] args) throws Exception {
        Spawner spawner = Configuration.named(args[0]).open();
        ProcessPool pool = ProcessPool.builder().spawner(spawner).workers(2).classDataSharing(false)
                .output(ProcessPool.Output.forward()).build();
        for (int i = 0; i < 2; i++) {
            pool.submit(() -> {
                System.out.println(HOST_WORKER + ProcessHandle.current().pid());
                System.out.flush();
                new CountDownLatch(1).await();
                return null;
            });
        }
        new CountDownLatch(1).await();
    }

    // ---- run in workers ----

    private static long pid() {
        return ProcessHandle.current().pid();
    }

    /** Writes this JVM's pid into {@code fifo} (once the campaign reads it), then blocks until killed. */
    private static Object tellPidThenBlock(String fifo) {
        try (FileOutputStream out = new FileOutputStream(fifo)) {
            out.write(String.valueOf(pid()).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private static Object fillTheHeap() {
        List<long[]> hoard = new ArrayList<>();
        while (true) {
            hoard.add(new long[1 << 20]);
        }
    }

    // ---- helpers ----

    private static Path fifo(Path dir, String name) {
        Path fifo = dir.resolve(name);
        Libc.mkfifo(fifo.toString(), 0600);
        return fifo;
    }

    /**
     * What a worker writes into {@code fifo}. Opening a fifo waits for its
     * writer, so a worker that never comes would block it for ever: past
     * {@link #BOUND} the campaign opens it for writing itself, which ends the
     * read, and fails.
     */
    private static String awaitLine(Path fifo) throws Exception {
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(fifo, StandardCharsets.US_ASCII).trim();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> new Thread(r, "reliability-fifo-reader").start());
        try {
            return read.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            new FileOutputStream(fifo.toFile()).close();
            read.handle((value, failure) -> null).join();
            throw new TimeoutException("no worker reached " + fifo.getFileName() + " within " + BOUND);
        }
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    /** The cause of the task's failure; null if it succeeded (a problem its caller reports). */
    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static void expect(Outcome outcome, String what, boolean ok, Throwable got) {
        if (!ok) {
            outcome.problem(what + ": the task's future failed with " + (got == null ? "nothing (it succeeded)"
                    : Runs.stackTrace(got)) + ", not as documented");
        }
    }

    /**
     * How a worker killed by {@code SIGKILL} ends: so, where the strategy
     * tells signals from exit codes; as exit code 137 where it cannot (jdk,
     * whose {@code JdkChildProcess} documents the JDK folding the two).
     */
    private static ExitStatus killedStatus(Spawner spawner) {
        return spawner.features().contains(Feature.SIGNALS) ? ExitStatus.killedBy(Signal.KILL)
                : ExitStatus.exited(128 + Signal.KILL);
    }

    private static void expectCrash(Outcome outcome, String what, Throwable got, ExitStatus status) {
        expect(outcome, what, got instanceof WorkerCrashedException w && w.exitStatus().equals(status), got);
    }

    private static void expectSameWorker(Outcome outcome, String what, long worker, long now) {
        if (now != worker) {
            outcome.problem(what + ": the next task ran in " + now + ", not in the worker " + worker + " that stays");
        }
    }

    /** Worker JVMs seen, each with a pidfd opened while it surely ran: ended or signalled by that, never by pid. */
    private static final class Workers implements AutoCloseable {
        private final List<long[]> pidAndFd = new ArrayList<>();

        /** Records {@code pid}, if new, with a pidfd on it; returns it. */
        long add(long pid) {
            if (pidAndFd.stream().noneMatch(p -> p[0] == pid)) {
                pidAndFd.add(new long[] {pid, ParentState.pidfdOf(pid)});
            }
            return pid;
        }

        int count() {
            return pidAndFd.size();
        }

        void kill(long pid) {
            pidAndFd.stream().filter(p -> p[0] == pid).forEach(p -> ParentState.signal((int) p[1], Signal.KILL));
        }

        /** Every process recorded must end within {@link #BOUND}. */
        void checkAllEnded(Outcome outcome) {
            for (long[] p : pidAndFd) {
                if (!ParentState.awaitExit((int) p[1], (int) BOUND.toMillis())) {
                    outcome.problem("process " + p[0] + " " + ProcessHandle.of(p[0]).flatMap(h -> h.info()
                            .commandLine()).orElse("?") + " still alive " + BOUND.toSeconds() + " s after its pool"
                            + " ended; killed");
                    ParentState.signal((int) p[1], Signal.KILL);
                }
            }
        }

        @Override
        public void close() {
            for (long[] p : pidAndFd) {
                ParentState.close((int) p[1]);
            }
            pidAndFd.clear();
        }
    }
}
