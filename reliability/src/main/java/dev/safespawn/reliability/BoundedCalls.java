package dev.safespawn.reliability;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Spawner;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Calls made while a resource runs out, each on a caller thread started
 * before it ran out (making a thread may be what fails), each awaited at most
 * {@link Faults#HANG}, so a hang is a problem rather than a stuck run. A
 * spawn may fail, if typed and naming the cause; other calls must work.
 * Records the worst call's time. One scenario thread drives it; close it to
 * end the caller thread.
 */
final class BoundedCalls implements AutoCloseable {
    private final ExecutorService caller;
    /** The caller thread, once started: a hang's problem says where it is stuck. */
    private volatile Thread callerThread;
    /** How much of a stuck caller's stack a problem quotes: enough to see which call it is in. */
    private static final int STACK_FRAMES = 12;
    /** What {@link #echo(ChildProcess)} sends and must get back. */
    private static final byte[] PING = "ping\n".getBytes(StandardCharsets.US_ASCII);
    private final Outcome outcome;
    private final String[] causes;
    private String where = "";
    private boolean faulty;
    private long worst;
    private String firstRefusal = "-";
    private int hangs;

    /**
     * @param causes what a failed spawn's message must name, one of them
     */
    BoundedCalls(Outcome outcome, String name, String... causes) {
        this.caller = Executors.newSingleThreadExecutor(r -> {
            callerThread = new Thread(r, "reliability-" + name + "-caller");
            return callerThread;
        });
        this.outcome = outcome;
        this.causes = causes.clone();
    }

    /**
     * Says where the next calls are made, for problems: while the fault holds
     * ({@code faulty}, a spawn may then fail) or not (every call must work).
     * Starts the caller thread if it has not started yet.
     */
    void at(String where, boolean faulty) throws InterruptedException {
        this.where = where;
        this.faulty = faulty;
        call("starting the caller thread", () -> null);
    }

    /** Spawns {@code command}; returns the child, or null if the spawn failed, as it may while the fault holds. */
    ChildProcess spawn(Spawner spawner, Command command) throws InterruptedException {
        String what = "spawn() of " + command.argv() + " with stdout " + command.stdout();
        try {
            return await(what, caller.submit(() -> spawner.spawn(command)));
        } catch (ExecutionException e) {
            if (!faulty) {
                outcome.problem(what + " " + where + " threw " + Faults.describe(e.getCause()));
            } else if (firstRefusal.equals("-")) {
                firstRefusal = Faults.describe(e.getCause());
            }
            Faults.untyped(e.getCause(), causes).ifPresent(w -> outcome.problem(what + " " + where + " " + w));
            return null;
        }
    }

    /** Runs a call that must work; a failure or hang is a problem, and the result is then null. */
    <T> T call(String what, Callable<T> call) throws InterruptedException {
        try {
            return await(what, caller.submit(call));
        } catch (ExecutionException e) {
            outcome.problem(what + " " + where + " " + Faults.untyped(e.getCause(), causes)
                    .orElse("threw " + Faults.describe(e.getCause())) + "; it must need no new resource");
            return null;
        }
    }

    /**
     * Reads {@code child}'s stdout to its end, waits for it and closes it,
     * each a call that must work.
     *
     * @return its exit code, or null if waiting failed
     */
    Integer finish(ChildProcess child) throws InterruptedException {
        call("reading a child's stdout spawned there", () -> child.getInputStream().readAllBytes());
        Integer exit = call("waitFor() of a child spawned there", child::waitFor);
        call("close() of a child spawned there", () -> {
            child.close();
            return null;
        });
        return exit;
    }

    /**
     * Writes a line to {@code echoing}, a child that copies its stdin to its
     * stdout, and reads it back, each a call that must work; anything else
     * coming back is a problem.
     */
    void echo(ChildProcess echoing) throws InterruptedException {
        call("write() to a child's stdin", () -> {
            OutputStream in = echoing.getOutputStream();
            in.write(PING);
            in.flush();
            return null;
        });
        byte[] echoed = call("read() of a child's stdout", () -> echoing.getInputStream().readNBytes(PING.length));
        if (echoed != null && !Arrays.equals(echoed, PING)) {
            outcome.problem(where + ": the echoing child sent back '" + new String(echoed, StandardCharsets.UTF_8)
                    + "', not 'ping'");
        }
    }

    /**
     * Ends the two children a fault scenario keeps running through the
     * fault, each a call that must work: {@code sleeper} destroyed and waited
     * for, {@code echoing}'s stdin closed and it waited for.
     */
    void endBoth(ChildProcess sleeper, ChildProcess echoing) throws InterruptedException {
        call("destroyForcibly() and waitFor() of a running child", () -> {
            sleeper.destroyForcibly();
            return sleeper.waitFor();
        });
        call("close() of a child's stdin, then waitFor()", () -> {
            echoing.getOutputStream().close();
            return echoing.waitFor();
        });
    }

    private <T> T await(String what, Future<T> f) throws InterruptedException, ExecutionException {
        long start = System.nanoTime();
        try {
            return f.get(Faults.HANG.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            hangs++;
            Thread stuck = callerThread;
            outcome.problem(what + " " + where + " had not returned after " + Faults.HANG.toSeconds() + " s; stuck at "
                    + (stuck == null ? "?" : Arrays.stream(stuck.getStackTrace()).limit(STACK_FRAMES)
                            .map(String::valueOf).collect(Collectors.joining(" < "))));
            f.cancel(true);
            return null;
        } finally {
            worst = Math.max(worst, System.nanoTime() - start);
        }
    }

    /** What the first spawn that failed while the fault held threw, for the results; "-" if none failed. */
    String firstRefusal() {
        return firstRefusal;
    }

    /** How many calls had not returned within {@link Faults#HANG}. */
    int hangs() {
        return hangs;
    }

    /** The longest any call took, in nanoseconds. */
    long worst() {
        return worst;
    }

    /** Ends the caller thread; a call still running after {@link Faults#HANG} is a problem. */
    @Override
    public void close() throws InterruptedException {
        caller.shutdownNow();
        if (!caller.awaitTermination(Faults.HANG.toMillis(), TimeUnit.MILLISECONDS)) {
            outcome.problem("the caller thread was still in a call " + Faults.HANG.toSeconds() + " s after the run");
        }
    }
}
