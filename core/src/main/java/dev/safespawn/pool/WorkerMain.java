package dev.safespawn.pool;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.Callable;

/**
 * The main class of a pool worker JVM; not for direct use. Arguments: the
 * channel ({@code fds} — read tasks on descriptor 3, write results on 4 — or
 * {@code stdio}), the user's serial filter pattern ({@code -} for none),
 * {@code init} if an initializer comes first on the channel, {@code warm}
 * to run the task path once on a task of its own before greeting, and
 * {@value #JDK_BY_NAME} if the pool runs the same Java runtime, so results may
 * describe JDK classes by name ({@link JdkClassDescriptors}).
 *
 * <p>Two threads take turns reading the channel. The one that reads a task
 * gives up its turn, runs the task itself and, once it has sent the result,
 * takes the turn back if it is still free: with quick tasks one thread does
 * everything and no thread wakes another (on a virtual machine a wake-up
 * costs more than the rest of a trivial task's run). The other thread looks
 * for a free turn every {@value #TURN_CHECK_MILLIS} ms and takes it, so
 * during a long task the channel is read too: when the parent goes away (end
 * of file) the worker halts within that time, even in the middle of a task,
 * and at once between tasks. A worker never outlives its pool.
 *
 * <p>Public only because the worker JVM must be able to launch it; it is not
 * API, its arguments and protocol may change in any release, and running it
 * by hand is unsupported.
 */
public final class WorkerMain {
    /** The argument that says the pool runs the worker's own Java runtime. */
    static final String JDK_BY_NAME = "jdk";
    /** How often a thread without the reading turn looks whether it is free. */
    static final long TURN_CHECK_MILLIS = 100;

    private WorkerMain() {
    }

