package dev.safespawn.commonsexec;

import dev.safespawn.Spawner;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteStreamHandler;

/**
 * A Commons Exec {@link DefaultExecutor} that starts its processes through a
 * safespawn {@link Spawner} (with a {@link SpawnerCommandLauncher}). Everything
 * else is Commons Exec's own: {@link CommandLine}, stream handlers such as
 * {@link org.apache.commons.exec.PumpStreamHandler}, the
 * {@link org.apache.commons.exec.ExecuteWatchdog}, exit values,
 * {@link org.apache.commons.exec.ExecuteResultHandler} for asynchronous runs
 * and process destroyers such as
 * {@link org.apache.commons.exec.ShutdownHookProcessDestroyer}.
 *
 * <p>Switching is one line:
 * <pre>{@code
 * // before
 * DefaultExecutor executor = DefaultExecutor.builder().get();
 * // after
 * DefaultExecutor executor = SafespawnExecutor.create();
 *
 * executor.setStreamHandler(new PumpStreamHandler(out, err));
 * executor.setWatchdog(ExecuteWatchdog.builder().setTimeout(Duration.ofSeconds(30)).get());
 * int exit = executor.execute(CommandLine.parse("git status --short"));
 * }</pre>
 * and with the builder, {@code DefaultExecutor.builder()} becomes
 * {@link #builder()}, which takes the same settings plus
 * {@link Builder#setSpawner(Spawner)}.
 *
 * <p>Failures: a process that cannot be started makes the synchronous
 * {@code execute} methods throw the launcher's {@link dev.safespawn.SpawnException}
 * itself (an {@link IOException}; {@code DefaultExecutor} passes launch failures
 * through unwrapped), with a message such as
 * {@code exec /opt/nope: No such file or directory (ENOENT)}. The asynchronous
 * ones hand the result handler an {@link org.apache.commons.exec.ExecuteException}
 * whose cause is that {@code SpawnException}. A process that exits with a value
 * the executor counts as failure is an {@code ExecuteException} carrying the
 * value, as always; one killed by a signal (a watchdog's {@code SIGTERM}, say)
 * reports {@code 128 + signal}.
 *
 * <p>The spawner: {@link #create()} and a builder without
 * {@link Builder#setSpawner(Spawner)} share one process-wide spawner, made with
 * {@link Spawner#create()} on first use and never closed (its resources go with
 * the JVM). A spawner passed in stays the caller's: the executor never closes
 * it, and it must stay open while the executor is in use.
 *
 * <p>Thread-safety is {@code DefaultExecutor}'s: configure an executor, then run
 * one execution at a time on it (it keeps per-execution state); use one
 * executor per concurrent execution. The launcher and the spawner behind it are
 * thread-safe, so any number of executors may share them.
 *
 * <p>Null policy: the factories and {@link Builder#setSpawner(Spawner)} reject
 * null with {@link NullPointerException}; every other setter and method
 * behaves as in {@code DefaultExecutor} (null resets a builder setting to its
 * default, a null environment means "inherit").
 */
public final class SafespawnExecutor extends DefaultExecutor {

    private static final Object DEFAULT_LOCK = new Object();
    private static volatile Spawner defaultSpawner;

    private final SpawnerCommandLauncher launcher;
    private final ThreadFactory threadFactory; // null: DefaultExecutor's own

    /*
     * DefaultExecutor's only accessible constructor is the deprecated no-argument
     * one (its builder's constructor is package-private); it sets the defaults
     * the builder would, which the builder's settings then replace.
     */
    @SuppressWarnings("deprecation")
    private SafespawnExecutor(SpawnerCommandLauncher launcher, ThreadFactory threadFactory,
                              ExecuteStreamHandler streamHandler, Path workingDirectory) {
        super();
        this.launcher = launcher;
        this.threadFactory = threadFactory;
        if (streamHandler != null) {
            setStreamHandler(streamHandler);
        }
        if (workingDirectory != null) {
            setWorkingDirectory(workingDirectory.toFile());
        }
    }

    /**
     * An executor with Commons Exec's defaults (output pumped to
     * {@code System.out} and {@code System.err}, the current directory) that
     * starts processes through the shared default spawner.
     *
     * @return a new executor, never null
     * @throws IllegalStateException if no spawn strategy is available (from
     *         {@link Spawner#create()}, on first use)
     * @throws IllegalArgumentException if the {@code safespawn.strategy}
     *         property names no known strategy (on first use)
     * @throws java.io.UncheckedIOException if the strategy fails to start
     */
    public static SafespawnExecutor create() {
        return builder().get();
    }

