package dev.safespawn.jdk;

import dev.safespawn.ChildProcess;
import dev.safespawn.internal.Errno;
import dev.safespawn.internal.ExecutableResolver;
import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.Pipeline;
import dev.safespawn.Redirect;
import dev.safespawn.SpawnException;
import dev.safespawn.SpawnException.Stage;
import dev.safespawn.spi.SpawnStrategy;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fallback strategy: {@link ProcessBuilder}. Available everywhere.
 *
 * <p>The JDK's launcher closes every descriptor above 2 in the child, so the
 * descriptor part of the contract holds. It cannot pass descriptors, start
 * sessions or groups, send arbitrary signals, tell a signal death from exit
 * code 128+n, or promise a clean signal state (it leaves blocked signals other
 * than SIGQUIT blocked and ignored signals ignored), and it declares none of
 * those features.
 *
 * <p>Two limits of ProcessBuilder it cannot declare as a missing feature,
 * because no command option asks for them:
 * <ul>
 * <li>argv[0]: the JDK passes the path it executes as argv[0] and looks a bare
 *     name up in the parent's {@code PATH}. The caller's argv[0] reaches the
 *     child unchanged when it is a path, or a bare name the parent's
 *     {@code PATH} finds where the command's {@code PATH} does (always, when
 *     the command keeps the parent's {@code PATH}); otherwise the child gets
 *     the resolved path as argv[0].</li>
 * <li>A child reaped outside the library is reported by the JDK as exit
 *     code 0. This strategy reports it as
 *     {@link dev.safespawn.ExitStatus#lost(String)}, as the native strategies
 *     do, when {@code SIGCHLD} is ignored as the JDK reports the exit (read
 *     on Linux only); a child reaped by a {@code waitpid(-1)} elsewhere, or
 *     while {@code SIGCHLD} was ignored only for a moment, it cannot tell
 *     from one that exited with 0.</li>
 * </ul>
 *
 * <p>To keep errors as precise as the native strategies', the program, the
 * directory and redirect files are checked in the parent first; the errno in
 * the JDK's own message ({@code error=N}; {@code error: N} on newer JDKs) is
 * parsed for what only {@code execve} can find, but for {@code EAGAIN} and
 * {@code ENOMEM}, which are the child's creation failing (stage
 * {@code SPAWN}, as on the native strategies).
 *
 * <p>The JDK's launcher runs a file that {@code execve} refuses with
 * {@code ENOEXEC} through {@code /bin/sh}, as a script; the native strategies
 * fail instead. So before starting, this strategy reads the first bytes of the
 * program's file: unless they are ELF's magic ({@code \x7fELF}) or {@code #!},
 * it fails as the others do, stage {@code EXEC} with {@code ENOEXEC} naming
 * the file. The check is made before the start: a file changed between the
 * check and the {@code execve} is the JDK's to run, shell and all. A file it
 * cannot read (execute-only) is not checked. A format the kernel would run
 * through a {@code binfmt_misc} handler is refused here.
 *
 * <p>Pipelines ({@link Feature#PIPELINE}) are started by
 * {@link ProcessBuilder#startPipeline}, after every stage has been checked
 * (the program's file too: it must exist, be no directory and be
 * executable), so that a stage that cannot start is found before any stage
 * runs. The check matters beyond the first error: when a stage fails in
 * {@code startPipeline} itself, the JDK (17 to 25 at least) kills and reaps
 * the stages before it but leaves its own copy of the pipe from the previous
 * stage open. Only a failure that {@code execve} alone finds after the checks
 * (the file replaced meanwhile, {@code E2BIG}) still meets that gap; the
 * native strategies have none. Nothing public closes it: the descriptor
 * sits in a {@code java.lang} redirect no caller can reach; finding it by
 * number in {@code /proc/self/fd} could close a number another thread has
 * since been given; and starting the stages one by one would need a
 * {@link ProcessBuilder.Redirect} that names a pipe (the JDK's name only
 * files, and reopening a stage's pipe through {@code /proc/PID/fd} can meet
 * a recycled pid) or a thread copying between stages.
 */
public final class JdkStrategy implements SpawnStrategy {
    /** The errno in the JDK's message: JDK 17 writes {@code error=2, No such ...}, JDK 25 {@code error: 2 (No such ...)}. */
    private static final Pattern JDK_ERRNO = Pattern.compile("error(?:=|: )(\\d+)");
    /** How the JDK names the program it could not start. */
    private static final Pattern JDK_PROGRAM = Pattern.compile("Cannot run program \"([^\"]*)\"");
    /** The search path the JDK's launcher uses when the JVM has no {@code PATH}. */
    private static final String JDK_DEFAULT_PATH = ":/bin:/usr/bin";
    /** The JDK's own switch between {@code POSIX_SPAWN}, {@code FORK} and {@code VFORK}. */
    private static final String LAUNCH_MECHANISM_PROPERTY = "jdk.lang.Process.launchMechanism";

    @Override
    public String name() {
        return "jdk";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return Optional.empty();
    }

    @Override
    public Set<Feature> features() {
        return Set.of(Feature.PIPELINE);
    }

    /** How the JDK itself launches: its {@code jdk.lang.Process.launchMechanism} setting. */
    @Override
    public Map<String, String> diagnostics() {
        return Map.of("jdk.launch_mechanism", System.getProperty(LAUNCH_MECHANISM_PROPERTY, "the JDK's default"));
    }

    @Override
    public ChildProcess spawn(Command command) throws IOException {
        String executable = ExecutableResolver.resolve(command);
        ProcessBuilder pb = builder(command, executable);
        checkFormat(executable, command.directory().orElse(null));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw translate(e, executable);
        }
        return new JdkChildProcess(p);
    }

    /**
     * Checks every stage (program, directory, redirect files) before
     * {@link ProcessBuilder#startPipeline} starts any, which kills and reaps
     * the stages it started when a later one fails.
     */
    @Override
    public List<ChildProcess> spawnPipeline(Pipeline pipeline) throws IOException {
        List<Command> stages = pipeline.stages();
        List<ProcessBuilder> builders = new ArrayList<>(stages.size());
        List<String> executables = new ArrayList<>(stages.size());
        for (int i = 0; i < stages.size(); i++) {
            try {
                String executable = ExecutableResolver.resolve(stages.get(i));
                builders.add(builder(stages.get(i), executable));
                ExecutableResolver.checkExecutable(executable, stages.get(i).directory().orElse(null));
                checkFormat(executable, stages.get(i).directory().orElse(null));
                executables.add(executable);
            } catch (SpawnException e) {
                throw e.inPipelineStage(i);
            }
        }
        List<Process> started;
        try {
            started = ProcessBuilder.startPipeline(builders);
        } catch (IOException e) {
            throw translateStage(e, builders, executables);
        }
        List<ChildProcess> children = new ArrayList<>(started.size());
        started.forEach(p -> children.add(new JdkChildProcess(p)));
        return children;
    }

    /** A ProcessBuilder for {@code command}, whose directory and redirect files are checked first. */
    private static ProcessBuilder builder(Command command, String executable) throws SpawnException {
        ProcessBuilder pb = new ProcessBuilder(argv(command, executable));
        if (command.directory().isPresent()) {
            Path dir = command.directory().get();
            checkDirectory(dir);
            pb.directory(dir.toFile());
        }
        pb.environment().clear();
        pb.environment().putAll(command.environment());
        pb.redirectInput(toJdk(command.stdin(), true));
        pb.redirectOutput(toJdk(command.stdout(), false));
        if (command.redirectErrorStream()) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(toJdk(command.stderr(), false));
        }
        return pb;
    }

    /**
     * What to hand ProcessBuilder, which execs its first word and passes that
     * same word as argv[0]. The caller's argv[0] goes through unchanged when
     * it is a path, or a bare name that the JDK's own look-up (in the
     * parent's {@code PATH}) finds where the command's {@code PATH} does.
     * Otherwise the JDK would run another program, so it is given the
     * resolved path, which the child then sees as argv[0].
     */
    private static List<String> argv(Command command, String executable) {
        if (executable.equals(command.program()) || executable.equals(jdkLookup(command))) {
            return command.argv();
        }
        List<String> all = new java.util.ArrayList<>(command.argv());
        all.set(0, executable);
        return all;
    }

    /** What the JDK's launcher finds for the command's bare program name, or null if nothing. */
    private static String jdkLookup(Command command) {
        String parentPath = System.getenv("PATH");
        try {
            return ExecutableResolver.resolve(command.program(), command.directory().orElse(null),
                    parentPath == null ? JDK_DEFAULT_PATH : parentPath);
        } catch (SpawnException notFound) {
            return null;
        }
    }

    /**
     * Refuses, as {@code execve} would with {@code ENOEXEC}, a regular file
     * whose first bytes are neither {@code \x7fELF} nor {@code #!}, which the
     * JDK would otherwise run through {@code /bin/sh}. Made before the start;
     * a file that cannot be read here is left to the JDK.
     */
    private static void checkFormat(String executable, Path directory) throws SpawnException {
        Path file = directory == null ? Path.of(executable) : directory.resolve(executable);
        byte[] head = new byte[4];
        int n = 0;
        if (!Files.isRegularFile(file) || !Files.isExecutable(file)) {
            return; // the JDK reports what execve says (ENOENT, EACCES)
        }
        try (java.io.InputStream in = Files.newInputStream(file)) {
            for (int r; n < head.length && (r = in.read(head, n, head.length - n)) > 0; ) {
                n += r;
            }
        } catch (IOException unreadable) {
            return;
        }
        boolean script = n >= 2 && head[0] == '#' && head[1] == '!';
        boolean elf = n == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
        if (!script && !elf) {
            throw new SpawnException(Stage.EXEC, Errno.ENOEXEC, executable);
        }
    }

    private static void checkDirectory(Path dir) throws SpawnException {
        int errno = 0;
        if (!Files.exists(dir)) {
            errno = Errno.ENOENT;
        } else if (!Files.isDirectory(dir)) {
            errno = Errno.ENOTDIR;
        } else if (!Files.isExecutable(dir)) {
            errno = Errno.EACCES;
        }
        if (errno != 0) {
            throw new SpawnException(Stage.CHDIR, errno, dir.toString());
        }
    }

    private static ProcessBuilder.Redirect toJdk(Redirect r, boolean input) throws SpawnException {
        switch (r.kind()) {
            case PIPE:
                return ProcessBuilder.Redirect.PIPE;
            case INHERIT:
                return ProcessBuilder.Redirect.INHERIT;
            case DISCARD:
                return input ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                        : ProcessBuilder.Redirect.DISCARD;
            case READ:
                probe(r.file().orElseThrow(), StandardOpenOption.READ);
                return ProcessBuilder.Redirect.from(r.file().orElseThrow().toFile());
            case WRITE:
                probe(r.file().orElseThrow(), StandardOpenOption.WRITE, StandardOpenOption.CREATE);
                return ProcessBuilder.Redirect.to(r.file().orElseThrow().toFile());
            case APPEND:
                probe(r.file().orElseThrow(), StandardOpenOption.APPEND, StandardOpenOption.CREATE);
                return ProcessBuilder.Redirect.appendTo(r.file().orElseThrow().toFile());
            default:
                throw new AssertionError(r);
        }
    }

    /** Opens a redirect file once so a bad one is reported with its errno and name. */
    private static void probe(Path file, StandardOpenOption... options) throws SpawnException {
        try {
            Files.newByteChannel(file, options).close();
        } catch (NoSuchFileException e) {
            throw new SpawnException(Stage.OPEN, Errno.ENOENT, file.toString());
        } catch (AccessDeniedException e) {
            throw new SpawnException(Stage.OPEN, Errno.EACCES, file.toString());
        } catch (NotDirectoryException e) {
            throw new SpawnException(Stage.OPEN, Errno.ENOTDIR, file.toString());
        } catch (IOException e) {
            int errno = Files.isDirectory(file) ? Errno.EISDIR : Errno.EINVAL;
            throw new SpawnException(Stage.OPEN, errno, file.toString(),
                    errno == Errno.EISDIR ? null : e.getMessage());
        }
    }

    /**
     * {@link #translate} for a stage of a pipeline: the JDK names the program
     * it could not run, and the first stage with that program is the one
     * (the stages before it started). Without a name the failure is
     * translated but names no stage.
     */
    private static IOException translateStage(IOException e, List<ProcessBuilder> builders,
                                              List<String> executables) {
        Matcher m = JDK_PROGRAM.matcher(String.valueOf(e.getMessage()));
        int stage = -1;
        if (m.find()) {
            for (int i = 0; i < builders.size() && stage < 0; i++) {
                if (builders.get(i).command().get(0).equals(m.group(1))) {
                    stage = i;
                }
            }
        }
        IOException t = translate(e, stage < 0 ? null : executables.get(stage));
        return stage >= 0 && t instanceof SpawnException se ? se.inPipelineStage(stage) : t;
    }

    private static IOException translate(IOException e, String executable) {
        Matcher m = JDK_ERRNO.matcher(String.valueOf(e.getMessage()));
        if (!m.find()) {
            return e;
        }
        int errno = Integer.parseInt(m.group(1));
        // EAGAIN and ENOMEM are the JDK failing to create the child (a process
        // limit, no memory to fork), as the native strategies report them: not the program's exec.
        SpawnException se = errno == Errno.EAGAIN || errno == Errno.ENOMEM
                ? new SpawnException(Stage.SPAWN, errno, null)
                : new SpawnException(Stage.EXEC, errno, executable);
        se.initCause(e);
        return se;
    }
}