    /**
     * Runs the worker until its channel closes, then halts the JVM.
     *
     * @param args the channel ({@code fds} or {@code stdio}; anything else
     *        means {@code fds}; {@code train} and {@code cds} instead run
     *        the class-data sharing training, see {@code WorkerCds}) and the
     *        serial filter pattern ({@code -} or
     *        absent for none), then {@code init} if the first frame is the
     *        pool's initializer, then {@code warm} to warm up before greeting,
     *        then {@value #JDK_BY_NAME} if the pool runs this same Java runtime
     * @throws Exception if the channel cannot be opened or written; the
     *         worker then ends, and the pool reports a
     *         {@link WorkerCrashedException} for its task
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("train")) {
            WorkerTraining.run(); // returns, so the JVM exits normally and writes its CDS archive
            return;
        }
        if (args.length > 0 && args[0].equals("cds")) {
            System.exit(WorkerCds.install(java.util.List.of(args).subList(1, args.length)) ? 0 : 1);
        }
        boolean stdio = args.length > 0 && args[0].equals("stdio");
        ObjectInputFilter filter = Frames.filter(args.length > 1 && !args[1].equals("-") ? args[1] : null);
        InputStream in;
        OutputStream out;
        if (stdio) {
            in = new FileInputStream(FileDescriptor.in);
            out = new FileOutputStream(FileDescriptor.out);
            // stdout is the channel now: what tasks print goes to stderr, which
            // the pool forwards, and can never corrupt a frame.
            System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        } else {
            in = new FileInputStream("/proc/self/fd/3");
            out = new FileOutputStream("/proc/self/fd/4");
        }
        InputStream tasksIn = new BufferedInputStream(in);
        OutputStream resultsOut = new BufferedOutputStream(out);

        boolean jdkByName = args.length > 4 && args[4].equals(JDK_BY_NAME);
        if (args.length > 2 && args[2].equals("init")) {
            initialize(tasksIn, resultsOut, filter, jdkByName);
        }
        if (args.length > 3 && args[3].equals("warm")) {
            warmUp(filter, jdkByName);
        }
        // Said once the JVM is up, so the pool's task timeouts do not count its boot.
        Frames.send(resultsOut, Frames.encodeMessage(new Messages.Ready(), jdkByName));

        AtomicBoolean readingTurn = new AtomicBoolean(true); // true: free
        Runnable taking = () -> takeTurns(readingTurn, tasksIn, resultsOut, filter, jdkByName);
        Thread other = new Thread(taking, "safespawn-worker-channel");
        other.setDaemon(true);
        other.start();
        taking.run();
    }

    /**
     * One of the two threads: takes the reading turn when it is free (looking
     * again every {@link #TURN_CHECK_MILLIS} ms while it is not), reads a
     * task, frees the turn, runs the task and sends its result; for ever,
     * until the channel ends and the JVM halts. Nobody is woken when the turn
     * is freed: that is the point. The parent sends a task only after the
     * previous one's result, so one result is sent at a time.
     */
    private static void takeTurns(AtomicBoolean readingTurn, InputStream tasksIn, OutputStream resultsOut,
                                  ObjectInputFilter filter, boolean jdkByName) {
        try {
            while (true) {
                while (!readingTurn.compareAndSet(true, false)) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(TURN_CHECK_MILLIS));
                }
                Messages.Task task;
                try {
                    task = (Messages.Task) Frames.read(tasksIn, filter);
                } finally {
                    readingTurn.set(true);
                }
                Callable<?> callable = callable(task, filter); // one the serial filter rejects ends the worker
                Messages.Result result;
                try {
                    result = new Messages.Result(task.id(), callable.call(), null);
                } catch (Throwable t) {
                    result = new Messages.Result(task.id(), null, t);
                }
                send(resultsOut, result, jdkByName);
            }
        } catch (EOFException parentGone) {
            Runtime.getRuntime().halt(0);
        } catch (Throwable e) {
            System.err.println("safespawn worker: unreadable task channel: " + e);
            Runtime.getRuntime().halt(70);
        }
    }

    /**
     * Runs a task of the worker's own through the whole task path: framed,
     * read, its lambda deserialized (which defines the lambda's class, as a
     * task's would), called, its result framed. The JDK code all of that uses
     * is then loaded and linked before a standby worker's first real task,
     * which still loads its own classes (FINDINGS.md measures what that
     * leaves). No user code runs.
     */
    private static void warmUp(ObjectInputFilter filter, boolean jdkByName) throws Exception {
        SerializableCallable<Integer> probe = () -> 42;
        ByteArrayOutputStream channel = new ByteArrayOutputStream();
        Frames.send(channel, Frames.encodeMessage(Messages.Task.of(0, probe, jdkByName), jdkByName));
        Messages.Task task = (Messages.Task) Frames.read(new ByteArrayInputStream(channel.toByteArray()), filter);
        Object value = callable(task, filter).call();
        Frames.encodeMessage(new Messages.Result(task.id(), value, null), jdkByName);
    }

    /**
     * The task's callable; one whose classes this JVM cannot load becomes a
     * callable that fails with why, so the task fails at once and the worker
     * stays usable (the message was read whole: the channel is intact). A
     * class the serial filter rejects is not caught: that ends the worker.
     */
    private static Callable<?> callable(Messages.Task task, ObjectInputFilter filter) throws java.io.IOException {
        try {
            return (Callable<?>) Frames.decode(task.callable(), filter);
        } catch (ClassNotFoundException e) {
            ClassNotFoundException failure = new ClassNotFoundException("the task's class " + e.getMessage()
                    + " cannot be loaded in the worker (pid " + ProcessHandle.current().pid() + "): it is not on"
                    + " the worker's class path; add where it comes from with ProcessPool.Builder.classpath(...)", e);
            return () -> {
                throw failure;
            };
        } catch (LinkageError e) {
            // found but not loadable: a class it needs is missing, or it was built for a newer Java
            ClassNotFoundException failure = new ClassNotFoundException("the task's classes cannot be loaded"
                    + " in the worker (pid " + ProcessHandle.current().pid() + "): " + e, e);
            return () -> {
                throw failure;
            };
        }
    }

    /**
     * Runs the pool's initializer before the greeting, so no task reaches a
     * worker that is not initialized; if it throws, says so instead of
     * greeting and halts, since this worker can never run a task.
     */
    private static void initialize(InputStream in, OutputStream out, ObjectInputFilter filter, boolean jdkByName)
            throws Exception {
        Messages.Init init = (Messages.Init) Frames.read(in, filter);
        try {
            init.initializer().run();
        } catch (Throwable t) {
            byte[] encoded;
            try {
                encoded = Frames.encodeMessage(new Messages.InitFailed(t), jdkByName);
            } catch (java.io.ObjectStreamException | RuntimeException | StackOverflowError e) {
                encoded = Frames.encodeMessage(new Messages.InitFailed(new Messages.Unserializable(
                        "the initializer's exception", t, e instanceof Exception x ? x : new Exception(e))), jdkByName);
            }
            Frames.send(out, encoded);
            Runtime.getRuntime().halt(1);
        }
    }

    /** Sends a result; one that cannot be serialized is replaced by a description of why. */
    private static void send(OutputStream out, Messages.Result result, boolean jdkByName) throws java.io.IOException {
        byte[] encoded;
        try {
            encoded = Frames.encodeMessage(result, jdkByName);
        } catch (java.io.ObjectStreamException | RuntimeException | StackOverflowError e) {
            // not serializable, or too deep to serialize: describe it rather than lose the worker
            String what = result.failure() == null ? "the task's value" : "the task's exception";
            encoded = Frames.encodeMessage(new Messages.Result(result.id(), null,
                    new Messages.Unserializable(what, result.failure(), e instanceof Exception x ? x : new Exception(e))),
                    jdkByName);
        }
        Frames.send(out, encoded);
    }
}
