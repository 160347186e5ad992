package dev.safespawn.pool;

import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * An {@link ExecutorService} that runs each task in a worker JVM: Python's
 * {@code ProcessPoolExecutor} for Java. Workers are started by a
 * {@link Spawner} (so with the child contract of its strategy), reused across
 * tasks, and replaced when they die.
 *
 * <pre>{@code
 * try (ProcessPool pool = ProcessPool.builder().workers(4).build()) {
 *     CompletableFuture<Integer> answer = pool.submit(() -> 6 * 7);
 *     System.out.println(answer.get());
 * }
 * }</pre>
 *
 * <p>Tasks must be serializable: declare lambdas as {@link SerializableCallable}
 * or {@link SerializableRunnable} (the {@code submit} overloads for them are
 * picked automatically for a lambda argument). A plain non-serializable task is
 * rejected at submission with {@link IllegalArgumentException}. A task's value
 * comes back as it was serialized; its exception comes back as itself (type,
 * message, stack trace, causes) inside an {@link ExecutionException}. A worker
 * runs one task at a time, on either of two threads of its own (the one that
 * read it from the channel): a task must not count on finding what the
 * initializer or an earlier task left in a {@code ThreadLocal}; what they
 * leave in a static field, it finds.
 *
 * <p>Every {@code submit} returns a {@link CompletableFuture}. Its queries
 * ({@code isDone}, {@code get}, {@code join}) see the task's outcome as soon
 * as the task ends, so once the pool has terminated the future of every task
 * that ran is done; those of the tasks {@link #shutdownNow()} handed back,
 * never started, stay not done, as {@link java.util.concurrent.ExecutorService}
 * has it.
 * Its dependent stages ({@code thenApply}, {@code whenComplete}, ...) never
 * run on a dispatcher: the future is completed, so dependents registered by
 * then are run, on a pool completion thread (a daemon thread of a cached pool
 * shared by all pools), where they may block without holding up the pool;
 * one registered after that runs, as for every {@code CompletableFuture}, on
 * the registering thread. Cancelling the
 * future cancels the task: a queued task never starts, and a running one,
 * with {@code mayInterruptIfRunning}, has its worker killed (the pool starts
 * another); without it the task runs to its end in the worker, unseen.
 * Completing the future yourself ({@code complete}, {@code orTimeout}, ...)
 * does not stop the task; only {@code cancel} does.
 *
 * <p>{@link #map(Iterable, SerializableFunction, MapOptions) map} and
 * {@link #imap(Iterable, SerializableFunction, MapOptions) imap} apply a
 * {@link SerializableFunction} to every element of an input of any length,
 * reading it only a bounded distance ahead of the consumer (see
 * {@link MapOptions}); the first failure comes out as a
 * {@link MapFailedException} naming its element.
 *
 * <p>Failures of a worker fail only the task it was running: the worker's
 * end arrives as a {@link WorkerCrashedException}, a task over
 * {@link Builder#taskTimeout} as a {@link TimeoutException} (the worker is
 * killed), both as the {@code ExecutionException}'s cause; then a new worker
 * takes over. A worker halts as soon as its channel to the pool closes (an
 * idle one at once, one in the middle of a task within 0.1 s), so
 * workers never outlive the pool, even a pool whose JVM was killed, with one
 * limit: a worker stopped by {@code SIGSTOP} when the pool's JVM is killed
 * outlives it, until continued, under the jdk and posix_spawn strategies
 * (so under {@link Spawner#create()} where it gives workers to posix_spawn),
 * which cannot ask the kernel to kill it, as fork_exec and zygote do.
 *
 * <p>Thread-safe (a map's iterator or stream is not: one thread consumes
 * it). Null policy: every method rejects a null task, collection, input,
 * function or options with {@link NullPointerException}, and no method returns null.
 * After {@link #shutdown()} or {@link #shutdownNow()} every submission is
 * refused with {@link java.util.concurrent.RejectedExecutionException}. The pool's threads: one
 * dispatcher per worker (see {@code Dispatcher}, which does the dispatching;
 * this class is the {@code ExecutorService} surface and its builder), output
 * forwarders when output is forwarded, and a timer when a timeout is set.
 */
public final class ProcessPool implements ExecutorService, AutoCloseable {
    private final Dispatcher dispatcher;

    private ProcessPool(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /**
     * A builder with the defaults: one worker per core, {@link Spawner#create()}, this JVM's java,
     * a class path derived from where the pool's classes were loaded, an allow-listed environment.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private <T> PoolTask<T> enqueue(PoolTask<T> task) {
        return dispatcher.enqueue(task);
    }

    /** Submits every task, or none: if one is refused, those already submitted are cancelled. */
    private <T> List<PoolTask<T>> enqueueAll(Collection<? extends Callable<T>> tasks) {
        List<PoolTask<T>> submitted = new ArrayList<>();
        try {
            for (Callable<T> t : tasks) {
                submitted.add(enqueue(PoolTask.of(t)));
            }
        } catch (RuntimeException e) {
            submitted.forEach(t -> t.cancel(true));
            throw e;
        }
        return submitted;
    }

    private <T> CompletableFuture<T> submitTask(PoolTask<T> task) {
        return TaskFuture.of(enqueue(task));
    }

    /**
     * Runs {@code task} in a worker; the lambda form picks this overload.
     *
     * @param <T> the task's result type
     * @param task the task; it and what it captures must be serializable
     * @return the task's future: its value as deserialized here, or an
     *         {@link ExecutionException} whose cause is the task's exception,
     *         a {@link WorkerCrashedException} or a {@link TimeoutException};
     *         see the class comment for where its dependent stages run and
     *         what cancelling it does
     * @throws NullPointerException if {@code task} is null
     * @throws java.util.concurrent.RejectedExecutionException if the pool is shut down
     */
    public <T> CompletableFuture<T> submit(SerializableCallable<T> task) {
        return submitTask(PoolTask.of(task));
    }

    /**
     * Runs {@code task} in a worker; the lambda form picks this overload.
     *
     * @param task the task; it and what it captures must be serializable
     * @return the task's future, whose value is null; failures, dependent
     *         stages and cancelling as for {@link #submit(SerializableCallable)}
     * @throws NullPointerException if {@code task} is null
     * @throws java.util.concurrent.RejectedExecutionException if the pool is shut down
     */
    public CompletableFuture<Void> submit(SerializableRunnable task) {
        return submitTask(PoolTask.of(task, null));
    }

    /**
     * {@inheritDoc} The future is as for {@link #submit(SerializableCallable)}.
     *
     * @throws IllegalArgumentException if {@code task} is not {@link java.io.Serializable}
     */
    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        return submitTask(PoolTask.of(task));
    }

    /**
     * {@inheritDoc} The future, whose value is null, is as for {@link #submit(SerializableCallable)}.
     *
     * @throws IllegalArgumentException if {@code task} is not {@link java.io.Serializable}
     */
    @Override
    public CompletableFuture<Void> submit(Runnable task) {
        return submitTask(PoolTask.of(task, null));
    }

    /**
     * {@inheritDoc} The future, whose value is {@code result}, is as for {@link #submit(SerializableCallable)}.
     *
     * @throws IllegalArgumentException if {@code task} is not {@link java.io.Serializable}
     */
    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        return submitTask(PoolTask.of(task, result));
    }

    /** @throws IllegalArgumentException if {@code command} is not {@link java.io.Serializable} */
    @Override
    public void execute(Runnable command) {
        enqueue(PoolTask.of(command, null)); // nobody sees its future: no completion hand-over
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        List<Future<T>> futures = new ArrayList<>(enqueueAll(tasks));
        for (Future<T> f : futures) {
            try {
                f.get();
            } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
                // each future reports its own outcome
            }
        }
        return futures;
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<Future<T>> futures = new ArrayList<>(enqueueAll(tasks));
        for (Future<T> f : futures) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
                // each future reports its own outcome
            } catch (TimeoutException e) {
                futures.forEach(x -> x.cancel(true));
                break;
            }
        }
        return futures;
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot happen without a deadline", e);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("no tasks");
        }
        BlockingQueue<PoolTask<T>> done = new LinkedBlockingQueue<>();
        List<PoolTask<T>> submitted = enqueueAll(tasks);
        submitted.forEach(task -> task.completion().whenComplete((v, e) -> done.add(task)));
        long deadline = unit.toNanos(timeout) == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + unit.toNanos(timeout);
        ExecutionException last = null;
        try {
            for (int i = 0; i < submitted.size(); i++) {
                PoolTask<T> first = deadline == Long.MAX_VALUE ? done.take()
                        : done.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (first == null) {
                    throw new TimeoutException("no task finished in time");
                }
                try {
                    return first.get();
                } catch (ExecutionException e) {
                    last = e;
                } catch (java.util.concurrent.CancellationException e) {
                    last = new ExecutionException(e);
                }
            }
            throw last;
        } finally {
            submitted.forEach(t -> t.cancel(true));
        }
    }

    /**
     * Applies {@code fn} to each element of {@code input} in the workers,
     * lazily: Python's {@code imap} (or {@code imap_unordered} with
     * {@link MapOptions#unordered()}). Nothing is read or submitted until the
     * first {@code hasNext()}; then the input is read on the iterating thread,
     * at most {@link MapOptions#prefetch(int) prefetch} tasks of
     * {@link MapOptions#chunkSize(int) chunkSize} elements ahead of what has
     * been consumed, so an input of any length, infinite too, is mapped in
     * bounded memory. See {@link MapIterator} for failures and closing.
     *
     * @param <T> the element type; elements must be serializable
     * @param <R> the result type; results must be serializable
     * @param input the elements; its iterator is taken at once and used
     *        from the iterating thread only
     * @param fn the function; it and what it captures must be serializable
     * @param options order, chunk size and prefetch
     * @return the results, in input order if the options say so, else as tasks finish
     * @throws NullPointerException if an argument is null
     */
    public <T, R> MapIterator<R> imap(Iterable<? extends T> input, SerializableFunction<? super T, ? extends R> fn,
                                      MapOptions options) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(options, "options");
        return Mapping.<T, R>over(dispatcher, input.iterator(), fn, options, dispatcher.workers(), () -> { });
    }

    /**
     * {@link #imap(Iterable, SerializableFunction, MapOptions)} with
     * {@link MapOptions#ordered()}: results in input order, one element per task.
     *
     * @param <T> the element type; elements must be serializable
     * @param <R> the result type; results must be serializable
     * @param input the elements
     * @param fn the function; it and what it captures must be serializable
     * @return the results, in input order
     * @throws NullPointerException if an argument is null
     */
    public <T, R> MapIterator<R> imap(Iterable<? extends T> input, SerializableFunction<? super T, ? extends R> fn) {
        return imap(input, fn, MapOptions.ordered());
    }

    /**
     * {@link #imap(Iterable, SerializableFunction, MapOptions)} as a
     * sequential {@link Stream}: lazy in the same way, and {@link Stream#close()}
     * (a try-with-resources on the stream) closes the map, so stops reading the
     * input and cancels what is in flight. A terminal operation that ends early
     * ({@code findFirst}, {@code limit}) stops reading too, but leaves the
     * tasks already submitted running until the stream is closed.
     *
     * @param <T> the element type; elements must be serializable
     * @param <R> the result type; results must be serializable
     * @param input the elements
     * @param fn the function; it and what it captures must be serializable
     * @param options order, chunk size and prefetch
     * @return the results; close it
     * @throws NullPointerException if an argument is null
     */
    public <T, R> Stream<R> map(Iterable<? extends T> input, SerializableFunction<? super T, ? extends R> fn,
                                MapOptions options) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(options, "options");
        return Mapping.<T, R>over(dispatcher, input.iterator(), fn, options, dispatcher.workers(), () -> { }).stream();
    }

    /**
     * {@link #map(Iterable, SerializableFunction, MapOptions)} with {@link MapOptions#ordered()}.
     *
     * @param <T> the element type; elements must be serializable
     * @param <R> the result type; results must be serializable
     * @param input the elements
     * @param fn the function; it and what it captures must be serializable
     * @return the results, in input order; close it
     * @throws NullPointerException if an argument is null
     */
    public <T, R> Stream<R> map(Iterable<? extends T> input, SerializableFunction<? super T, ? extends R> fn) {
        return map(input, fn, MapOptions.ordered());
    }

    /**
     * {@link #map(Iterable, SerializableFunction, MapOptions)} over a stream,
     * read through its iterator (so as lazily as that is); closing the
     * results closes {@code input} too.
     *
     * @param <T> the element type; elements must be serializable
     * @param <R> the result type; results must be serializable
     * @param input the elements; consumed by this map
     * @param fn the function; it and what it captures must be serializable
     * @param options order, chunk size and prefetch
     * @return the results; close it
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if {@code input} was already operated upon or closed
     */
    public <T, R> Stream<R> map(Stream<? extends T> input, SerializableFunction<? super T, ? extends R> fn,
                                MapOptions options) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(options, "options");
        return Mapping.<T, R>over(dispatcher, input.iterator(), fn, options, dispatcher.workers(), input::close).stream();
    }

    /**
     * {@link #map(Stream, SerializableFunction, MapOptions)} with {@link MapOptions#ordered()}.
     *
     * @param <T> the element type; elements must be serializable
     * @param <R> the result type; results must be serializable
     * @param input the elements; consumed by this map
     * @param fn the function; it and what it captures must be serializable
     * @return the results, in input order; close it
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if {@code input} was already operated upon or closed
     */
    public <T, R> Stream<R> map(Stream<? extends T> input, SerializableFunction<? super T, ? extends R> fn) {
        return map(input, fn, MapOptions.ordered());
    }

    /** Starts no new task; queued ones still run, then the workers exit. Idempotent. */
    @Override
    public void shutdown() {
        dispatcher.shutdown();
    }

    /**
     * Kills every worker (their tasks fail) and returns the tasks that had not
     * started, including any a dispatcher had taken while its worker started.
     */
    @Override
    public List<Runnable> shutdownNow() {
        return dispatcher.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return dispatcher.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return dispatcher.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return dispatcher.awaitTermination(timeout, unit);
    }

    /**
     * Waits until the pool's standby workers are all ready, or one failed to start (tests).
     *
     * @return why the last start failed, or null
     */
    Exception awaitStandby() throws InterruptedException {
        return dispatcher.standby().awaitReady();
    }

    /** {@link #shutdown()}, then waits for every task and worker to finish. */
    @Override
    public void close() {
        shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                dispatcher.awaitTermination();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Where workers' stdout and stderr go. Immutable and thread-safe; the
     * factories never return null, and {@link #toFile(Path)} rejects a null
     * file with {@link NullPointerException}.
     */
    public static final class Output {
        private final Redirect redirect;
        private final boolean forwards;

        private Output(Redirect redirect, boolean forwards) {
            this.redirect = redirect;
            this.forwards = forwards;
        }

        /**
         * To this JVM's {@code System.out} and {@code System.err}, each line prefixed with the worker's name.
         *
         * @return the forwarding setting (the default)
         */
        public static Output forward() {
            return new Output(Redirect.PIPE, true);
        }

        /**
         * Nowhere: both streams go to {@code /dev/null}.
         *
         * @return the discarding setting
         */
        public static Output discard() {
            return new Output(Redirect.DISCARD, false);
        }

        /**
         * Appended to {@code file}, both streams.
         *
         * @param file the file; opened (created if needed) each time a worker
         *        starts, and a worker that cannot open it fails the task it was
         *        started for
         * @return a setting naming {@code file}
         * @throws NullPointerException if {@code file} is null
         */
        public static Output toFile(Path file) {
            return new Output(Redirect.appendTo(file), false);
        }

        Redirect redirect() {
            return redirect;
        }

        boolean forwards() {
            return forwards;
        }

        /** Equal settings send output to the same place (so share {@link Subprocess}'s standby workers). */
        @Override
        public boolean equals(Object o) {
            return o instanceof Output other && other.forwards == forwards && other.redirect.equals(redirect);
        }

        @Override
        public int hashCode() {
            return redirect.hashCode() * 31 + Boolean.hashCode(forwards);
        }
    }

    /**
     * Settings for a {@link ProcessPool}. Not thread-safe. Every setter rejects
     * null with {@link NullPointerException} and a value out of range with
     * {@link IllegalArgumentException}, at once.
     */
    public static final class Builder {
        private int workers = Runtime.getRuntime().availableProcessors();
        private Spawner spawner;
        private Path javaHome = Path.of(System.getProperty("java.home"));
        private String classpath; // null: derived when the pool is built
        private List<String> jvmOptions = List.of();
        private List<String> inheritedPrefixes = List.of();
        private Path directory;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private WorkerEnvironment.Base inherited = WorkerEnvironment.Base.ALLOW_LIST;
        private int maxTasksPerWorker;
        private Duration taskTimeout;
        private Output output = Output.forward();
        private String serialFilter;
        private boolean prestart;
        private SerializableRunnable initializer;
        private int standby;
        private boolean classDataSharing = true;
        private Path cdsCache; // null: WorkerCds.defaultCache()

        private Builder() {
        }

        /**
         * How many worker JVMs run at once.
         *
         * @param count the number of workers, at least 1; default the number of processors
         * @return this builder
         * @throws IllegalArgumentException if {@code count} is less than 1
         */
        public Builder workers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("workers: " + count + " is less than 1");
            }
            this.workers = count;
            return this;
        }

        /**
         * The spawner that starts workers; the pool does not close it.
         * Default: its own {@link Spawner#create()}, closed when the pool has terminated.
         *
         * @param spawner the spawner; it must stay open while the pool runs
         * @return this builder
         * @throws NullPointerException if {@code spawner} is null
         */
        public Builder spawner(Spawner spawner) {
            this.spawner = Objects.requireNonNull(spawner, "spawner");
            return this;
        }

        /**
         * The JDK whose {@code bin/java} runs workers; default this JVM's.
         *
         * @param javaHome the JDK's home directory; not checked until a worker starts
         * @return this builder
         * @throws NullPointerException if {@code javaHome} is null
         */
        public Builder javaHome(Path javaHome) {
            this.javaHome = Objects.requireNonNull(javaHome, "javaHome");
            return this;
        }

        /**
         * The workers' class path, instead of the derived launch. It must hold
         * safespawn-core and the tasks' classes; workers then run everything in
         * the unnamed module, whatever the modules of this JVM.
         *
         * <p>Default: derived when the pool is built from where the classes
         * were loaded, not only from {@code java.class.path} (which, under a
         * launcher with its own class loaders such as {@code mvn exec:java},
         * or for an application on the module path, lacks safespawn-core).
         * When safespawn-core is a named module of this JVM's boot layer (a
         * modular application), workers start on the module path with the
         * same module graph: this JVM's module path and upgrade module path,
         * its {@code --patch-module} and {@code --limit-modules}, and every
         * module of its boot layer as a root module, so a task's class runs in
         * its own named module, with its {@code module-info} services;
         * {@code --add-opens}, {@code --add-exports} and {@code --add-reads}
         * are carried only on request, with
         * {@link #inheritJvmOptions(String...)}, and native access as
         * {@link #jvmOptions(String...)} says. Otherwise the class path is the
         * jar or directory safespawn-core was loaded from, then this JVM's
         * class path, then its module path (its modules run in a worker as
         * plain jars), then the jars and directories of the building thread's
         * context class loader (through which {@code mvn exec:java} loads the
         * application). Either way the {@link #initializer initializer's} jar or
         * directory is added if it is not in a named module. Task classes
         * loaded from anywhere else (a class loader of their own) are not
         * found by workers: such a task fails at once with a
         * {@link ClassNotFoundException} naming its class (the worker stays
         * usable), and this setting is the fix.
         *
         * @param classpath the class path, in the {@code -cp} syntax; it replaces the derived launch
         * @return this builder
         * @throws NullPointerException if {@code classpath} is null
         */
        public Builder classpath(String classpath) {
            this.classpath = Objects.requireNonNull(classpath, "classpath");
            return this;
        }

        /**
         * Extra JVM options for workers, after the pool's own ({@code -XX:+ExitOnOutOfMemoryError} and start-up tuning).
         *
         * <p>Among the pool's own options is this JVM's native access: a
         * worker runs this JVM's code, so it is given
         * {@code --enable-native-access} for the modules that have it here
         * ({@code ALL-UNNAMED} for code on the class path, and by name the
         * module path's modules of a modular application), however this JVM
         * got it: command line, {@code JDK_JAVA_OPTIONS}, or an
         * {@code Enable-Native-Access} manifest attribute. From JDK 24 that
         * keeps a task that loads native code (a native strategy's JNA) from
         * printing the JDK's restricted-method warning in every worker, or
         * failing under {@code --illegal-native-access=deny}. A worker never
         * gets more than this JVM has: none if it has none, and on JDK 17 to
         * 20, which cannot tell, just the {@code --enable-native-access}
         * options it was started with. Under the JDK's default
         * {@code --illegal-native-access=warn} a module warned about once
         * counts as having it, so workers of a pool built after that warning
         * get it too, which spares them the same warning and allows nothing
         * they could not do anyway. An {@code --enable-native-access} given
         * here adds to it.
         *
         * @param options the options, copied; they replace those of an earlier call
         * @return this builder
         * @throws NullPointerException if {@code options} or any element is null
         */
        public Builder jvmOptions(String... options) {
            this.jvmOptions = List.of(options);
            return this;
        }

        /**
         * Carries this JVM's own start-up options that start with one of
         * {@code prefixes} over to workers, such as
         * {@code inheritJvmOptions("-D", "--add-opens", "-javaagent:")}. The
         * options are those the JVM reports as its input arguments, so those
         * from {@code JAVA_TOOL_OPTIONS} and {@code JDK_JAVA_OPTIONS} too; an
         * option written as two words ({@code --add-opens m/p=ALL-UNNAMED}) is
         * seen as one ({@code --add-opens=m/p=ALL-UNNAMED}), so a prefix
         * matches either way. They come before {@link #jvmOptions(String...)},
         * which therefore win. Never carried, whatever the prefixes: a
         * debugger agent ({@code -agentlib:jdwp}, whose port this JVM holds,
         * so a worker would fail to start or wait for a debugger), the
         * class-data-sharing options ({@code -Xshare:},
         * {@code -XX:SharedArchiveFile}, {@code -XX:ArchiveClassesAtExit} ...,
         * the pool sets its own), and the class path, module path and
         * {@code -Djdk.module.*} properties, which the workers' launch sets
         * itself (see {@link #classpath(String)}). Default: none.
         *
         * @param prefixes the prefixes, copied; they replace those of an
         *        earlier call, and none carries nothing; {@code "-"} carries
         *        every option
         * @return this builder
         * @throws NullPointerException if {@code prefixes} or any element is null
         * @throws IllegalArgumentException if a prefix is empty
         */
        public Builder inheritJvmOptions(String... prefixes) {
            List<String> copy = List.of(prefixes);
            if (copy.contains("")) {
                throw new IllegalArgumentException("inheritJvmOptions: an empty prefix; \"-\" carries every option");
            }
            this.inheritedPrefixes = copy;
            return this;
        }

        /**
         * The workers' working directory; default this JVM's.
         *
         * @param directory the directory; not checked until a worker starts
         * @return this builder
         * @throws NullPointerException if {@code directory} is null
         */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets one environment variable for workers, on top of what they
         * inherit (see {@link #inheritEnv()}) and replacing an inherited value.
         *
         * @param name the variable's name; one the operating system cannot
         *        carry makes every worker start fail, so every task fail
         * @param value the value
         * @return this builder
         * @throws NullPointerException if {@code name} or {@code value} is null
         */
        public Builder env(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Replaces the workers' whole environment with {@code variables}:
         * they get exactly these, nothing inherited and none set by earlier
         * calls ({@link #clearEnv()} and then {@link #env(String, String)} for
         * each). Later {@code env} calls add to it. (Named apart from
         * {@link dev.safespawn.Command.Builder#env(Map)}, which adds.)
         *
         * @param variables the environment, copied
         * @return this builder
         * @throws NullPointerException if {@code variables}, a name or a value
         *         is null; the builder is then unchanged
         */
        public Builder replaceEnv(Map<String, String> variables) {
            Objects.requireNonNull(variables, "variables");
            Map<String, String> checked = new LinkedHashMap<>();
            variables.forEach((name, value) -> checked.put(Objects.requireNonNull(name, "env name"),
                    Objects.requireNonNull(value, () -> "env value of " + name)));
            clearEnv();
            environment.putAll(checked);
            return this;
        }

        /**
         * Starts the workers' environment empty: they inherit nothing, and
         * variables set by earlier calls are removed; later
         * {@link #env(String, String)} calls add to it. A worker JVM needs no
         * variable to start (it is run by its full path, with its class path
         * on the command line), so none is kept. Without {@code LANG} or
         * {@code LC_*} it runs in the POSIX locale, where file names outside
         * ASCII cannot be read or written, and without {@code PATH} a task
         * cannot start a program by its bare name: set those if the tasks
         * need them.
         *
         * @return this builder
         */
        public Builder clearEnv() {
            inherited = WorkerEnvironment.Base.NONE;
            environment.clear();
            return this;
        }

        /**
         * Lets workers inherit all of this JVM's environment, as the JVM's
         * own child processes do, secrets included. Variables set with
         * {@link #env(String, String)}, before or after, still win.
         *
         * <p>The default is safer: a worker inherits only {@code PATH},
         * {@code HOME}, {@code USER}, {@code LOGNAME}, {@code LANG},
         * {@code LANGUAGE}, {@code LC_*}, {@code TZ} and {@code TMPDIR}, what
         * code needs to find programs and files and to handle text as this
         * JVM does; so tokens, passwords and keys in this JVM's environment
         * stay out of the tasks' reach. {@code JAVA_TOOL_OPTIONS} and
         * {@code JDK_JAVA_OPTIONS} are not inherited either, as they would
         * apply this JVM's agents or debugger to every worker: use
         * {@link #jvmOptions(String...)}. To pass one more variable, set it:
         * {@code env("NAME", System.getenv("NAME"))}.
         *
         * @return this builder
         */
        public Builder inheritEnv() {
            inherited = WorkerEnvironment.Base.ALL;
            return this;
        }

        /**
         * Retires a worker after this many tasks and starts a fresh one.
         *
         * @param tasks the number of tasks, 0 or more; 0 (the default) never retires a worker
         * @return this builder
         * @throws IllegalArgumentException if {@code tasks} is negative
         */
        public Builder maxTasksPerWorker(int tasks) {
            if (tasks < 0) {
                throw new IllegalArgumentException("maxTasksPerWorker: " + tasks + " is negative");
            }
            this.maxTasksPerWorker = tasks;
            return this;
        }

        /**
         * Kills a worker whose task runs longer than this; the task fails with a {@link TimeoutException} cause.
         * The time counts from when the task is handed to a worker that has
         * finished starting, so neither queueing nor JVM start-up counts.
         * Default: no limit.
         *
         * @param timeout the longest a task may run; positive
         * @return this builder
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder taskTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("taskTimeout: " + timeout + " is not positive");
            }
            this.taskTimeout = timeout;
            return this;
        }

        /**
         * Where workers' output goes; default {@link Output#forward()}.
         *
         * @param output the setting
         * @return this builder
         * @throws NullPointerException if {@code output} is null
         */
        public Builder output(Output output) {
            this.output = Objects.requireNonNull(output, "output");
            return this;
        }

        /**
         * Tightens what both sides deserialize to an allow-list, in
         * {@link java.io.ObjectInputFilter.Config#createFilter} syntax (for
         * example {@code "java.base/*;com.example.tasks.*"}): classes it does not
         * allow are rejected. The built-in bounds on depth, arrays, references and
         * bytes always apply.
         *
         * @param pattern the filter pattern
         * @return this builder
         * @throws NullPointerException if {@code pattern} is null
         * @throws IllegalArgumentException if {@code pattern} is malformed
         */
        public Builder serialFilter(String pattern) {
            java.io.ObjectInputFilter.Config.createFilter(pattern); // rejects a malformed pattern now
            this.serialFilter = pattern;
            return this;
        }

        /**
         * Starts every worker when the pool is built, not on first use. A
         * worker that fails to start then is retried, and reported, by the
         * first task it is given.
         *
         * @return this builder
         */
        public Builder prestart() {
            this.prestart = true;
            return this;
        }

        /**
         * Runs {@code initializer} once in each worker, after its JVM starts and
         * before it takes a task (Python's {@code initializer=}): to load a
         * native library, warm a cache, set a worker-wide default. Per-worker
         * state is a static field: each worker is a JVM of its own, so what
         * the initializer stores in one is that worker's, and every task the
         * worker runs reads it there (a connection, a loaded model), as a
         * Python initializer sets a global. If it
         * throws, the pool is broken (see {@link WorkerInitializerException}):
         * it fails the tasks not yet begun and refuses new ones, rather than
         * start worker after worker. Default: none.
         *
         * @param initializer the code; it and what it captures must be serializable
         * @return this builder
         * @throws NullPointerException if {@code initializer} is null
         * @throws IllegalArgumentException if it cannot be serialized
         */
        public Builder initializer(SerializableRunnable initializer) {
            Objects.requireNonNull(initializer, "initializer");
            try {
                Frames.encode(initializer, false); // what it captures is checked now, not in every worker
            } catch (java.io.IOException | RuntimeException e) {
                throw new IllegalArgumentException("initializer: cannot be serialized: " + e, e);
            }
            this.initializer = initializer;
            return this;
        }

        /**
         * Keeps this many worker JVMs started ahead of need, beyond the
         * {@link #workers(int) workers} running tasks, and replaces each one
         * taken in the background (default 0: none): once the first task it
         * was taken for has ended (and it retired, if that was its last), or
         * 5 s after it was taken if that comes first, so a JVM booting does
         * not compete for the CPUs with that task. A worker that retires
         * ({@link #maxTasksPerWorker}), crashes or is killed is then replaced
         * by one that is already up, so the task waiting for it does not pay
         * for a JVM start. With {@link Subprocess#call(SerializableCallable,
         * Builder)}, the process-wide launcher keeps them for these settings
         * (for the few settings used last); a spawner of your own named in
         * them must then stay open as long as calls use it.
         *
         * <p>A standby worker is a fresh process in every way a task can see:
         * it has run the {@link #initializer initializer} and no task. Before
         * greeting, it ran its own task path once on a task of its own (no
         * user code), so the JDK code that deserializes a task and serializes
         * a result is loaded when the first real task comes. Each costs what
         * an idle JVM costs (tens of MB). One that fails to start is not
         * retried until one is next needed; the task that needed it starts
         * its own worker, and reports the failure.
         *
         * @param count how many, 0 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code count} is negative
         */
        public Builder standby(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("standby: " + count + " is negative");
            }
            this.standby = count;
            return this;
        }

        /**
         * Whether workers boot from a class-data sharing (CDS) archive of the
         * classes a worker loads on its way to running a task; default
         * {@code true}. It saves part of each worker JVM's start-up (on one
         * machine, building a one-worker pool, running one task and closing
         * it took 5 to 15 % less time on JDK 17 and 25, and the worker about
         * 10 % less processor time), which counts for a pool that starts
         * workers often ({@link #maxTasksPerWorker}, short-lived pools).
         *
         * <p>The first pool of a configuration (JDK, class path, JVM options)
         * starts one training JVM in the background, which writes a dynamic
         * archive; workers started before it is ready boot without one, later
         * ones, in this JVM or any other of this user's, map it. The training
         * (about a second) ends with this JVM if this JVM ends first, leaving
         * nothing behind, and the next program tries again. The archive
         * goes to {@code $XDG_CACHE_HOME/safespawn/cds}, else
         * {@code ~/.cache/safespawn/cds}, created readable by its owner alone;
         * its name stands for the JDK, each class path jar's size and
         * modification time and the JVM options, so a changed jar or option
         * makes a new archive, and the oldest archives beyond a few are
         * deleted. An archive is installed only once a JVM has mapped it
         * with {@code -Xshare:on}.
         *
         * <p>Workers run without CDS, silently, when: this is {@code false};
         * they run on the module path (a modular application's workers); a
         * class path entry is a directory, a wildcard or missing (the JDK
         * archives only from jars, so class paths of unpacked classes, as in
         * a build's tests, get none); the JDK is older than 13 or has no
         * {@code release} file; {@link #jvmOptions} hold CDS options of their
         * own ({@code -XX:SharedArchiveFile}, {@code -Xshare:off},
         * {@code -XX:AOTCache} and the like); the cache directory or the
         * archive is a symbolic link, not owned by this user or writable by
         * group or others; or the training failed once in this JVM. With an
         * archive, a worker's JVM warnings go to its stderr, never to its
         * stdout, which may be its task channel.
         *
         * @param enabled {@code false} to start workers without an archive and train none
         * @return this builder
         */
        public Builder classDataSharing(boolean enabled) {
            this.classDataSharing = enabled;
            return this;
        }

        /** Where CDS archives go instead of the default; for tests. */
        Builder cdsCache(Path directory) {
            this.cdsCache = Objects.requireNonNull(directory, "cdsCache");
            return this;
        }

        /** An independent copy of these settings. */
        Builder copy() {
            Builder b = new Builder();
            b.workers = workers;
            b.spawner = spawner;
            b.javaHome = javaHome;
            b.classpath = classpath;
            b.jvmOptions = jvmOptions;
            b.inheritedPrefixes = inheritedPrefixes;
            b.directory = directory;
            b.environment.putAll(environment);
            b.inherited = inherited;
            b.maxTasksPerWorker = maxTasksPerWorker;
            b.taskTimeout = taskTimeout;
            b.output = output;
            b.serialFilter = serialFilter;
            b.prestart = prestart;
            b.initializer = initializer;
            b.standby = standby;
            b.classDataSharing = classDataSharing;
            b.cdsCache = cdsCache;
            return b;
        }

        /**
         * The pool; its dispatcher threads start now. The builder may be
         * changed and used again afterwards without affecting the pool.
         *
         * @return a new running pool, never null; the caller shuts it down or closes it
         * @throws IllegalStateException if no spawner was set and no spawn
         *         strategy is available (from {@link Spawner#create()}), or if
         *         no class path was set and neither a class path nor a module
         *         path can be derived (safespawn-core was not loaded from a jar,
         *         a directory or a runtime image): the message says to call
         *         {@link #classpath(String)}
         * @throws IllegalArgumentException if no spawner was set and the
         *         {@code safespawn.strategy} property names no known strategy
         * @throws java.io.UncheckedIOException if no spawner was set and the
         *         strategy fails to start
         */
        public ProcessPool build() {
            PoolConfig config = config();
            Dispatcher dispatcher = spawner != null ? Dispatcher.start(config, spawner, false)
                    : Dispatcher.start(config, Spawner.create(), true);
            return new ProcessPool(dispatcher);
        }

        /**
         * A pool of one worker for one task, as {@link Subprocess} runs it:
         * unless these settings name a spawner, it uses the process-wide
         * launcher's, and it takes its worker from the launcher's standby
         * workers for these settings if they keep any.
         */
        ProcessPool buildForOneTask() {
            PoolConfig config = oneTaskConfig();
            Spawner s = oneTaskSpawner();
            return new ProcessPool(Dispatcher.start(config, s, Launcher.standbyFor(config, s)));
        }

        /** The launcher's standby workers for these settings, started now if they were not; null if they keep none. */
        Standby oneTaskStandby() {
            return Launcher.standbyFor(oneTaskConfig(), oneTaskSpawner());
        }

        private PoolConfig oneTaskConfig() {
            return copy().workers(1).maxTasksPerWorker(1).config();
        }

        private Spawner oneTaskSpawner() {
            return spawner != null ? spawner : Launcher.sharedSpawner();
        }

        /** The settings as the pool's parts take them. */
        PoolConfig config() {
            List<String> options = new ArrayList<>(List.of(
                    "-XX:+ExitOnOutOfMemoryError", // an OOM kills the worker, not just the task's thread
                    // the JVM's own messages (its "Terminating due to java.lang.OutOfMemoryError") go to
                    // stderr: stdout may be the task channel, where they would break the frame being read
                    "-XX:+DisplayVMOutputToStderr",
                    "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto"));
            WorkerLaunch launch = classpath != null ? WorkerLaunch.classPath(classpath)
                    : WorkerLaunch.derive(initializer == null ? List.of() : List.of(initializer.getClass()));
            options.addAll(NativeAccess.forWorkers(launch));
            if (!inheritedPrefixes.isEmpty()) {
                options.addAll(JvmOptions.inherited(JvmOptions.ofThisJvm(), inheritedPrefixes, launch));
            }
            options.addAll(jvmOptions);
            return new PoolConfig(workers, javaHome.resolve("bin").resolve("java"), launch,
                    List.copyOf(options), Optional.ofNullable(directory),
                    WorkerEnvironment.derive(inherited, System.getenv(), environment),
                    maxTasksPerWorker, Optional.ofNullable(taskTimeout), output, serialFilter, prestart,
                    initializer, standby,
                    !classDataSharing ? null : cdsCache != null ? cdsCache : WorkerCds.defaultCache());
        }
    }
}
