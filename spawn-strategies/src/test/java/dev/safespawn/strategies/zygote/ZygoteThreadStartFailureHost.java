package dev.safespawn.strategies.zygote;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import dev.safespawn.strategies.internal.LibraryThreadStarts;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JVM {@link ZygoteThreadStartFailureTest} starts, fresh, so that the
 * library has started none of its threads. Spawns and waits through the
 * zygote while no library thread can start (from the first spawn, then with a
 * server running, then while that server dies), and after threads can start
 * again; each step runs on a platform or a virtual thread ({@code args[0]})
 * and prints one line: {@code <step> ok ...}, {@code <step> SpawnException ...},
 * {@code <step> threw ...}, or {@code <step> HANG} if it had not ended after
 * {@value #BOUND_SECONDS} seconds (a hang detector, not a timing check).
 */
public final class ZygoteThreadStartFailureHost {
    private static final long BOUND_SECONDS = 30;
    private static final Command TRUE = Command.of("/bin/true");

    private ZygoteThreadStartFailureHost() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("unwatched")) {
            unwatched();
            return;
        }
        ExecutorService threads = args[0].equals("virtual") ? virtualThreads()
                : Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r);
                    t.setDaemon(true); // a hung step must not keep this JVM alive
                    return t;
                });
        LibraryThreadStarts.refuse();
        ZygoteStrategy first = new ZygoteStrategy();
        step(threads, "fresh", () -> spawnAndWait(first, TRUE));
        first.close();
        System.out.println("leftover children=" + ProcessHandle.current().children().count());

        LibraryThreadStarts.allow();
        ZygoteStrategy zygote = new ZygoteStrategy();
        step(threads, "allowed", () -> spawnAndWait(zygote, TRUE));

        LibraryThreadStarts.refuse();
        step(threads, "running", () -> spawnAndWait(zygote, TRUE));
        ChildProcess sleeper = zygote.spawn(Command.of("/bin/sleep", "60"));
        Future<String> waiting = threads.submit(() -> "exit=" + sleeper.waitFor() + " " + sleeper.exitStatus());
        ProcessHandle.of(zygote.serverPid()).orElseThrow().destroyForcibly(); // the server this JVM started
        report("dying", waiting);
        step(threads, "after", () -> spawnAndWait(zygote, TRUE));

        LibraryThreadStarts.allow();
        step(threads, "again", () -> spawnAndWait(zygote, TRUE));
        zygote.close();
        System.exit(0); // a hung step's thread must not keep the JVM from reporting
    }

    /**
     * Without pidfds the server gets a waiter thread, and then the client
     * needs the event loop's: only the first may start. Prints the failure,
     * whether the server started meanwhile has ended, and a spawn once
     * threads start again.
     */
    private static void unwatched() throws Exception {
        System.setProperty("safespawn.internal.pidfd", "false");
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        ZygoteStrategy zygote = new ZygoteStrategy();
        LibraryThreadStarts.refuseAfter(1);
        step(threads, "unwatched", () -> spawnAndWait(zygote, TRUE));
        step(threads, "server", () -> {
            for (ProcessHandle child : ProcessHandle.current().children().toList()) {
                child.onExit().get(); // bounded by step()
            }
            return "ended";
        });
        LibraryThreadStarts.allow();
        step(threads, "again", () -> spawnAndWait(zygote, TRUE));
        zygote.close();
        System.exit(0);
    }

    private static String spawnAndWait(ZygoteStrategy zygote, Command command) throws Exception {
        try (ChildProcess child = zygote.spawn(command)) {
            return "exit=" + child.waitFor();
        }
    }

    private static void step(ExecutorService threads, String name, Callable<String> task) throws Exception {
        report(name, threads.submit(task));
    }

    private static void report(String name, Future<String> outcome) throws InterruptedException {
        String line;
        try {
            line = "ok " + outcome.get(BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            line = "HANG";
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable t = e.getCause();
            line = t instanceof SpawnException s ? "SpawnException stage=" + s.stage() + " cause="
                    + (s.getCause() == null ? "none" : s.getCause().getClass().getSimpleName()) + " " + s.getMessage()
                    : "threw " + t;
        }
        System.out.println(name + " " + line);
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}, reached reflectively: this compiles for Java 17. */
    private static ExecutorService virtualThreads() throws ReflectiveOperationException {
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    }
}
