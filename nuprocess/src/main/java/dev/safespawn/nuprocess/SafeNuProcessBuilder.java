package dev.safespawn.nuprocess;

import com.zaxxer.nuprocess.NuProcessBuilder;
import com.zaxxer.nuprocess.NuProcessHandler;
import dev.safespawn.Command;
import dev.safespawn.Spawner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * NuProcess's {@link NuProcessBuilder}, launching through safespawn: switch
 * with one line ({@code new NuProcessBuilder(...)} becomes
 * {@code new SafeNuProcessBuilder(...)}), and the same
 * {@link NuProcessHandler} is driven with NuProcess 3.0's semantics (see
 * {@link SafeNuProcess}). It is a {@code NuProcessBuilder}, so code that
 * takes one keeps working; the command list, the environment map, the
 * handler and the working directory are set as there.
 *
 * <p>What changes: the child starts with an empty signal mask and default
 * signal dispositions (a NuProcess child inherits, depending on the JDK, the
 * {@code SIG_IGN} that NuProcess sets for {@code SIGPIPE} in the whole JVM,
 * or the calling thread's mask with {@code SIGQUIT} blocked); the parent's ends of
 * its pipes are close-on-exec (NuProcess's are not, so a child that other
 * code starts meanwhile inherits them); its exit is noticed at once; exit
 * code 127 stays 127; and a launch failure keeps its cause, a typed
 * {@link dev.safespawn.SpawnException} ({@link SafeNuProcess#spawnFailure()}).
 * As under NuProcess, the child holds only descriptors 0, 1 and 2.
 *
 * <p>Launching: through {@link #setSpawner(Spawner) the spawner given}, or a
 * shared routing spawner ({@link Spawner#create()}, honouring the
 * {@value Spawner#STRATEGY_PROPERTY} system property) made on first use and
 * kept for the life of the JVM. Only the native strategies drive a handler
 * ({@link dev.safespawn.Feature#ASYNC_IO}). A bare program name is looked up
 * in this JVM's {@code PATH}, as NuProcess (through the JDK) does.
 *
 * <p>Not thread-safe, as NuProcess's builder: configure and start from one
 * thread (or publish it safely). Null policy: the handler arguments reject
 * null with {@link IllegalArgumentException}, as NuProcess does; the command
 * list must be non-null and non-empty; {@link #setCwd(Path)} accepts null
 * (this JVM's directory) and {@link #setSpawner(Spawner)} rejects null with
 * {@link NullPointerException}.
 */
public final class SafeNuProcessBuilder extends NuProcessBuilder {
    private NuProcessHandler handler;
    private Path cwd;
    private Spawner spawner; // null: the shared one

    /**
     * A builder for {@code commands} with exactly the environment {@code environment}.
     *
     * @param commands the program and its arguments; copied
     * @param environment the child's whole environment; copied
     * @throws IllegalArgumentException if {@code commands} is null or empty
     */
    public SafeNuProcessBuilder(List<String> commands, Map<String, String> environment) {
        super(commands, environment);
    }

    /**
     * A builder for {@code commands} with a copy of this JVM's environment.
     *
     * @param commands the program and its arguments; copied
     * @throws IllegalArgumentException if {@code commands} is null or empty
     */
    public SafeNuProcessBuilder(List<String> commands) {
        super(commands);
    }

    /**
     * A builder for {@code commands} with a copy of this JVM's environment.
     *
     * @param commands the program and its arguments
     * @throws IllegalArgumentException if {@code commands} is null or empty
     */
    public SafeNuProcessBuilder(String... commands) {
        super(commands);
    }

    /**
     * A builder for {@code commands} driving {@code handler}, with a copy of
     * this JVM's environment.
     *
     * @param handler the callbacks
     * @param commands the program and its arguments
     * @throws IllegalArgumentException if {@code handler} is null, or
     *         {@code commands} is null or empty
     */
    public SafeNuProcessBuilder(NuProcessHandler handler, String... commands) {
        super(handler, commands);
        this.handler = handler;
    }

    /**
     * A builder for {@code commands} driving {@code handler}, with a copy of
     * this JVM's environment.
     *
     * @param handler the callbacks
     * @param commands the program and its arguments; copied
     * @throws IllegalArgumentException if {@code handler} is null, or
     *         {@code commands} is null or empty
     */
    public SafeNuProcessBuilder(NuProcessHandler handler, List<String> commands) {
        super(handler, commands);
        this.handler = handler;
    }

    /**
     * Sets the handler the next started process drives.
     *
     * @param listener the callbacks
     * @throws IllegalArgumentException if {@code listener} is null
     */
    @Override
    public void setProcessListener(NuProcessHandler listener) {
        super.setProcessListener(listener);
        this.handler = listener;
    }

    /**
     * Sets the child's working directory. One that does not exist is a launch
     * failure (a {@link dev.safespawn.SpawnException} of stage {@code CHDIR}).
     *
     * @param cwd the directory; null for this JVM's
     */
    @Override
    public void setCwd(Path cwd) {
        super.setCwd(cwd);
        this.cwd = cwd;
    }

    /**
     * Launches through {@code spawner} instead of the shared one; it must
     * stay open while children start.
     *
     * @param spawner the spawner, for example {@code Spawner.of("zygote")}
     * @throws NullPointerException if {@code spawner} is null
     */
    public void setSpawner(Spawner spawner) {
        this.spawner = Objects.requireNonNull(spawner, "spawner");
    }

    /**
     * Starts the child; the handler's callbacks run on safespawn's event-loop
     * thread (where, as with NuProcess, they must not block). The handler's
     * {@code onPreStart} runs on this thread first; its {@code onStart} runs
     * before any other callback of the child.
     *
     * <p>If the child cannot be started, the handler gets
     * {@code onExit(Integer.MIN_VALUE)} on this thread and the returned
     * process, not running, says why: {@link SafeNuProcess#spawnFailure()}.
     * (NuProcess 3.0 on Linux returns its process object then too.)
     *
     * @return the process, never null
     * @throws IllegalArgumentException if no handler is set, or the command,
     *         environment or directory holds a NUL byte (checked before
     *         {@code onPreStart})
     * @throws IllegalStateException if no spawner was given and none can be
     *         made here, or the spawner given was closed
     */
    @Override
    public SafeNuProcess start() {
        Command command = toCommand();
        SafeNuProcess process = new SafeNuProcess(handler);
        process.launch(spawner(), command, null);
        return process;
    }

    /**
     * Runs the child synchronously, as NuProcess's {@code run()}: every
     * callback of the handler, {@code onPreStart} to {@code onExit}, runs on
     * this thread, which returns after {@code onExit}. A callback may block
     * here without delaying other children. A launch failure is reported as
     * by {@link #start()}: {@code onExit(Integer.MIN_VALUE)}, here. Not
     * interruptible, as NuProcess's is not: an interrupt is kept.
     *
     * @throws IllegalArgumentException as {@link #start()}
     * @throws IllegalStateException as {@link #start()}
     */
    @Override
    public void run() {
        Command command = toCommand();
        SafeNuProcess process = new SafeNuProcess(handler);
        CallerThreadExecutor here = new CallerThreadExecutor();
        if (process.launch(spawner(), command, here)) {
            here.runUntil(process::hasEnded);
        }
    }

    private Spawner spawner() {
        return spawner != null ? spawner : SharedSpawner.get();
    }

    /** The command as safespawn takes it, checked before any callback. */
    private Command toCommand() {
        if (handler == null) {
            throw new IllegalArgumentException("NuProcessHandler not specified");
        }
        Command.Builder b = Command.builder(command().toArray(new String[0]))
                .clearEnv()
                .env(environment())
                .searchParentPath();
        if (cwd != null) {
            b.directory(cwd);
        }
        return b.build();
    }
}
