package dev.safespawn.strategies.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The {@link ProcessHandle} of a {@link PipedChildProcess}. Life-cycle calls
 * (exit, destroy, liveness) go to the child itself, which never signals after
 * reaping; descriptive ones (info, parent, children) ask the JDK, and their
 * answer is kept only if the child was still unreaped afterwards: until it is
 * reaped its pid cannot be given to another process, so the answer was about
 * the child and not about a process that reuses its pid. (A zygote child is
 * reaped by the server a moment before its exit reaches this JVM; the pid
 * space would have to wrap within that moment.)
 *
 * <p>As {@link ProcessHandle} requires: equal only to a handle of this class
 * for the same child (whichever {@code toHandle()} call made it), a hash code
 * that follows, and an order by pid, then by spawn, that is consistent with
 * {@code equals}; comparing with another implementation throws
 * {@link ClassCastException}. Thread-safe, like the child.
 */
final class ChildHandle implements ProcessHandle {
    private final PipedChildProcess child;

    ChildHandle(PipedChildProcess child) {
        this.child = child;
    }

    /** {@code ask} applied to the JDK's handle for the pid, if the child was unreaped from before to after. */
    private <T> Optional<T> whileUnreaped(java.util.function.Function<ProcessHandle, T> ask) {
        if (!child.isAlive()) {
            return Optional.empty();
        }
        Optional<T> answer = ProcessHandle.of(child.pid()).map(ask);
        return child.isAlive() ? answer : Optional.empty();
    }

    @Override
    public long pid() {
        return child.pid();
    }

    @Override
    public Optional<ProcessHandle> parent() {
        return whileUnreaped(ProcessHandle::parent).flatMap(p -> p);
    }

    @Override
    public Stream<ProcessHandle> children() {
        return whileUnreaped(h -> h.children().toList()).map(List::stream).orElseGet(Stream::empty);
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        return whileUnreaped(h -> h.descendants().toList()).map(List::stream).orElseGet(Stream::empty);
    }

    @Override
    public Info info() {
        return whileUnreaped(ProcessHandle::info).orElse(NoInfo.INSTANCE); // a snapshot, read now
    }

    /** What is known of a process that has been reaped: nothing. */
    private enum NoInfo implements Info {
        INSTANCE;

        @Override
        public Optional<String> command() {
            return Optional.empty();
        }

        @Override
        public Optional<String> commandLine() {
            return Optional.empty();
        }

        @Override
        public Optional<String[]> arguments() {
            return Optional.empty();
        }

        @Override
        public Optional<java.time.Instant> startInstant() {
            return Optional.empty();
        }

        @Override
        public Optional<java.time.Duration> totalCpuDuration() {
            return Optional.empty();
        }

        @Override
        public Optional<String> user() {
            return Optional.empty();
        }
    }

    @Override
    public CompletableFuture<ProcessHandle> onExit() {
        return child.onExit().thenApply(p -> this);
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public boolean destroy() {
        return child.signal(15);
    }

    @Override
    public boolean destroyForcibly() {
        return child.signal(9);
    }

    @Override
    public boolean isAlive() {
        return child.isAlive();
    }

    /** @throws ClassCastException if {@code other} is not a handle of this class */
    @Override
    public int compareTo(ProcessHandle other) {
        ChildHandle h = (ChildHandle) other;
        int byPid = Long.compare(pid(), h.pid());
        return byPid != 0 ? byPid : Long.compare(child.serial, h.child.serial);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChildHandle h && h.child == child;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(pid());
    }

    @Override
    public String toString() {
        return Long.toString(pid());
    }
}
