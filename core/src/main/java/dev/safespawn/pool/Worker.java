package dev.safespawn.pool;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One worker JVM, seen from the pool: started through the pool's spawner,
 * fed one task at a time on its channel. Not thread-safe: one dispatcher
 * thread owns it, except {@link #kill()}, which any thread may call.
 */
final class Worker {
    /** Child descriptors of the channel when the strategy can pass descriptors. */
    static final int TASKS_FD = 3;
    static final int RESULTS_FD = 4;
    /** How long a worker whose channel was closed has to halt before it is killed; it needs milliseconds. */
    static final long RETIRE_GRACE_MILLIS = 2_000;

    private final String name;
    private final ChildProcess process;
    private final OutputStream tasks;
    private final InputStream results;
    private final ObjectInputFilter filter;
    private final List<Thread> forwarders;
    private final boolean jdkByName;
    private int tasksRun;

    private Worker(String name, ChildProcess process, OutputStream tasks, InputStream results,
                   ObjectInputFilter filter, List<Thread> forwarders, boolean jdkByName) {
        this.name = name;
        this.jdkByName = jdkByName;
        this.process = process;
        this.tasks = tasks;
        this.results = results;
        this.filter = filter;
        this.forwarders = forwarders;
    }

    /**
     * The command, killed with the parent JVM if the strategy it goes to
     * anyway can do that. Belt and braces only (the worker also halts when
     * its channel closes), so it must not send the worker to a costlier
     * strategy, as asking a routing spawner for it would.
     */
    private static Command withDeathIfFree(Spawner spawner, Command.Builder command) {
        Command plain = command.build();
        Command bound = command.killOnParentDeath().build();
        Optional<String> where = spawner.strategyFor(bound);
        return where.isPresent() && where.equals(spawner.strategyFor(plain)) ? bound : plain;
    }

    /**
     * Starts a worker and waits for its greeting.
     *
     * @param warmUp whether it first runs its task path once on a task of its
     *        own (for a standby worker, which has time for it before a task comes)
     * @param spawned told of the worker as soon as its process exists, before
     *        the wait for its greeting, so it can be killed if it never greets
     * @throws IOException if it could not be started or did not greet
     * @throws WorkerInitializerException if the pool's initializer threw in it (it is gone by then)
     */
    static Worker start(PoolConfig config, Spawner spawner, String name, boolean warmUp,
                        java.util.function.Consumer<Worker> spawned) throws IOException, WorkerInitializerException {
        boolean fds = spawner.features().contains(Feature.PASS_FD);
        boolean jdkByName = config.workersRunThisJava();
        Command.Builder command = Command.builder(config.javaExecutable().toString())
                .args(WorkerCds.options(config)) // first, so the user's own -Xlog options still apply
                .args(config.jvmOptions())
                .args(config.launch().arguments())
                .args(fds ? "fds" : "stdio",
                        config.serialFilter() == null ? "-" : config.serialFilter(),
                        config.initializer() == null ? "-" : "init", warmUp ? "warm" : "-",
                        jdkByName ? WorkerMain.JDK_BY_NAME : "-");
        config.directory().ifPresent(command::directory);
        command.clearEnv().env(config.environment()); // the complete environment, derived by the builder
        if (fds) {
            command.pipeToChild(TASKS_FD).pipeFromChild(RESULTS_FD).stdin(Redirect.DISCARD);
        }
        command.stdout(fds ? config.output().redirect() : Redirect.PIPE);
        command.stderr(config.output().redirect());
        ChildProcess p = spawner.spawn(withDeathIfFree(spawner, command));
        OutputStream tasks = fds ? p.pipeTo(TASKS_FD) : p.getOutputStream();
        InputStream results = fds ? p.pipeFrom(RESULTS_FD) : p.getInputStream();
        List<Thread> forwarders = new ArrayList<>();
        if (config.output().forwards()) {
            if (fds) {
                forwarders.add(OutputForwarder.start(p.getInputStream(), System.out, name));
            }
            forwarders.add(OutputForwarder.start(p.getErrorStream(), System.err, name));
        }
        Worker worker = new Worker(name, p, new BufferedOutputStream(tasks), new BufferedInputStream(results),
                Frames.filter(config.serialFilter()), forwarders, jdkByName);
        spawned.accept(worker);
        if (config.initializer() != null) {
            worker.sendInitializer(config.initializer());
        }
        worker.awaitReady();
        return worker;
    }

    private void sendInitializer(SerializableRunnable initializer) throws IOException {
        byte[] encoded = Frames.encodeMessage(new Messages.Init(initializer), jdkByName); // checked when the pool was built
        try {
            Frames.send(tasks, encoded);
        } catch (IOException diedAtStart) {
            // awaitReady reports it, with the worker's exit status
        }
    }

    /** Waits for the worker JVM to say it is up; one that dies first is reported with its exit status. */
    private void awaitReady() throws IOException, WorkerInitializerException {
        Messages.Message greeting;
        try {
            greeting = Frames.read(results, filter);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw didNotStart(e);
        }
        if (greeting instanceof Messages.InitFailed failed) {
            kill();
            retire(); // reaped, its output forwarded to the end
            throw new WorkerInitializerException(name, failed.failure());
        }
        if (!(greeting instanceof Messages.Ready)) {
            throw didNotStart(new IOException(name + " sent something else than its greeting"));
        }
    }

    /** Kills and reaps a worker that did not greet; the exception says how it ended. */
    private IOException didNotStart(Exception e) throws IOException {
        kill();
        WorkerCrashedException crash = crashed();
        // Its last words (why it did not start) reach the output, and no
        // forwarder outlives the failure, so none outlives the pool either.
        try {
            joinForwarders();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return new IOException(name + " did not start (" + crash.exitStatus() + "); its stderr went to the"
                + " pool's output, and its class path or module path must hold safespawn-core", e);
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int tasksRun() {
        return tasksRun;
    }

    /** Whether this worker's channel describes JDK classes by name: see {@link Frames#encode(Object, boolean)}. */
    boolean jdkByName() {
        return jdkByName;
    }

    /**
     * Runs one task and returns its result message.
     *
     * @param task the task, already serialized (so one that cannot be fails before reaching the worker)
     * @throws WorkerCrashedException if the worker died, or broke the channel, first
     */
    Messages.Result run(Messages.Task task) throws WorkerCrashedException, IOException, ClassNotFoundException {
        byte[] encoded = Frames.encodeMessage(task, jdkByName); // only the id and the task's bytes: cannot fail
        tasksRun++;
        Messages.Message answer;
        try {
            Frames.send(tasks, encoded);
            answer = Frames.read(results, filter);
        } catch (java.io.InvalidClassException rejected) {
            throw rejected; // the filter refused the result; the frame was read whole, the channel is fine
        } catch (IOException channelBroken) {
            kill(); // a worker that broke the channel is of no further use
            throw crashed();
        }
        if (answer instanceof Messages.Result result) {
            return result;
        }
        kill();
        throw new java.io.StreamCorruptedException(name + " answered a task with " + answer);
    }

    private WorkerCrashedException crashed() throws IOException {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reaping " + name, e);
        }
        closeStreams();
        return new WorkerCrashedException(name + " (pid " + process.pid() + ")", process.exitStatus());
    }

    /**
     * Ends the worker politely: closing its channel makes it halt, at once
     * unless it cannot run (stopped, say), when it is killed after
     * {@link #RETIRE_GRACE_MILLIS}: the pool's close must not wait for it for ever.
     */
    void retire() {
        closeStreams();
        try {
            if (!process.waitFor(RETIRE_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                kill();
                process.waitFor();
            }
            joinForwarders();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the worker's output has been copied to its end (the forwarders stop at end of file). */
    private void joinForwarders() throws InterruptedException {
        for (Thread f : forwarders) {
            f.join();
        }
    }

    /** Ends the worker at once (SIGKILL); its task, if any, fails. */
    void kill() {
        process.destroyForcibly();
    }

    private void closeStreams() {
        try {
            tasks.close();
        } catch (IOException ignored) {
            // the worker is gone: nothing was waiting for these bytes
        }
        try {
            results.close();
        } catch (IOException ignored) {
            // as above
        }
    }
}
