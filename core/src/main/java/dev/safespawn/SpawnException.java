package dev.safespawn;

import dev.safespawn.internal.Errno;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A child could not be started. Carries the stage that failed, the error number
 * and the path involved, and reads like {@code exec /opt/nope: No such file or
 * directory (ENOENT)}.
 *
 * <p>When this is thrown no process, descriptor or thread of the failed attempt
 * is left behind. Immutable, and so safe to share between threads. The stage is
 * never null; the path may be absent ({@link #path()} is then empty).
 *
 * <p>When a stage of a {@link Pipeline} fails to start,
 * {@link #pipelineStage()} says which, and the message starts with
 * {@code pipeline stage N: }; the stages started before it have been killed
 * and reaped.
 */
public class SpawnException extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    /** Where a spawn failed. */
    public enum Stage {
        /** Validating the request against the strategy's features. */
        FEATURE("spawn"),
        /** Looking the program up in {@code PATH}. */
        RESOLVE("find"),
        /** Opening a redirect's file in the parent. */
        OPEN("open"),
        /** Creating pipes in the parent. */
        PIPE("pipe"),
        /** Creating the child process itself. */
        SPAWN("spawn"),
        /** Resetting the child's signal handlers to their defaults, or emptying its signal mask. */
        SIGNALS("reset signals"),
        /** Placing a descriptor in the child. */
        DUP2("pass fd"),
        /** Closing, in the child, the descriptors it must not inherit. */
        CLOSE("close fds"),
        /** {@code setsid()} in the child. */
        SETSID("setsid"),
        /** {@code setpgid()} in the child. */
        SETPGID("setpgid"),
        /** {@code setrlimit()} in the child. */
        RLIMIT("setrlimit"),
        /** {@code prctl(PR_SET_PDEATHSIG)} in the child, for {@code killOnParentDeath}. */
        PARENT_DEATH_SIGNAL("set parent-death signal"),
        /** Changing to the working directory in the child. */
        CHDIR("chdir"),
        /** {@code execve()} of the program. */
        EXEC("exec");

        private final String verb;

        Stage(String verb) {
            this.verb = verb;
        }

        /**
         * The short word messages start with.
         *
         * @return a few lowercase words such as {@code exec} or {@code pass fd}; never null
         */
        public String verb() {
            return verb;
        }
    }

    /** Where it failed; never null. */
    private final Stage stage;
    /** The operating system's error number. */
    private final int errno;
    /** The file, directory or descriptor involved; null when none is. */
    private final String path;
    /** The index of the pipeline stage that failed; null outside a pipeline (and in streams from before pipelines). */
    private final Integer pipelineStage;

    /**
     * A failure whose message is the error number's own text.
     *
     * @param stage where it failed; not null
     * @param errno the operating system's error number, positive
     * @param path the file, directory or descriptor involved; may be null
     * @throws NullPointerException if {@code stage} is null
     */
    public SpawnException(Stage stage, int errno, String path) {
        this(stage, errno, path, null);
    }

    /**
     * As {@link #SpawnException(Stage, int, String)}, with a detail that replaces
     * the error number's own text.
     *
     * @param stage where it failed; not null
     * @param errno the operating system's error number, positive
     * @param path the file, directory or descriptor involved; may be null
     * @param detail what to say instead of the error number's text; null for that text
     * @throws NullPointerException if {@code stage} is null
     */
    public SpawnException(Stage stage, int errno, String path, String detail) {
        super(format(Objects.requireNonNull(stage, "stage"), errno, path, detail));
        this.stage = stage;
        this.errno = errno;
        this.path = path;
        this.pipelineStage = null;
    }

    /** {@code failure} of the pipeline stage {@code index}; see {@link #inPipelineStage(int)}. */
    private SpawnException(SpawnException failure, int index) {
        super("pipeline stage " + index + ": " + failure.getMessage(), failure);
        this.stage = failure.stage;
        this.errno = failure.errno;
        this.path = failure.path;
        this.pipelineStage = index;
    }

    /**
     * For strategies: this failure, as the failure to start stage
     * {@code index} of a {@link Pipeline}. The result has the same
     * {@link #stage()}, {@link #errno()} and {@link #path()}, this exception
     * as its cause, and a message prefixed with {@code pipeline stage N: }.
     *
     * @param index the stage's index in {@link Pipeline#stages()}, 0 or more
     * @return a new exception, never null; or this one if it already names
     *         that stage
     * @throws IllegalArgumentException if {@code index} is negative, or this
     *         exception already names another stage
     */
    public SpawnException inPipelineStage(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("pipeline stage " + index + " is negative");
        }
        if (pipelineStage != null) {
            if (pipelineStage == index) {
                return this;
            }
            throw new IllegalArgumentException("already the failure of pipeline stage " + pipelineStage);
        }
        return new SpawnException(this, index);
    }

    private static String format(Stage stage, int errno, String path, String detail) {
        String what = path == null ? stage.verb() : stage.verb() + " " + path;
        String why = detail == null ? Errno.message(errno) : detail;
        return what + ": " + why + " (" + Errno.name(errno) + ")";
    }

    /**
     * The stage that failed.
     *
     * @return the stage; never null
     */
    public Stage stage() {
        return stage;
    }

    /**
     * The error number, as in {@code errno.h}.
     *
     * @return the error number
     */
    public int errno() {
        return errno;
    }

    /**
     * The symbolic name of {@link #errno()}.
     *
     * @return a name such as {@code ENOENT}, or {@code errno N} for a number without one; never null
     */
    public String errnoName() {
        return Errno.name(errno);
    }

    /**
     * The program, directory, file or descriptor the failure concerns.
     *
     * @return the path, or empty when the failure concerns none
     */
    public Optional<String> path() {
        return Optional.ofNullable(path);
    }

    /**
     * Which stage of a {@link Pipeline} failed to start.
     *
     * @return the stage's index in {@link Pipeline#stages()}; empty when the
     *         failure is not a pipeline's
     */
    public OptionalInt pipelineStage() {
        return pipelineStage == null ? OptionalInt.empty() : OptionalInt.of(pipelineStage);
    }
}
