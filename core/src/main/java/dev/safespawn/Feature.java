package dev.safespawn;

/**
 * Capabilities a strategy may lack. The spawner {@link Spawner#create()} makes
 * sends a {@link Command} to a strategy that has every feature it needs; a
 * command needing a feature that no strategy there has, or that the strategy a
 * spawner is pinned to ({@link Spawner#of(String)}) lacks, fails at
 * {@link Spawner#spawn(Command)} with a {@link SpawnException} of stage
 * {@link SpawnException.Stage#FEATURE} naming the feature and the strategies
 * that have it; it is never silently ignored.
 *
 * <p>An enum: immutable and thread-safe. A strategy's features are fixed for
 * its lifetime ({@link Spawner#features()}); what a command needs is
 * {@link Command#requiredFeatures()}.
 */
public enum Feature {
    /** {@link Command.Builder#passFd(int, int)}: hand extra descriptors to the child. */
    PASS_FD,
    /** {@link Command.Builder#newSession()}: the child leads a new session. */
    NEW_SESSION,
    /** {@link Command.Builder#processGroup(int)}: place the child in a process group. */
    PROCESS_GROUP,
    /**
     * {@link ChildProcess#signal(int)} and {@link ChildProcess#signalGroup(int)}
     * with any signal, and {@link ExitStatus} telling death by a signal apart from
     * an exit code.
     */
    SIGNALS,
    /**
     * The child starts with an empty signal mask and every signal at its default
     * disposition, whatever the spawning thread had blocked or the JVM ignored.
     */
    SIGNAL_RESET,
    /**
     * Closing a {@link ChildProcess} stream wakes a thread blocked reading or
     * writing it. Without it (ProcessBuilder's streams), such a thread stays
     * blocked until the child writes, reads or exits.
     */
    ASYNC_CLOSE,
    /** {@link Command.Builder#umask(int)}. */
    UMASK,
    /** {@link Command.Builder#rlimit(Command.Limit, long, long)}. */
    RLIMITS,
    /** {@link Command.Builder#killOnParentDeath()}. */
    KILL_ON_PARENT_DEATH,
    /**
     * {@link Spawner#spawnAsync(Command, ChildHandler)}: the child's streams
     * are driven by the library's event loop through a {@link ChildHandler},
     * with no thread per child.
     */
    ASYNC_IO,
    /**
     * {@link Command.KillScope#TREE}: the strategy keeps track of every
     * descendant of the child, including orphans that would otherwise be
     * re-parented to {@code init}, and can end them all.
     */
    TREE_KILL,
    /**
     * {@link Spawner#spawn(Pipeline)}: start a {@link Pipeline}'s stages
     * connected child to child. Asked for by pipelines, never by a command.
     */
    PIPELINE,
    /**
     * {@link Command.Builder#streamEnd(Command.StreamEnd)} with
     * {@link Command.StreamEnd#LAST_WRITER}: a child's streams stay open after
     * its exit while a grandchild holds the pipes. ProcessBuilder's streams
     * always end at the child's exit.
     */
    STREAMS_OUTLIVE_CHILD
}
