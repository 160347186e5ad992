package dev.safespawn.reliability;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.Redirect;
import dev.safespawn.Run;
import dev.safespawn.RunResult;
import dev.safespawn.Signal;
import dev.safespawn.Spawner;
import dev.safespawn.testkit.Probe;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Callers blocked on a child are woken by what the library promises wakes
 * them, within {@link #WAKE_BOUND}, with the documented result. A thread
 * blocks reading the stdout of a child that writes nothing, writing the
 * stdin of a child that reads nothing (the pipe full), in {@code waitFor()}
 * of a child that runs on, or in {@link Run#run}; another thread then closes
 * the stream, closes the child, destroys it or interrupts the blocked
 * thread, or the call's own timeout passes. Done on platform threads in this
 * JVM and on virtual threads in a JDK 21+ JVM with one carrier, where the
 * acting thread is virtual too, so a call that pins its carrier instead of
 * parking shows as one that is never woken.
 */
final class BlockedCallers implements Scenario {
    /** The promise checked: a woken call returns within this of the action. */
    static final Duration WAKE_BOUND = Duration.ofSeconds(5);
    /** The timeout given to {@code waitFor} and {@link Run}: short, since each such case waits it out. */
    static final Duration CALL_TIMEOUT = Duration.ofMillis(200);
    /** The virtual-thread JVM's whole run, JVM start included; it is killed past this. */
    private static final Duration OTHER_JVM_DEADLINE = Duration.ofMinutes(5);
    private static final int CHUNK = 64 * 1024;

    /** Where the blocked thread is. */
    enum Call { READ, WRITE, WAIT_FOR, RUN }

    /** What wakes it. */
    enum Action { CLOSE_STREAM, CLOSE_CHILD, DESTROY, INTERRUPT, TIMEOUT }

    /**
     * One blocked call and what wakes it. Interrupting a stream read or write
     * is not among them: the library's streams keep {@code FileInputStream}'s
     * semantics there (not interruptible), and promise nothing else.
     */
    record Case(Call call, Action action) {
        @Override
        public String toString() {
            return call + " woken by " + action;
        }
    }

    static final List<Case> CASES = List.of(
            new Case(Call.READ, Action.CLOSE_STREAM), new Case(Call.READ, Action.CLOSE_CHILD),
            new Case(Call.READ, Action.DESTROY),
            new Case(Call.WRITE, Action.CLOSE_STREAM), new Case(Call.WRITE, Action.CLOSE_CHILD),
            new Case(Call.WRITE, Action.DESTROY),
            new Case(Call.WAIT_FOR, Action.CLOSE_CHILD), new Case(Call.WAIT_FOR, Action.DESTROY),
            new Case(Call.WAIT_FOR, Action.INTERRUPT), new Case(Call.WAIT_FOR, Action.TIMEOUT),
            new Case(Call.RUN, Action.INTERRUPT), new Case(Call.RUN, Action.TIMEOUT));

    /** This JVM runs the platform-thread half and starts the virtual one; the other JVM runs the virtual half only. */
    private final boolean virtualHalfOnly;

    BlockedCallers() {
        this(false);
    }

    private BlockedCallers(boolean virtualHalfOnly) {
        this.virtualHalfOnly = virtualHalfOnly;
    }

    @Override
    public String name() {
        return "blocked-callers";
    }

    @Override
    public String description() {
        return "A thread blocks reading stdout of a child that writes nothing, writing stdin of a child that reads"
                + " nothing (pipe full), in waitFor() of a child that runs on, or in Run.run; another thread closes"
                + " the stream (strategies with ASYNC_CLOSE: jdk's streams promise no such wake-up), closes the child,"
                + " destroys it or interrupts the caller, or the call's own " + CALL_TIMEOUT.toMillis() + " ms timeout"
                + " passes. Each call must end within " + WAKE_BOUND.toSeconds() + " s of the action with what the"
                + " library documents: a read -1 or an IOException (-1 at the child's exit), a write an IOException,"
                + " waitFor 137 after close, 143 after destroy, InterruptedException when interrupted, false at its"
                + " timeout; Run.run InterruptedException, or a timed-out result. Platform threads here; virtual threads"
                + " in a JDK 21+ JVM with one carrier, acting from a virtual thread too, so a pinned carrier shows as"
                + " a caller never woken. Clean: every call woken in time with the documented result, nothing left"
                + " behind.";
    }

    @Override
    public void run(Configuration configuration, Budget budget, Outcome outcome) throws Exception {
        int rounds = budget.pick(1, 10);
        if (virtualHalfOnly) {
            runHalf(configuration, rounds, virtualThreads(), outcome);
            return;
        }
        runHalf(configuration, rounds, r -> new Thread(r), outcome);
        String prefix = "virtual: ";
        var java = OtherJvm.jdk21Java();
        if (java.isEmpty()) {
            String why = OtherJvm.whyNoJdk21();
            if (OtherJvm.required()) {
                outcome.problem("the virtual-thread half did not run (CI=true): " + why);
            } else {
                System.out.println("SKIPPED blocked-callers on virtual threads: " + why);
                outcome.figure(prefix + "cases", "skipped: " + why);
            }
            return;
        }
        OtherJvm.runInto(outcome, prefix, java.get(),
                List.of("-Djdk.virtualThreadScheduler.parallelism=1",
                        "-D" + Probe.PROPERTY + "=" + Probe.path()), // this JVM's probe: compiling another takes seconds
                BlockedCallers.class, OTHER_JVM_DEADLINE, configuration.name(), budget.name());
    }

    /**
     * The virtual-thread half, in a JDK 21+ JVM: {@code CONFIGURATION BUDGET};
     * prints its outcome for {@link OtherJvm#runInto}.
     *
     * @param args the configuration's name and the budget's
     * @throws Exception if the run itself cannot be made
     */
    public static void main(String[] args) throws Exception {
        Configuration configuration = Configuration.named(args[0]);
        // The JDK starts its virtual-thread machinery (an unblocker thread) for good at first use: not a leftover.
        Thread first = virtualThreads().newThread(() -> { });
        first.start();
        first.join();
        Outcome outcome = Runs.run(new BlockedCallers(true), configuration, Budget.valueOf(args[1]));
        OtherJvm.print(outcome);
        System.exit(0);
    }

    private static void runHalf(Configuration configuration, int rounds, ThreadFactory threads, Outcome outcome)
            throws Exception {
        int run = 0;
        int notApplicable = 0;
        long worst = 0;
        try (Spawner spawner = configuration.open()) {
            boolean asyncClose = spawner.features().contains(Feature.ASYNC_CLOSE);
            for (int round = 0; round < rounds; round++) {
                for (Case c : CASES) {
                    if (c.action() == Action.CLOSE_STREAM && !asyncClose) {
                        notApplicable++;
                        continue;
                    }
                    worst = Math.max(worst, runCase(spawner, c, threads, outcome));
                    run++;
                }
            }
        }
        outcome.figure("cases", run + (notApplicable > 0 ? " (" + notApplicable / rounds
                + " kinds without ASYNC_CLOSE not run)" : ""));
        // for a timeout: how long after it the call ended
        outcome.figure("worst wake-up (ms)", String.format("%.1f", worst / 1e6));
    }

    /** Runs one case; returns how long the call took to end after the action (after its timeout, for TIMEOUT). */
    private static long runCase(Spawner spawner, Case c, ThreadFactory threads, Outcome outcome) throws Exception {
        ChildProcess child = c.call() == Call.RUN ? null : spawner.spawn(sleeper(c.call()));
        CompletableFuture<Object> ended = new CompletableFuture<>();
        long[] endNanos = new long[1];
        long start = System.nanoTime();
        Thread caller = threads.newThread(() -> {
            Object result;
            try {
                result = call(spawner, child, c);
            } catch (Throwable t) {
                result = t;
            }
            endNanos[0] = System.nanoTime();
            ended.complete(result);
        });
        caller.start();
        try {
            long actionNanos;
            Thread actor = null;
            if (c.action() == Action.TIMEOUT) {
                actionNanos = start + CALL_TIMEOUT.toNanos();
            } else {
                if (!awaitBlocked(caller, ended)) {
                    outcome.problem(c + ": the call " + (ended.isDone() ? "ended before any action, with "
                            + ended.getNow(null) : "never blocked within " + WAKE_BOUND));
                    return 0;
                }
                actionNanos = System.nanoTime();
                actor = threads.newThread(() -> act(c, child, caller, outcome));
                actor.start();
            }
            Object result;
            try {
                result = ended.get(WAKE_BOUND.toNanos() + (actionNanos - start), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                outcome.problem(c + ": still blocked " + WAKE_BOUND.toSeconds() + " s after the action; caller "
                        + describe(caller) + (actor == null ? "" : "\nacting thread " + describe(actor)));
                rescue(child, caller, ended, c, outcome);
                return WAKE_BOUND.toNanos();
            }
            long wake = endNanos[0] - actionNanos;
            check(c, result, endNanos[0] - start, outcome);
            return Math.max(0, wake);
        } finally {
            if (child != null) {
                child.close(); // kills and reaps it, if the case left it running
            }
            caller.join(WAKE_BOUND.toMillis());
        }
    }

    /** The probe blocking for ever, with a pipe only where the call needs one. */
    private static Command sleeper(Call call) {
        return Command.builder(Probe.path().toString()).args("sleep")
                .stdin(call == Call.WRITE ? Redirect.PIPE : Redirect.DISCARD)
                .stdout(call == Call.READ ? Redirect.PIPE : Redirect.DISCARD)
                .stderr(Redirect.DISCARD).build();
    }

    /** The blocking call; returns what it returned (the write never returns normally). */
    private static Object call(Spawner spawner, ChildProcess child, Case c) throws Exception {
        switch (c.call()) {
            case READ -> {
                return child.getInputStream().read(new byte[CHUNK]);
            }
            case WRITE -> {
                OutputStream in = child.getOutputStream();
                byte[] chunk = new byte[CHUNK];
                while (true) {
                    in.write(chunk);
                }
            }
            case WAIT_FOR -> {
                return c.action() == Action.TIMEOUT
                        ? child.waitFor(CALL_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS) : child.waitFor();
            }
            default -> {
                Run.Builder run = Run.of(Command.of(Probe.path().toString(), "sleep"));
                if (c.action() == Action.TIMEOUT) {
                    run.timeout(CALL_TIMEOUT).grace(Duration.ZERO);
                }
                return run.build().run(spawner);
            }
        }
    }

    private static void act(Case c, ChildProcess child, Thread caller, Outcome outcome) {
        try {
            switch (c.action()) {
                case CLOSE_STREAM -> (c.call() == Call.READ ? (java.io.Closeable) child.getInputStream()
                        : child.getOutputStream()).close();
                case CLOSE_CHILD -> child.close();
                case DESTROY -> child.destroy();
                case INTERRUPT -> caller.interrupt();
                default -> throw new IllegalStateException(c.toString());
            }
        } catch (IOException | RuntimeException e) {
            outcome.problem(c + ": the action itself failed: " + Runs.stackTrace(e));
        }
    }

    /**
     * Waits until {@code caller} is blocked: parked or waiting, or running in
     * native code (a platform thread in {@code poll} or {@code read}, or a
     * virtual thread pinning its carrier). Polls, since no event says so;
     * false if it ended first or never blocked within {@link #WAKE_BOUND}.
     */
    private static boolean awaitBlocked(Thread caller, CompletableFuture<Object> ended) {
        long deadline = System.nanoTime() + WAKE_BOUND.toNanos();
        while (!ended.isDone() && System.nanoTime() < deadline) {
            Thread.State state = caller.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                return true;
            }
            StackTraceElement[] stack = caller.getStackTrace();
            if (state == Thread.State.RUNNABLE && stack.length > 0 && stack[0].isNativeMethod()) {
                return true;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return false;
    }

    /** Checks the call ended as the library documents for this case. */
    private static void check(Case c, Object result, long tookNanos, Outcome outcome) {
        boolean ok = switch (c.call()) {
            case READ -> c.action() == Action.DESTROY ? Integer.valueOf(-1).equals(result)
                    : Integer.valueOf(-1).equals(result) || result instanceof IOException;
            case WRITE -> result instanceof IOException;
            case WAIT_FOR -> switch (c.action()) {
                case CLOSE_CHILD -> Integer.valueOf(128 + Signal.KILL).equals(result);
                case DESTROY -> Integer.valueOf(128 + Signal.TERM).equals(result);
                case INTERRUPT -> result instanceof InterruptedException;
                default -> Boolean.FALSE.equals(result) && tookNanos >= CALL_TIMEOUT.toNanos();
            };
            case RUN -> c.action() == Action.INTERRUPT ? result instanceof InterruptedException
                    : result instanceof RunResult r && r.timedOut();
        };
        if (!ok) {
            outcome.problem(c + ": ended with " + (result instanceof Throwable t ? Runs.stackTrace(t) : result)
                    + " after " + tookNanos / 1_000_000 + " ms, not as documented");
        }
    }

    /** After a missed wake-up: kills the child so the caller can end, and says whether that freed it. */
    private static void rescue(ChildProcess child, Thread caller, CompletableFuture<Object> ended, Case c,
            Outcome outcome) throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
        }
        caller.interrupt();
        try {
            outcome.problem(c + ": after SIGKILL and an interrupt the call ended with "
                    + ended.get(WAKE_BOUND.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            outcome.problem(c + ": still blocked even after SIGKILL and an interrupt: " + describe(caller));
        }
    }

    private static String describe(Thread thread) {
        StringBuilder s = new StringBuilder(thread.toString()).append(' ').append(thread.getState());
        for (StackTraceElement frame : thread.getStackTrace()) {
            s.append("\n\tat ").append(frame);
        }
        return s.toString();
    }

    /** {@code Thread.ofVirtual().factory()}, reached by reflection: this module compiles for Java 17. */
    private static ThreadFactory virtualThreads() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no virtual threads in " + Runtime.version(), e);
        }
    }
}
