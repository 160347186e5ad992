package dev.safespawn.cli;

import dev.safespawn.ChildProcess;
import dev.safespawn.Signal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * While open, a JVM shutdown hook that sends {@code SIGTERM} to a child still
 * running when the CLI is told to stop.
 *
 * <p>Needed for a child in its own session: it is no longer in the terminal's
 * foreground process group, so Ctrl-C or a {@code kill} of the CLI would
 * otherwise leave it running, orphaned, with nobody reporting its end.
 *
 * <p>The hook is installed before the spawn and told the child after it: a
 * signal arriving in between then waits for the spawn to finish instead of
 * missing a child that already exists.
 */
final class ShutdownForwarder implements AutoCloseable {
    /** How long the hook waits for a spawn in flight; a spawn takes milliseconds. */
    private static final long SPAWN_WAIT_SECONDS = 5;
    private static final Runnable NOTHING = () -> { };

    private final CompletableFuture<Runnable> onShutdown = new CompletableFuture<>();
    private final Thread hook;

    private ShutdownForwarder(boolean install) {
        this.hook = install ? new Thread(this::forward, "safespawn-run-forward-termination") : null;
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    /** Installs the hook; call {@link #forwardTo} once the child is started. */
    static ShutdownForwarder install() {
        return new ShutdownForwarder(true);
    }

    /** A forwarder that forwards nothing, for children that get the terminal's signals themselves. */
    static ShutdownForwarder none() {
        return new ShutdownForwarder(false);
    }

    /** From now on, shutting down sends SIGTERM to {@code child} through {@code signaller} (child or group). */
    void forwardTo(ChildProcess child, IntPredicate signaller) {
        onShutdown.complete(() -> {
            if (child.isAlive()) {
                signaller.test(Signal.TERM);
            }
        });
    }

    /** Removes the hook: the child has ended, or was never started; nothing is left to forward to. */
    @Override
    public void close() {
        onShutdown.complete(NOTHING);
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already stopping and the hook is running or has run: exactly what it is for.
        }
    }

    private void forward() {
        try {
            onShutdown.get(SPAWN_WAIT_SECONDS, TimeUnit.SECONDS).run();
        } catch (Exception e) {
            // The JVM is going away; there is no one left to tell.
        }
    }
}
