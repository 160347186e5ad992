package dev.safespawn.strategies.zygote;

import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.internal.ExecutableResolver;
import dev.safespawn.strategies.internal.ChildSetupAbi;
import dev.safespawn.strategies.internal.HandlerDriver;
import dev.safespawn.strategies.internal.NativeBuilds;
import dev.safespawn.strategies.internal.NativeSupport;
import dev.safespawn.strategies.internal.PipedStrategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Spawns through a zygote: a small single-threaded C server
 * ({@code src/main/c/zygote.c}) started by exec when the spawner is created,
 * before the application's threads and descriptors multiply. Each spawn is a
 * request over a private socketpair; the server forks with the same child
 * set-up code as fork_exec. Its children inherit nothing from the JVM, cost
 * the same however large the JVM grows, and die with the JVM however it dies:
 * the server kills them when its socket reaches end of file, and each child
 * carries {@code PR_SET_PDEATHSIG} against the server.
 *
 * <p>Start it first thing in {@code main} with {@code Spawner.of("zygote")}
 * and keep that spawner. If the server dies, spawns in flight fail with a
 * {@link dev.safespawn.SpawnException} saying so, its live children complete
 * with {@link dev.safespawn.ExitStatus#lost}, and the next spawn starts a new
 * server. Closing the spawner shuts the server down once its last child has
 * exited. The system property {@value #KEEP_CHILDREN_PROPERTY}{@code =true}
 * lets children outlive the JVM instead, and {@value #STANDBY_PROPERTY}{@code =N}
 * (0 to 16, default 0) keeps N children forked ahead of demand so a spawn
 * costs little more than the exec. Both are read when the spawner is created.
 *
 * <p>Its limits, below the kernel's: a request carries at most 128 KiB of
 * arguments and environment and gives the child at most 64 descriptors
 * (stdio pipes and passed ones), as the server reads each request into a
 * fixed buffer; a command beyond either fails at spawn with a
 * {@link dev.safespawn.SpawnException} ({@code E2BIG}) naming the limit, and
 * the server serves on. {@code posix_spawn} and {@code fork_exec} take what
 * the kernel takes.
 *
 * <p>The only strategy with {@link Feature#TREE_KILL}: a command with
 * {@link Command.KillScope#TREE} is started by a tree keeper, a small C
 * process of the server that is a child subreaper
 * ({@code PR_SET_CHILD_SUBREAPER}), so every orphan of the child's tree is
 * re-parented to the keeper rather than to {@code init}, and the keeper can
 * kill and reap them all (see {@code tree_keeper.h}). The JVM cannot do
 * this itself: as a subreaper it would adopt orphans it has no way to reap
 * without taking children of other libraries' {@code waitpid}. Without
 * pidfds (Linux before 5.3) {@code SIGTERM} reaches the child and the
 * orphans the keeper has adopted, and {@code SIGKILL} still the whole tree.
 */
public final class ZygoteStrategy implements PipedStrategy {
    /** System property: {@code true} to let children outlive the JVM and the server. */
    public static final String KEEP_CHILDREN_PROPERTY = "safespawn.zygote.keepChildren";
    /** System property: how many pre-forked standby children the server keeps (0 to 16). */
    public static final String STANDBY_PROPERTY = "safespawn.zygote.standby";
    static final String NAME = "zygote";

    // Only the switch is read now: which server fits this C library is found on
    // first need, since making a strategy must not load native code (a
    // Spawner.of("jdk") makes every strategy).
    private final String chosenResource = NativeBuilds.chosenZygoteResource();
    private volatile String resource; // found once; racing threads find the same
    private final boolean keepChildren = Boolean.getBoolean(KEEP_CHILDREN_PROPERTY);
    private final int standby = Math.max(0, Math.min(16, Integer.getInteger(STANDBY_PROPERTY, 0)));
    // Not a monitor: the first spawn starts the server while holding it, and a
    // virtual thread waiting on a monitor (or parking inside one) pins its carrier before JDK 24.
    private final ReentrantLock lock = new ReentrantLock();
    private ZygoteClient client; // guarded by lock
    private boolean closed; // guarded by lock

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 80;
    }

    @Override
    public boolean isAvailable() {
        return unavailabilityCause().isEmpty();
    }

    @Override
    public Optional<String> unavailabilityCause() {
        Optional<String> libc = NativeSupport.libcUnavailability();
        if (libc.isPresent()) {
            return libc;
        }
        if (binary().isEmpty()) {
            return Optional.of("this jar has no zygote server for this platform (" + resource() + ")");
        }
        return ServerLauncher.unavailability();
    }

    @Override
    public Set<Feature> features() {
        return EnumSet.allOf(Feature.class);
    }

    /**
     * The machine's facts, then which build of the server this JVM runs
     * ({@link NativeBuilds}), where it is (or will be) extracted, what starts it, and the standby and keep-children settings.
     */
    @Override
    public Map<String, String> diagnostics() {
        Map<String, String> facts = NativeSupport.diagnostics();
        facts.put("zygote.build", resource());
        facts.put("zygote.binary", binaryFact());
        facts.put("zygote.launcher", ServerLauncher.unavailability().map(why -> "none: " + why)
                .orElse("the fork_exec shim's child set-up"));
        facts.put("zygote.standby", String.valueOf(standby));
        facts.put("zygote.keep_children", keepChildren ? "yes" : "no");
        return facts;
    }

    private String binaryFact() {
        Optional<ZygoteBinary> binary = binary();
        if (binary.isEmpty()) {
            return "none in this jar for this platform (" + resource() + ")";
        }
        try {
            Path exe = binary.get().location();
            return exe + (Files.exists(exe) ? "" : " (not extracted yet)")
                    + ZygoteBinary.noexecDiagnosis(exe).map(d -> "; " + d).orElse("");
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    @Override
    public void start() throws IOException {
        client();
    }

    @Override
    public ZygoteChildProcess spawnPiped(Command command, HandlerDriver.StdioClaim claim) throws IOException {
        String executable = ExecutableResolver.resolve(command);
        return client().spawn(command, executable, ChildSetupAbi.SS_CLOSE_AUTO, claim);
    }

    private String resource() {
        String r = resource;
        if (r == null) {
            r = NativeBuilds.zygoteResource(chosenResource);
            resource = r;
        }
        return r;
    }

    private Optional<ZygoteBinary> binary() {
        return ZygoteBinary.packaged(resource());
    }

    /** The pid of the running server, for diagnostics and tests. */
    public long serverPid() throws IOException {
        return client().serverPid();
    }

    private ZygoteClient client() throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("this zygote spawner has been closed");
            }
            if (client == null || !client.isAlive()) {
                if (!isAvailable()) {
                    throw new IllegalStateException(NAME + " is not available: "
                            + unavailabilityCause().orElseThrow());
                }
                try (ZygoteBinary.Opened executable = binary().orElseThrow().verifiedExecutable()) {
                    client = ZygoteClient.start(executable, keepChildren, standby);
                }
            }
            return client;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (client != null) {
                client.closeWhenIdle();
            }
        } finally {
            lock.unlock();
        }
    }
}