    /**
     * An executor with Commons Exec's defaults that starts processes through
     * {@code spawner}, which it does not close.
     *
     * @param spawner the spawner to start processes with; it must stay open
     *        while the executor is in use
     * @return a new executor, never null
     * @throws NullPointerException if {@code spawner} is null
     */
    public static SafespawnExecutor create(Spawner spawner) {
        return builder().setSpawner(spawner).get();
    }

    /**
     * A builder taking {@code DefaultExecutor.Builder}'s settings plus the spawner.
     *
     * @return a new builder with Commons Exec's defaults and the shared default spawner
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The launcher every process of this executor is started with.
     *
     * @return the launcher, never null; the same on every call
     */
    public SpawnerCommandLauncher getLauncher() {
        return launcher;
    }

    /**
     * The spawner every process of this executor is started with.
     *
     * @return the spawner, never null: the one given, or the shared default
     */
    public Spawner getSpawner() {
        return launcher.spawner();
    }

    /** Starts the process through the {@link SpawnerCommandLauncher}. */
    @Override
    protected Process launch(CommandLine command, Map<String, String> env, Path workingDirectory)
            throws IOException {
        return launcher.exec(command, env, workingDirectory);
    }

    /** Starts the process through the {@link SpawnerCommandLauncher}. */
    @Override
    protected Process launch(CommandLine command, Map<String, String> env, File workingDirectory)
            throws IOException {
        return launcher.exec(command, env, workingDirectory);
    }

    /**
     * As {@code DefaultExecutor}'s, made by the builder's thread factory when
     * one was set.
     */
    @Override
    protected Thread createThread(Runnable runnable, String name) {
        if (threadFactory == null) {
            return super.createThread(runnable, name);
        }
        Thread t = threadFactory.newThread(runnable);
        if (t == null) {
            throw new IllegalStateException("the ThreadFactory " + threadFactory
                    + " could not construct a thread for '" + name + "'");
        }
        t.setName(name + t.getName());
        t.setDaemon(false);
        return t;
    }

    @Override
    public String toString() {
        return "SafespawnExecutor[" + launcher.spawner() + "]";
    }

    static Spawner defaultSpawner() {
        Spawner s = defaultSpawner;
        if (s == null) {
            synchronized (DEFAULT_LOCK) {
                s = defaultSpawner;
                if (s == null) {
                    s = Spawner.create();
                    defaultSpawner = s;
                }
            }
        }
        return s;
    }

    /**
     * Builds a {@link SafespawnExecutor}: {@code DefaultExecutor.Builder}'s
     * settings, with the same defaults, plus the spawner. Not thread-safe;
     * each {@link #get()} returns a new executor.
     */
    public static final class Builder extends DefaultExecutor.Builder<Builder> {
        private Spawner spawner;
        private ExecuteStreamHandler streamHandler;
        private ThreadFactory threadFactory;
        private Path workingDirectory;

        private Builder() {
        }

        /**
         * The spawner processes are started with; the executor does not close
         * it. Default: a shared one from {@link Spawner#create()}.
         *
         * @param spawner the spawner; it must stay open while executors built
         *        with it are in use
         * @return this builder
         * @throws NullPointerException if {@code spawner} is null
         */
        public Builder setSpawner(Spawner spawner) {
            this.spawner = Objects.requireNonNull(spawner, "spawner");
            return this;
        }

        @Override
        public Builder setExecuteStreamHandler(ExecuteStreamHandler executeStreamHandler) {
            this.streamHandler = executeStreamHandler;
            return super.setExecuteStreamHandler(executeStreamHandler);
        }

        @Override
        public Builder setThreadFactory(ThreadFactory threadFactory) {
            this.threadFactory = threadFactory;
            return super.setThreadFactory(threadFactory);
        }

        @Override
        public Builder setWorkingDirectory(File workingDirectory) {
            this.workingDirectory = workingDirectory == null ? null : workingDirectory.toPath();
            return super.setWorkingDirectory(workingDirectory);
        }

        @Override
        public Builder setWorkingDirectory(Path workingDirectory) {
            this.workingDirectory = workingDirectory;
            return super.setWorkingDirectory(workingDirectory);
        }

        /**
         * A new executor with these settings.
         *
         * @return a new executor, never null
         * @throws IllegalStateException if no spawner was set and no spawn
         *         strategy is available
         * @throws IllegalArgumentException if no spawner was set and the
         *         {@code safespawn.strategy} property names no known strategy
         * @throws java.io.UncheckedIOException if no spawner was set and the
         *         default strategy fails to start
         */
        @Override
        public SafespawnExecutor get() {
            Spawner s = spawner != null ? spawner : defaultSpawner();
            return new SafespawnExecutor(new SpawnerCommandLauncher(s), threadFactory, streamHandler,
                    workingDirectory);
        }
    }
}
