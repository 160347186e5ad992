package dev.safespawn.commonsexec;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.SpawnException;
import dev.safespawn.Spawner;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.launcher.CommandLauncher;

/**
 * A Commons Exec {@link CommandLauncher} that starts every process through a
 * safespawn {@link Spawner}, so the child gets only descriptors 0, 1 and 2 and
 * a failure to start is a {@link SpawnException} naming the errno, the stage
 * and the path.
 *
 * <p>What the child receives mirrors Commons Exec's own launcher
 * ({@code Java13CommandLauncher}, which calls {@code Runtime.exec}):
 * <ul>
 * <li><b>argv</b> is {@link CommandLine#toStrings()}, the executable followed by
 * the arguments exactly as Commons Exec would hand them to the JDK (after its
 * own substitution and quoting);</li>
 * <li><b>environment</b>: {@code null} inherits this JVM's environment (what
 * {@link org.apache.commons.exec.DefaultExecutor} passes unless the caller
 * gives a map); a map is the child's <em>complete</em> environment, so start
 * from {@link org.apache.commons.exec.environment.EnvironmentUtils#getProcEnvironment()}
 * to add to the inherited one. A {@code null} key or value becomes the empty
 * string, as {@code EnvironmentUtils.toStrings} makes it;</li>
 * <li><b>working directory</b>: {@code null} inherits this JVM's; otherwise the
 * child starts there (relative paths are relative to this JVM's directory);</li>
 * <li><b>stdin, stdout and stderr</b> are pipes, which the executor's
 * {@link org.apache.commons.exec.ExecuteStreamHandler} pumps.</li>
 * </ul>
 *
 * <p>Differences from the JDK launcher, all from safespawn's child contract: a
 * bare program name is looked up in the <em>child's</em> {@code PATH} (the
 * given environment's, or {@code /bin:/usr/bin} when it has none) rather than
 * the JVM's; a program that cannot be started is a {@link SpawnException}
 * (for example {@code exec /opt/nope: No such file or directory (ENOENT)})
 * rather than the JDK's {@code "Cannot run program"} message, and never a child
 * that exits with 127; and an argument, variable name or value the operating
 * system cannot carry (a NUL byte, an empty name or one containing {@code '='})
 * fails the launch with an {@link IOException} whose cause is the
 * {@link IllegalArgumentException} naming it, instead of being silently
 * truncated or split.
 *
 * <p>{@link #isFailure(int)} is the Unix rule of Commons Exec's default
 * launchers: any non-zero exit value is a failure. A child killed by a signal
 * reports {@code 128 + signal}, as with the JDK.
 *
 * <p>Thread-safe and stateless apart from the spawner, which it does not own:
 * it never closes it, and closing it while launches are in flight is the
 * caller's business. Null policy: the constructor rejects a null spawner and
 * {@code exec} a null command line with {@link NullPointerException}; a null
 * environment or working directory means "inherit".
 */
public final class SpawnerCommandLauncher implements CommandLauncher {

    private final Spawner spawner;

    /**
     * A launcher that starts every process through {@code spawner}.
     *
     * @param spawner the spawner to use; not closed by this launcher
     * @throws NullPointerException if {@code spawner} is null
     */
    public SpawnerCommandLauncher(Spawner spawner) {
        this.spawner = Objects.requireNonNull(spawner, "spawner");
    }

    /**
     * The spawner this launcher starts processes with.
     *
     * @return the spawner given to the constructor, never null
     */
    public Spawner spawner() {
        return spawner;
    }

    /**
     * Starts {@code cmd} in this JVM's working directory.
     *
     * @param cmd the command line; not null
     * @param env the child's complete environment, or null to inherit this JVM's
     * @return the started child, a {@link ChildProcess}
     * @throws SpawnException if the child could not be started
     * @throws IOException for other failures, including an argument or variable
     *         the operating system cannot carry
     */
    @Override
    public Process exec(CommandLine cmd, Map<String, String> env) throws IOException {
        return spawn(cmd, env, null);
    }

    /**
     * Starts {@code cmd} in {@code workingDir}.
     *
     * @param cmd the command line; not null
     * @param env the child's complete environment, or null to inherit this JVM's
     * @param workingDir the child's working directory, or null for this JVM's
     * @return the started child, a {@link ChildProcess}
     * @throws SpawnException if the child could not be started (stage
     *         {@code CHDIR} when the directory is unusable)
     * @throws IOException for other failures
     */
    @Override
    public Process exec(CommandLine cmd, Map<String, String> env, File workingDir) throws IOException {
        return spawn(cmd, env, workingDir == null ? null : workingDir.toPath());
    }

    /**
     * Starts {@code cmd} in {@code workingDir}; see {@link #exec(CommandLine, Map, File)}.
     */
    @Override
    public Process exec(CommandLine cmd, Map<String, String> env, Path workingDir) throws IOException {
        return spawn(cmd, env, workingDir);
    }

    /** Whether {@code exitValue} means failure: any non-zero value does. */
    @Override
    public boolean isFailure(int exitValue) {
        return exitValue != 0;
    }

    @Override
    public String toString() {
        return "SpawnerCommandLauncher[" + spawner + "]";
    }

    /**
     * Starts the child and returns it as a {@link ChildProcess}; the three
     * {@code exec} methods all come here.
     */
    ChildProcess spawn(CommandLine cmd, Map<String, String> env, Path workingDir) throws IOException {
        return spawner.spawn(toCommand(cmd, env, workingDir));
    }

    /** The safespawn command that runs {@code cmd} as Commons Exec's own launcher would. */
    static Command toCommand(CommandLine cmd, Map<String, String> env, Path workingDir) throws IOException {
        Objects.requireNonNull(cmd, "cmd");
        String[] argv = cmd.toStrings();
        Command.Builder b = Command.builder(argv)
                .stdin(Redirect.PIPE)
                .stdout(Redirect.PIPE)
                .stderr(Redirect.PIPE);
        if (workingDir != null) {
            b.directory(workingDir);
        }
        if (env != null) {
            b.clearEnv();
            for (Map.Entry<String, String> e : env.entrySet()) {
                b.env(Objects.toString(e.getKey(), ""), Objects.toString(e.getValue(), ""));
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IOException("Cannot run program \"" + argv[0] + "\": " + e.getMessage(), e);
        }
    }
}
