package dev.safespawn.strategies.internal;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The {@link ProcessHandle} of a {@link PipedChildProcess}. Life-cycle calls
 * (exit, destroy, liveness) go to the child itself, which never signals after
 * reaping; descriptive ones (info, children) ask the JDK while the child lives.
 */
final class ChildHandle implements ProcessHandle {
    private final PipedChildProcess child;

    ChildHandle(PipedChildProcess child) {
        this.child = child;
    }

    private Optional<ProcessHandle> live() {
        return child.isAlive() ? ProcessHandle.of(child.pid()) : Optional.empty();
    }

    @Override
    public long pid() {
        return child.pid();
    }

    @Override
    public Optional<ProcessHandle> parent() {
        return live().flatMap(ProcessHandle::parent);
    }

    @Override
    public Stream<ProcessHandle> children() {
        return live().map(ProcessHandle::children).orElseGet(Stream::empty);
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        return live().map(ProcessHandle::descendants).orElseGet(Stream::empty);
    }

    @Override
    public Info info() {
        return live().map(ProcessHandle::info).orElse(NoInfo.INSTANCE);
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

    @Override
    public int compareTo(ProcessHandle other) {
        return Long.compare(pid(), other.pid());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProcessHandle h && h.pid() == pid();
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
