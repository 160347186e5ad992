package dev.safespawn.nuprocess;

import com.zaxxer.nuprocess.NuProcessHandler;
import dev.safespawn.AsyncChild;
import dev.safespawn.ChildHandler;
import dev.safespawn.ExitStatus;
import java.nio.ByteBuffer;

/**
 * Translates safespawn's callbacks into a {@link NuProcessHandler}'s, with
 * NuProcess's rule for exceptions: one thrown by the user's callback is
 * logged and otherwise ignored, where safespawn would kill the child.
 * Errors are not caught, so safespawn's own handling of them applies.
 *
 * <p>The handler is read afresh for every call, so that
 * {@link SafeNuProcess#setProcessHandler} takes effect at the next callback.
 * Safespawn serialises a child's callbacks, so this class holds no state of
 * its own.
 */
final class NuCallbacks implements ChildHandler {
    private static final System.Logger LOG = System.getLogger(NuCallbacks.class.getName());

    private final SafeNuProcess process;

    NuCallbacks(SafeNuProcess process) {
        this.process = process;
    }

    /** Runs the user's callback {@code name}; an exception it throws is logged, as NuProcess does. */
    static void quietly(String name, Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "NuProcessHandler." + name + " threw; ignored, as NuProcess does", e);
        }
    }

    private NuProcessHandler handler() {
        return process.handler();
    }

    @Override
    public void onStart(AsyncChild child) {
        process.attach(child); // before the user's onStart, which may already write to stdin
        quietly("onStart", () -> handler().onStart(process));
    }

    @Override
    public void onStdout(ByteBuffer buffer, boolean closed) {
        quietly("onStdout", () -> handler().onStdout(buffer, closed));
    }

    @Override
    public void onStderr(ByteBuffer buffer, boolean closed) {
        quietly("onStderr", () -> handler().onStderr(buffer, closed));
    }

    @Override
    public boolean onStdinReady(ByteBuffer buffer) {
        try {
            return handler().onStdinReady(buffer);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "NuProcessHandler.onStdinReady threw; ignored, as NuProcess does", e);
            buffer.limit(0); // whatever it half wrote, unflipped, must not reach the child
            return false;
        }
    }

    @Override
    public void onExit(ExitStatus status) {
        process.exited(status);
    }
}
