package dev.safespawn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What to run and how: argv, directory, environment, standard streams, passed
 * descriptors, session and process group, and which processes
 * {@link ChildProcess#terminate(java.time.Duration)} ends ({@link KillScope}).
 *
 * <p>Immutable and thread-safe. Built with {@link #builder(String...)}; every
 * check happens in {@link Builder#build()}, which throws
 * {@link IllegalArgumentException} naming the bad field before anything runs.
 * Nothing in this class touches the operating system: descriptors named by
 * {@link Builder#passFd(int, int)} are checked to be open only at spawn time.
 *
 * <p>Finding the program: a program name with a slash (such as
 * {@code /usr/bin/git} or {@code ./build.sh}) is used as it is, relative to
 * the child's directory. A bare name (such as {@code git}) is looked up, in
 * the parent before the child exists, in the <em>child's</em> {@code PATH}:
 * the one in {@link #environment()}, or {@code /bin:/usr/bin} when it has
 * none, as {@code execvp} does; {@link Builder#searchParentPath()} searches
 * this JVM's {@code PATH} instead. A name the search finds only through a
 * relative entry of {@code PATH} (an empty one, {@code .}, or any not
 * starting with {@code /}) is refused with a {@link SpawnException} of stage
 * {@link SpawnException.Stage#RESOLVE} ({@code EPERM}), as Go does since
 * 1.19: it would run whatever file of that name lies in the working
 * directory. To run a program from the directory, name it with a slash,
 * {@code ./name}.
 *
 * <p>A child descriptor 0, 1 or 2 named by {@link Builder#passFd(int, int)}
 * replaces that standard stream; the matching {@link ChildProcess} stream is
 * then a null stream. Setting the same stream both ways is rejected.
 *
 * <p>Null policy: every method rejects null arguments with
 * {@link NullPointerException}; getters never return null, and the collections
 * they return are unmodifiable.
 */
public final class Command {

    private final List<String> argv;
    private final Path directory;
    private final Map<String, String> environment;
    private final Redirect stdin;
    private final Redirect stdout;
    private final Redirect stderr;
    private final boolean redirectErrorStream;
    private final SortedMap<Integer, Integer> passedFds;
    private final SortedMap<Integer, PipeDirection> pipes;
    private final boolean newSession;
    private final Integer processGroup;
    private final Integer umask;
    private final Map<Limit, ResourceLimit> limits;
    private final boolean killOnParentDeath;
    private final boolean searchParentPath;
    private final KillScope killScope;
    private final StreamEnd streamEnd;
    /** {@link #requiredFeatures()} as bits of {@link Feature#ordinal()}: what a spawner routes on, without allocating. */
    private final int featureMask;

    private Command(Builder b, Map<Limit, ResourceLimit> limits) {
        this.argv = List.copyOf(b.argv);
        this.directory = b.directory;
        this.environment = b.env == null ? InheritedEnvironment.MAP
                : Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
        this.stdin = b.stdin; // null: not set, PIPE by default; kept so toBuilder() round-trips
        this.stdout = b.stdout;
        this.stderr = b.stderr;
        this.redirectErrorStream = b.redirectErrorStream;
        this.passedFds = Collections.unmodifiableSortedMap(new TreeMap<>(b.passedFds));
        this.pipes = Collections.unmodifiableSortedMap(new TreeMap<>(b.pipes));
        this.newSession = b.newSession;
        this.processGroup = b.processGroup;
        this.umask = b.umask;
        this.limits = Collections.unmodifiableMap(limits);
        this.killOnParentDeath = b.killOnParentDeath;
        this.searchParentPath = b.searchParentPath;
        this.killScope = b.killScope;
        this.streamEnd = b.streamEnd;
        this.featureMask = neededFeatures();
    }

    /**
     * Starts a builder for the program {@code argv[0]} with arguments {@code argv[1..]}.
     *
     * @param argv the program and its arguments, copied; may be empty here, but
     *        {@link Builder#build()} rejects a command without a program
     * @return a new builder with these arguments and every other setting at its default
     * @throws NullPointerException if {@code argv} or any element is null
     */
    public static Builder builder(String... argv) {
        return new Builder().args(argv);
    }

    /**
     * Shorthand for {@code builder(argv).build()}.
     *
     * @param argv the program and its arguments, copied
     * @return the command, with every other setting at its default; never null
     * @throws NullPointerException if {@code argv} or any element is null
     * @throws IllegalArgumentException if {@code argv} is empty, the program
     *         name is empty, or an argument contains a NUL byte
     */
    public static Command of(String... argv) {
        return builder(argv).build();
    }

    /**
     * A builder holding a copy of this command's settings.
     *
     * @return a new builder whose {@link Builder#build()} gives an equivalent
     *         command; changing it does not change this command
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.argv.addAll(argv);
        b.directory = directory;
        b.env = environment == InheritedEnvironment.MAP ? null : new LinkedHashMap<>(environment);
        b.stdin = stdin;
        b.stdout = stdout;
        b.stderr = stderr;
        b.redirectErrorStream = redirectErrorStream;
        b.passedFds.putAll(passedFds);
        b.pipes.putAll(pipes);
        b.newSession = newSession;
        b.processGroup = processGroup;
        b.umask = umask;
        limits.forEach((k, v) -> b.limits.put(k, new long[] {v.soft(), v.hard()}));
        b.killOnParentDeath = killOnParentDeath;
        b.searchParentPath = searchParentPath;
        b.killScope = killScope;
        b.streamEnd = streamEnd;
        return b;
    }

    /**
     * The program and its arguments.
     *
     * @return an unmodifiable list, never empty
     */
    public List<String> argv() {
        return argv;
    }

    /**
     * The program: {@code argv().get(0)}.
     *
     * @return a path, or a bare name looked up in {@code PATH} as the class
     *         description says; never empty
     */
    public String program() {
        return argv.get(0);
    }

    /**
     * The child's working directory.
     *
     * @return the directory as given; empty means the parent's
     */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /**
     * The complete environment the child receives.
     *
     * @return an unmodifiable map in a stable order: the parent's environment
     *         (a snapshot of {@link System#getenv()} taken once per JVM) with
     *         the builder's changes applied
     */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * Where the child's stdin comes from.
     *
     * @return the redirect; {@link Redirect#PIPE} unless set
     */
    public Redirect stdin() {
        return stdin == null ? Redirect.PIPE : stdin;
    }

    /**
     * Where the child's stdout goes.
     *
     * @return the redirect; {@link Redirect#PIPE} unless set
     */
    public Redirect stdout() {
        return stdout == null ? Redirect.PIPE : stdout;
    }

    /**
     * Where the child's stderr goes, unless {@link #redirectErrorStream()}.
     *
     * @return the redirect; {@link Redirect#PIPE} unless set, and always
     *         {@link Redirect#PIPE} (unused) when stderr is joined to stdout
     */
    public Redirect stderr() {
        return stderr == null ? Redirect.PIPE : stderr;
    }

    /**
     * Whether stderr is joined to stdout (the child's fd 2 is its fd 1).
     *
     * @return true if {@link Builder#redirectErrorStream()} was called
     */
    public boolean redirectErrorStream() {
        return redirectErrorStream;
    }

    /**
     * Descriptors handed to the child.
     *
     * @return an unmodifiable map from child fd to parent fd, sorted by child
     *         fd; empty when none is passed
     */
    public SortedMap<Integer, Integer> passedFds() {
        return passedFds;
    }

    /**
     * Extra pipes the library makes for the child.
     *
     * @return an unmodifiable map from child fd (3 or more) to which way the
     *         data flows, sorted by child fd; empty when there are none
     */
    public SortedMap<Integer, PipeDirection> pipes() {
        return pipes;
    }

    /**
     * Whether the child calls {@code setsid()} and leads a new session.
     *
     * @return true if {@link Builder#newSession()} was called
     */
    public boolean newSession() {
        return newSession;
    }

    /**
     * The process group to join.
     *
     * @return the group id (0 or more): 0 means a new group led by the child;
     *         empty means the parent's group
     */
    public OptionalInt processGroup() {
        return processGroup == null ? OptionalInt.empty() : OptionalInt.of(processGroup);
    }

    /**
     * The file mode creation mask the child starts with.
     *
     * @return the mask, 0 to 0777; empty means the parent's
     */
    public OptionalInt umask() {
        return umask == null ? OptionalInt.empty() : OptionalInt.of(umask);
    }

    /**
     * Resource limits set in the child.
     *
     * @return an unmodifiable map in {@link Limit} order; empty when none is set
     */
    public Map<Limit, ResourceLimit> limits() {
        return limits;
    }

    /**
     * Whether the child is killed (SIGKILL) when the parent JVM dies.
     *
     * @return true if {@link Builder#killOnParentDeath()} was called
     */
    public boolean killOnParentDeath() {
        return killOnParentDeath;
    }

    /**
     * Whether a bare program name is looked up in this JVM's {@code PATH}
     * rather than the child's.
     *
     * @return true if {@link Builder#searchParentPath()} was called
     */
    public boolean searchesParentPath() {
        return searchParentPath;
    }

    /**
     * Which processes {@link ChildProcess#terminate(java.time.Duration)} and
     * {@link ChildProcess#close()} end.
     *
     * @return the scope; {@link KillScope#PROCESS} unless set
     */
    public KillScope killScope() {
        return killScope;
    }

    /**
     * When the parent's ends of the child's pipes end: at the child's exit
     * (the JDK's way) or when the last writer closes them.
     *
     * @return {@link StreamEnd#AT_EXIT} unless {@link Builder#streamEnd(StreamEnd)} chose otherwise
     */
    public StreamEnd streamEnd() {
        return streamEnd;
    }

    /**
     * The features a strategy needs to run this command faithfully.
     *
     * @return an unmodifiable set, empty for a command that every strategy can
     *         run; computed on each call
     */
    public Set<Feature> requiredFeatures() {
        return featureSet(featureMask);
    }

    /** The features whose bits of {@link Feature#ordinal()} {@code mask} has, as an unmodifiable set. */
    static Set<Feature> featureSet(int mask) {
        EnumSet<Feature> needed = EnumSet.noneOf(Feature.class);
        for (Feature f : Feature.values()) {
            if ((mask & 1 << f.ordinal()) != 0) {
                needed.add(f);
            }
        }
        return Collections.unmodifiableSet(needed);
    }

    /**
     * For {@link Pipeline}: this command with stdin and/or stdout left unset
     * rather than set to {@link Redirect#PIPE}, which means the same, so that
     * a strategy may place the pipe to the next stage with
     * {@code toBuilder().passFd(fd, 0 or 1)}, which {@link Builder#build()}
     * refuses next to an explicit redirect. The caller has checked that each
     * is a pipe and not passed.
     */
    Command withStreamsUnset(boolean unsetStdin, boolean unsetStdout) {
        if ((!unsetStdin || stdin == null) && (!unsetStdout || stdout == null)) {
            return this;
        }
        Builder b = toBuilder();
        if (unsetStdin) {
            b.stdin = null;
        }
        if (unsetStdout) {
            b.stdout = null;
        }
        return b.build();
    }

    /** {@link #requiredFeatures()} as bits of {@link Feature#ordinal()}, computed once. */
    int featureMask() {
        return featureMask;
    }

    private int neededFeatures() {
        int needed = 0;
        if (!passedFds.isEmpty() || !pipes.isEmpty()) {
            needed |= bit(Feature.PASS_FD);
        }
        if (newSession) {
            needed |= bit(Feature.NEW_SESSION);
        }
        if (processGroup != null) {
            needed |= bit(Feature.PROCESS_GROUP);
        }
        if (umask != null) {
            needed |= bit(Feature.UMASK);
        }
        if (!limits.isEmpty()) {
            needed |= bit(Feature.RLIMITS);
        }
        if (killOnParentDeath) {
            needed |= bit(Feature.KILL_ON_PARENT_DEATH);
        }
        if (killScope == KillScope.TREE) {
            needed |= bit(Feature.TREE_KILL);
        }
        if (streamEnd == StreamEnd.LAST_WRITER) {
            needed |= bit(Feature.STREAMS_OUTLIVE_CHILD);
        }
        return needed;
    }

    private static int bit(Feature f) {
        return 1 << f.ordinal();
    }

    /**
     * The argv, and the kill scope and stream end when they are not the
     * defaults: what a log line needs to tell two commands apart, without the
     * environment (which may hold secrets).
     *
     * @return for example {@code Command[sh, -c, make]} or
     *         {@code Command[make, -j8] killScope=GROUP streamEnd=LAST_WRITER}
     */
    @Override
    public String toString() {
        return "Command" + argv + (killScope == KillScope.PROCESS ? "" : " killScope=" + killScope)
                + (streamEnd == StreamEnd.AT_EXIT ? "" : " streamEnd=" + streamEnd);
    }

    /** A value for {@link Builder#rlimit} meaning no limit ({@code RLIM_INFINITY}). */
    public static final long UNLIMITED = -1;

    /**
     * Which way an extra pipe ({@link Builder#pipeToChild(int)},
     * {@link Builder#pipeFromChild(int)}) carries data. An enum: immutable and
     * thread-safe.
     */
    public enum PipeDirection {
        /** The child reads the pipe; the parent writes it through {@link ChildProcess#pipeTo(int)}. */
        TO_CHILD,
        /** The child writes the pipe; the parent reads it through {@link ChildProcess#pipeFrom(int)}. */
        FROM_CHILD
    }

    /**
     * Which processes {@link ChildProcess#terminate(java.time.Duration)} and
     * {@link ChildProcess#close()} end ({@link Builder#killScope(KillScope)}).
     * {@link ChildProcess#signal(int)}, {@link ChildProcess#destroy()} and
     * {@link ChildProcess#destroyForcibly()} always reach the child alone, as
     * {@link Process} documents them. An enum: immutable and thread-safe.
     */
    public enum KillScope {
        /** The child alone; what it started lives on. The default, and what every strategy can do. */
        PROCESS,
        /**
         * The child's process group, which the child must lead
         * ({@link Builder#newSession()} or {@code processGroup(0)}; checked by
         * {@link Builder#build()}): every process still in it, including
         * those left after the child has ended. A process that moved to
         * another group or session escapes it.
         */
        GROUP,
        /**
         * Every process the child started, and they started, however far
         * down, even one that left the group or daemonised (forked twice,
         * called {@code setsid()}). Needs {@link Feature#TREE_KILL}: the
         * strategy must be able to find orphaned descendants, which are
         * otherwise re-parented to {@code init}.
         */
        TREE
    }

    /**
     * When the streams of a child's pipes ({@link ChildProcess#getInputStream()},
     * {@link ChildProcess#getErrorStream()}, {@link ChildProcess#getOutputStream()}
     * and the extra pipes) end, chosen per command with
     * {@link Builder#streamEnd(StreamEnd)}. The difference shows only when
     * something besides the child holds the other end of a pipe: typically a
     * grandchild the child started in the background, which inherited its
     * stdout. An enum: immutable and thread-safe.
     */
    public enum StreamEnd {
        /**
         * The default, and {@link ProcessBuilder}'s semantics: when the child
         * is reaped, what its output pipes hold at that moment stays readable,
         * and then each output stream ends (end of stream), even if a
         * grandchild still holds the pipe; output written later by a
         * grandchild is never read by the parent (the grandchild's writes
         * fail with {@code EPIPE}/{@code SIGPIPE} once nothing else reads the
         * pipe). The stream to the child's stdin and the extra pipes to the
         * child are closed; a write then fails with "Stream closed". The
         * parent's descriptors are released when the exit is recorded, before
         * {@link ChildProcess#waitFor()} returns or {@link ChildProcess#onExit()}
         * completes on a native strategy (the {@code jdk} strategy's, just
         * after), so a loop of spawns that never touches the streams holds no
         * descriptor of a finished child. A thread blocked reading when the
         * child exits reads what is left, then the end of stream (with
         * {@link Feature#ASYNC_CLOSE}; the {@code jdk} strategy's reader
         * stays blocked until the pipe has data or ends).
         */
        AT_EXIT,
        /**
         * The operating system's semantics, as Python's {@code communicate()}
         * and Go's {@code os/exec} without {@code WaitDelay}: an output
         * stream ends only when every writer has closed the pipe, so it
         * carries what a grandchild writes after the child's exit and a read
         * blocks until the grandchild exits or closes it; the stream to stdin
         * stays open: a write reaches a grandchild that reads the pipe, and
         * fails with "Broken pipe" once nobody does. The parent's
         * descriptors are released by {@link java.io.InputStream#close()},
         * {@link ChildProcess#close()} or {@link ChildProcess#terminate}, or
         * when the child becomes unreachable. Needs
         * {@link Feature#STREAMS_OUTLIVE_CHILD}, which the {@code jdk}
         * strategy lacks.
         */
        LAST_WRITER
    }

    /**
     * The soft and hard value of one resource limit ({@code struct rlimit});
     * {@link #UNLIMITED} stands for {@code RLIM_INFINITY}. Immutable and
     * thread-safe. Every instance is valid: the constructor rejects a negative
     * value other than {@link #UNLIMITED}, and a soft limit above the hard one,
     * with {@link IllegalArgumentException}.
     *
     * @param soft the limit the kernel enforces, or {@link #UNLIMITED}
     * @param hard the ceiling up to which the soft limit may be raised, or {@link #UNLIMITED}
     */
    public record ResourceLimit(long soft, long hard) {
        /**
         * Checks the values; see the class description.
         *
         * @param soft the soft limit: 0 or more, or {@link #UNLIMITED}
         * @param hard the hard limit: 0 or more, or {@link #UNLIMITED}; not below {@code soft}
         * @throws IllegalArgumentException if a value is negative other than
         *         {@link #UNLIMITED}, or {@code soft} exceeds {@code hard}
         */
        public ResourceLimit {
            String problem = problem(soft, hard);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }

        /** What is wrong with {@code soft}/{@code hard}, or null. */
        static String problem(long soft, long hard) {
            if (soft < 0 && soft != UNLIMITED) {
                return "soft limit " + soft + " is negative";
            }
            if (hard < 0 && hard != UNLIMITED) {
                return "hard limit " + hard + " is negative";
            }
            if (hard != UNLIMITED && (soft == UNLIMITED || soft > hard)) {
                return "soft limit " + soft + " exceeds hard limit " + hard;
            }
            return null;
        }
    }

    /** Resource limits a child can be given ({@code setrlimit(2)}). An enum: immutable and thread-safe. */
    public enum Limit {
        /** CPU time in seconds ({@code RLIMIT_CPU}). */
        CPU,
        /** Largest file the child may create, in bytes ({@code RLIMIT_FSIZE}). */
        FSIZE,
        /** Largest core dump, in bytes ({@code RLIMIT_CORE}). */
        CORE,
        /** Processes for the user ({@code RLIMIT_NPROC}). */
        NPROC,
        /** One more than the largest descriptor number ({@code RLIMIT_NOFILE}). */
        NOFILE,
        /** Address space in bytes ({@code RLIMIT_AS}). */
        AS
    }

    /**
     * Collects a command's settings. Not thread-safe; {@link #build()} may be
     * called more than once and each result is independent of later changes.
     * The environment starts as a copy of the parent's ({@link System#getenv()}).
     *
     * <p>Null policy: every method rejects null arguments with
     * {@link NullPointerException} at once. Other values are checked by
     * {@link #build()}, not by the setters: a setter takes any number and
     * returns this builder, and {@code build()} names the first bad one.
     */
    public static final class Builder {
        private final List<String> argv = new ArrayList<>();
        private Path directory;
        private Map<String, String> env; // null until first changed: the parent's
        private Redirect stdin;
        private Redirect stdout;
        private Redirect stderr;
        private boolean redirectErrorStream;
        private final Map<Integer, Integer> passedFds = new LinkedHashMap<>();
        private final Map<Integer, PipeDirection> pipes = new LinkedHashMap<>();
        private final List<String> passErrors = new ArrayList<>();
        private boolean newSession;
        private Integer processGroup;
        private Integer umask;
        private final Map<Limit, long[]> limits = new EnumMap<>(Limit.class); // {soft, hard}, checked in build()
        private boolean killOnParentDeath;
        private boolean searchParentPath;
        private KillScope killScope = KillScope.PROCESS;
        private StreamEnd streamEnd = StreamEnd.AT_EXIT;

        private Builder() {
        }

        /**
         * Appends arguments (the first ever given is the program).
         *
         * @param args the arguments, copied; may be empty
     * @return this builder
         * @throws NullPointerException if {@code args} or any element is null
         */
        public Builder args(String... args) {
            List<String> checked = List.of(Objects.requireNonNull(args, "args")); // rejects null elements
            argv.addAll(checked);
            return this;
        }

        /**
         * Appends arguments from a list, which is copied.
         *
         * @param args the arguments; may be empty
     * @return this builder
         * @throws NullPointerException if {@code args} or any element is null
         */
        public Builder args(List<String> args) {
            return args(Objects.requireNonNull(args, "args").toArray(new String[0]));
        }

        /**
         * Sets the child's working directory. A directory that does not exist
         * fails the spawn (stage {@code CHDIR}), not this call.
         *
         * @param directory the directory; relative to the parent's working
         *        directory if relative. {@link #build()} rejects a NUL byte in it
     * @return this builder
         * @throws NullPointerException if {@code directory} is null
         */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets one environment variable, replacing any value it had.
         *
         * @param name the variable's name; {@link #build()} rejects an empty
         *        name, and one containing {@code '='} or a NUL byte
         * @param value the value, may be empty; {@link #build()} rejects a NUL byte
     * @return this builder
         * @throws NullPointerException if {@code name} or {@code value} is null
         */
        public Builder env(String name, String value) {
            Objects.requireNonNull(name, "env name");
            Objects.requireNonNull(value, "env value");
            environment().put(name, value);
            return this;
        }

        /**
         * Sets every variable of {@code variables}, replacing any value each
         * had; variables not in it are left as they are. The same as calling
         * {@link #env(String, String)} for each entry, in the map's iteration
         * order, except that it is all or nothing: the map is checked first,
         * and if any name or value is null nothing is set.
         *
         * @param variables names and values, copied; may be empty. As with
         *        {@link #env(String, String)}, {@link #build()} rejects an
         *        empty name, one containing {@code '='} or a NUL byte, and a
         *        value containing a NUL byte
         * @return this builder
         * @throws NullPointerException if {@code variables}, or any name or
         *         value in it, is null; the builder is then unchanged
         */
        public Builder env(Map<String, String> variables) {
            Objects.requireNonNull(variables, "env variables");
            Map<String, String> checked = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : variables.entrySet()) {
                String name = Objects.requireNonNull(e.getKey(), "env name");
                checked.put(name, Objects.requireNonNull(e.getValue(), () -> "env value of " + name));
            }
            environment().putAll(checked);
            return this;
        }

        /**
         * Removes one environment variable, if present.
         *
         * @param name the variable's name
     * @return this builder
         * @throws NullPointerException if {@code name} is null
         */
        public Builder removeEnv(String name) {
            environment().remove(Objects.requireNonNull(name, "env name"));
            return this;
        }

        /**
         * Starts from an empty environment; later {@link #env} calls add to it.
         * Variables set before this call are removed too.
         *
     * @return this builder
         */
        public Builder clearEnv() {
            environment().clear();
            return this;
        }

        /**
         * Where stdin comes from; default {@link Redirect#PIPE}.
         *
         * @param redirect the redirect; {@link #build()} rejects
         *        {@link Redirect#to} and {@link Redirect#appendTo}, and one set
         *        together with {@code passFd(..., 0)}
     * @return this builder
         * @throws NullPointerException if {@code redirect} is null
         */
        public Builder stdin(Redirect redirect) {
            this.stdin = Objects.requireNonNull(redirect, "stdin");
            return this;
        }

        /**
         * Where stdout goes; default {@link Redirect#PIPE}.
         *
         * @param redirect the redirect; {@link #build()} rejects
         *        {@link Redirect#from}, and one set together with {@code passFd(..., 1)}
     * @return this builder
         * @throws NullPointerException if {@code redirect} is null
         */
        public Builder stdout(Redirect redirect) {
            this.stdout = Objects.requireNonNull(redirect, "stdout");
            return this;
        }

        /**
         * Where stderr goes; default {@link Redirect#PIPE}.
         *
         * @param redirect the redirect; {@link #build()} rejects
         *        {@link Redirect#from}, one set together with
         *        {@code passFd(..., 2)}, and any (even {@code PIPE}) set together
         *        with {@link #redirectErrorStream()}
     * @return this builder
         * @throws NullPointerException if {@code redirect} is null
         */
        public Builder stderr(Redirect redirect) {
            this.stderr = Objects.requireNonNull(redirect, "stderr");
            return this;
        }

        /**
         * Sends stderr wherever stdout goes. {@link #build()} rejects it
         * together with {@link #stderr(Redirect)} or {@code passFd(..., 2)}.
         *
     * @return this builder
         */
        public Builder redirectErrorStream() {
            this.redirectErrorStream = true;
            return this;
        }

        /**
         * Hands the parent's descriptor {@code parentFd} to the child as
         * {@code childFd}. The parent's descriptor and its close-on-exec flag are
         * left as they are; the child's copy is never close-on-exec.
         *
         * <p>Needs {@link Feature#PASS_FD}. Whether {@code parentFd} is open is
         * checked at spawn time (stage {@code DUP2}, {@code EBADF}).
         *
         * @param parentFd the parent's descriptor, 0 or more
         * @param childFd the number it gets in the child, 0 or more; 0, 1 or 2
         *        replaces that standard stream
     * @return this builder
         * @see #build() which rejects a negative number, a {@code childFd}
         *      passed twice or also given a pipe, and a standard stream also set
         *      by a redirect
         */
        public Builder passFd(int parentFd, int childFd) {
            if (parentFd < 0 || childFd < 0) {
                passErrors.add("passFd: descriptors must not be negative (parent " + parentFd
                        + ", child " + childFd + ")");
            } else if (passedFds.putIfAbsent(childFd, parentFd) != null) {
                passErrors.add("passFd: child fd " + childFd + " is passed twice");
            }
            return this;
        }

        /**
         * Gives the child a pipe it reads at descriptor {@code childFd} (3 or
         * more); the parent writes it through {@link ChildProcess#pipeTo(int)}.
         * Like {@link Redirect#PIPE} for stdin, but at any number. Needs
         * {@link Feature#PASS_FD}.
         *
         * @param childFd the child's descriptor number, 3 or more; {@link #build()}
         *        rejects a smaller one, and one already given a pipe or passed
         *        by {@link #passFd(int, int)}
     * @return this builder
         */
        public Builder pipeToChild(int childFd) {
            return pipe(childFd, PipeDirection.TO_CHILD);
        }

        /**
         * Gives the child a pipe it writes at descriptor {@code childFd} (3 or
         * more); the parent reads it through {@link ChildProcess#pipeFrom(int)}.
         * Needs {@link Feature#PASS_FD}.
         *
         * @param childFd the child's descriptor number, 3 or more; {@link #build()}
         *        rejects a smaller one, and one already given a pipe or passed
         *        by {@link #passFd(int, int)}
     * @return this builder
         */
        public Builder pipeFromChild(int childFd) {
            return pipe(childFd, PipeDirection.FROM_CHILD);
        }

        private Builder pipe(int childFd, PipeDirection direction) {
            if (childFd < 3) {
                passErrors.add("pipe: child fd " + childFd + " is below 3; use stdin/stdout/stderr for 0-2");
            } else if (pipes.putIfAbsent(childFd, direction) != null) {
                passErrors.add("pipe: child fd " + childFd + " is given two pipes");
            }
            return this;
        }

        /**
         * The child calls {@code setsid()}: it leads a new session and process
         * group. Needs {@link Feature#NEW_SESSION}; {@link #build()} rejects it
         * together with {@link #processGroup(int)}.
         *
     * @return this builder
         */
        public Builder newSession() {
            this.newSession = true;
            return this;
        }

        /**
         * The child joins process group {@code pgid}; 0 makes it lead a new
         * group. Needs {@link Feature#PROCESS_GROUP}; joining a group of
         * another session fails the spawn (stage {@code SETPGID}).
         *
         * @param pgid the group id, or 0 for a new group; {@link #build()}
         *        rejects a negative one, and any together with {@link #newSession()}
     * @return this builder
         */
        public Builder processGroup(int pgid) {
            this.processGroup = pgid;
            return this;
        }

        /**
         * The child's file mode creation mask. Needs {@link Feature#UMASK}.
         *
         * <p>A file that a {@link Redirect#to(Path)} or
         * {@link Redirect#appendTo(Path)} redirect creates is created by the
         * library in the parent, before the child exists: it gets mode
         * {@code 0666} masked by this umask <em>and</em> by the parent's, so
         * it is never more open than either allows (with {@code umask(077)},
         * {@code 0600}). An existing file keeps its mode.
         *
         * @param mask the mask, 0 to 0777; {@link #build()} rejects others
     * @return this builder
         */
        public Builder umask(int mask) {
            this.umask = mask;
            return this;
        }

        /**
         * Sets a resource limit in the child. Values are non-negative or
         * {@link #UNLIMITED}; the soft limit may not exceed the hard one.
         * Raising a hard limit above the parent's needs privilege, and fails
         * the spawn with stage {@code RLIMIT}. Needs {@link Feature#RLIMITS};
         * setting the same limit again replaces it.
         *
         * @param limit which resource
         * @param soft the soft limit, 0 or more, or {@link #UNLIMITED}
         * @param hard the hard limit, 0 or more, or {@link #UNLIMITED}
     * @return this builder
         * @throws NullPointerException if {@code limit} is null
         * @see #build() build(), which rejects bad values, as ResourceLimit does
         */
        public Builder rlimit(Limit limit, long soft, long hard) {
            limits.put(Objects.requireNonNull(limit, "limit"), new long[] {soft, hard});
            return this;
        }

        /**
         * Kills the child with SIGKILL when the parent JVM dies, however it
         * dies ({@code PR_SET_PDEATHSIG} on Linux). Needs
         * {@link Feature#KILL_ON_PARENT_DEATH}.
         *
     * @return this builder
         */
        public Builder killOnParentDeath() {
            this.killOnParentDeath = true;
            return this;
        }

        /**
         * Looks a bare program name up in this JVM's {@code PATH}
         * ({@link System#getenv(String) System.getenv("PATH")}, or
         * {@code /bin:/usr/bin} when it has none) instead of the child's, as
         * {@link ProcessBuilder} does; the child's environment is not changed.
         * A name found only through a relative entry is still refused (see
         * the class description). Every strategy honours it.
         *
         * @return this builder
         */
        public Builder searchParentPath() {
            this.searchParentPath = true;
            return this;
        }

        /**
         * Which processes {@link ChildProcess#terminate(java.time.Duration)} and
         * {@link ChildProcess#close()} end; default {@link KillScope#PROCESS}.
         * {@link KillScope#GROUP} needs the child to lead its group
         * ({@link #newSession()} or {@code processGroup(0)}), which
         * {@link #build()} checks; {@link KillScope#TREE} needs
         * {@link Feature#TREE_KILL}.
         *
         * @param scope the scope
         * @return this builder
         * @throws NullPointerException if {@code scope} is null
         */
        public Builder killScope(KillScope scope) {
            this.killScope = Objects.requireNonNull(scope, "killScope");
            return this;
        }

        /**
         * When the child's streams end; default {@link StreamEnd#AT_EXIT}, as
         * {@link ProcessBuilder}'s do. With the default, a child that leaves a
         * grandchild running in the background (a daemon, {@code sh -c 'server &'})
         * does not keep a reader of its output waiting for that grandchild:
         * once the child has exited, what it wrote is read and the stream
         * ends. {@link StreamEnd#LAST_WRITER} keeps reading until the
         * grandchild closes the pipe too, and needs
         * {@link Feature#STREAMS_OUTLIVE_CHILD}. See {@link StreamEnd} for
         * what a reader and a writer see in each case, and when descriptors
         * are released.
         *
         * @param end when the streams end
         * @return this builder
         * @throws NullPointerException if {@code end} is null
         */
        public Builder streamEnd(StreamEnd end) {
            this.streamEnd = Objects.requireNonNull(end, "streamEnd");
            return this;
        }

        /**
         * Checks every field and returns the command.
         *
         * @return a new immutable command, independent of later changes to
         *         this builder; never null
         * @throws IllegalArgumentException naming the first bad field: no
         *         program or an empty one, a NUL byte in an argument, the
         *         directory or the environment, an empty environment name or one
         *         containing {@code '='}, a bad descriptor, redirect, process
         *         group, umask or resource limit (see each setter), or a
         *         {@link KillScope#GROUP} kill scope for a child that leads no group
         */
        public Command build() {
            check(!argv.isEmpty(), "argv: empty, it must name a program");
            check(!argv.get(0).isEmpty(), "argv[0]: empty program name");
            for (int i = 0; i < argv.size(); i++) {
                if (argv.get(i).indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("argv[" + i + "]: contains a NUL byte");
                }
            }
            // An untouched environment is the shared snapshot of the parent's, checked once.
            String envProblem = env == null ? InheritedEnvironment.PROBLEM : environmentProblem(env);
            if (envProblem != null) {
                throw new IllegalArgumentException(envProblem);
            }
            check(directory == null || directory.toString().indexOf('\0') < 0, "directory: contains a NUL byte");
            if (!passErrors.isEmpty()) {
                throw new IllegalArgumentException(passErrors.get(0));
            }
            for (int fd : pipes.keySet()) {
                check(!passedFds.containsKey(fd), () -> "pipe: child fd " + fd + " is also set by passFd");
            }
            checkStream("stdin", stdin, 0, Redirect.Kind.WRITE, Redirect.Kind.APPEND);
            checkStream("stdout", stdout, 1, Redirect.Kind.READ);
            checkStream("stderr", stderr, 2, Redirect.Kind.READ);
            check(!(redirectErrorStream && stderr != null),
                    "stderr: set together with redirectErrorStream()");
            check(!(redirectErrorStream && passedFds.containsKey(2)),
                    "passFd: child fd 2 is also joined to stdout by redirectErrorStream()");
            check(processGroup == null || processGroup >= 0, () -> "processGroup: " + processGroup + " is negative");
            check(!(newSession && processGroup != null),
                    "processGroup: a new session's leader already leads its own group");
            check(killScope != KillScope.GROUP || newSession || (processGroup != null && processGroup == 0),
                    "killScope: GROUP needs a child that leads its group: newSession() or processGroup(0)");
            check(umask == null || (umask >= 0 && umask <= 0777),
                    () -> "umask: " + Integer.toOctalString(umask) + " is not in 0..0777");
            Map<Limit, ResourceLimit> checkedLimits = new EnumMap<>(Limit.class);
            for (Map.Entry<Limit, long[]> e : limits.entrySet()) {
                String problem = ResourceLimit.problem(e.getValue()[0], e.getValue()[1]);
                check(problem == null, () -> "rlimit " + e.getKey() + ": " + problem);
                checkedLimits.put(e.getKey(), new ResourceLimit(e.getValue()[0], e.getValue()[1]));
            }
            return new Command(this, checkedLimits);
        }

        private void checkStream(String name, Redirect r, int fd, Redirect.Kind... invalid) {
            check(!(r != null && passedFds.containsKey(fd)),
                    () -> "passFd: child fd " + fd + " is also set by " + name + "(" + r + ")");
            for (Redirect.Kind k : invalid) {
                check(r == null || r.kind() != k, () -> name + ": " + k + " redirect is not valid for " + name);
            }
        }

        private Map<String, String> environment() {
            if (env == null) {
                env = new LinkedHashMap<>(InheritedEnvironment.MAP);
            }
            return env;
        }

        /** What is wrong with the first bad entry of {@code env}, or null; messages are built only on failure. */
        static String environmentProblem(Map<String, String> env) {
            for (Map.Entry<String, String> e : env.entrySet()) {
                String name = e.getKey();
                if (name.isEmpty()) {
                    return "env: empty variable name";
                }
                if (name.indexOf('=') >= 0) {
                    return "env " + name + ": name contains '='";
                }
                if (name.indexOf('\0') >= 0) {
                    return "env " + name.replace('\0', '?') + ": name contains a NUL byte";
                }
                if (e.getValue().indexOf('\0') >= 0) {
                    return "env " + name + ": value contains a NUL byte";
                }
            }
            return null;
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }

        /** The same, with a message built only on failure: build() runs on every spawn's path. */
        private static void check(boolean ok, Supplier<String> message) {
            if (!ok) {
                throw new IllegalArgumentException(message.get());
            }
        }
    }

    /**
     * The parent's environment, copied once: {@link System#getenv()} is a
     * snapshot that never changes, so every command that keeps it can share
     * one map (and strategies can encode it once).
     */
    private static final class InheritedEnvironment {
        static final Map<String, String> MAP = Collections.unmodifiableMap(new LinkedHashMap<>(System.getenv()));
        static final String PROBLEM = Builder.environmentProblem(MAP);
    }
}
