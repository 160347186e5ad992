package dev.safespawn.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * Every launcher the benchmarks compare, by the name used in JMH parameters,
 * tables and plots.
 */
enum LauncherKind {
    POSIX_SPAWN("posix_spawn", "safespawn posix_spawn", true),
    FORK_EXEC_VFORK("fork_exec_vfork", "safespawn fork_exec (vfork)", true),
    FORK_EXEC_FORK("fork_exec_fork", "safespawn fork_exec (fork)", true),
    ZYGOTE("zygote", "safespawn zygote", true),
    ZYGOTE_STANDBY2("zygote_standby2", "safespawn zygote, standby 2", true),
    ZYGOTE_STATIC("zygote_static", "safespawn zygote, static musl build", true),
    PROCESS_BUILDER("processbuilder", "ProcessBuilder", false),
    COMMONS_EXEC("commons_exec", "Commons Exec", false),
    NUPROCESS("nuprocess", "NuProcess", false);

    private final String id;
    private final String label;
    private final boolean safespawn;

    LauncherKind(String id, String label, boolean safespawn) {
        this.id = id;
        this.label = label;
        this.safespawn = safespawn;
    }

    /** The name in JMH parameters and on the command line. */
    String id() {
        return id;
    }

    /** The name in tables and plots. */
    String label() {
        return label;
    }

    /** Whether this is one of safespawn's strategies (rather than a peer library). */
    boolean isSafespawn() {
        return safespawn;
    }

    /** Opens a fresh launcher of this kind; spawners and servers start now, not on first use. */
    Launcher open() {
        return switch (this) {
            case POSIX_SPAWN -> new SafespawnLauncher("posix_spawn", null, null);
            case FORK_EXEC_VFORK -> new SafespawnLauncher("fork_exec", "safespawn.forkexec.mode", "vfork");
            case FORK_EXEC_FORK -> new SafespawnLauncher("fork_exec", "safespawn.forkexec.mode", "fork");
            case ZYGOTE -> new SafespawnLauncher("zygote", "safespawn.zygote.standby", "0");
            case ZYGOTE_STANDBY2 -> new SafespawnLauncher("zygote", "safespawn.zygote.standby", "2");
            // The build a JVM on musl runs (made for x86-64 only), chosen by the strategies' test switch.
            case ZYGOTE_STATIC -> new SafespawnLauncher("zygote", "safespawn.internal.zygote.resource",
                    "/linux-x86-64/safespawn-zygote-static");
            case PROCESS_BUILDER -> new ProcessBuilderLauncher();
            case COMMONS_EXEC -> new CommonsExecLauncher();
            case NUPROCESS -> new NuProcessLauncher();
        };
    }

    static LauncherKind byId(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown launcher " + id + "; known: " + ids(values())));
    }

    static String ids(LauncherKind... kinds) {
        return String.join(",", Arrays.stream(kinds).map(LauncherKind::id).toList());
    }

    static List<LauncherKind> all() {
        return List.of(values());
    }
}
