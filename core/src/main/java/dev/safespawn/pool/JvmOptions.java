package dev.safespawn.pool;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * This JVM's own start-up options, and which of them a worker inherits. The
 * source is {@code RuntimeMXBean.getInputArguments()}: unlike the process's
 * command line it holds {@code JAVA_TOOL_OPTIONS} and {@code JDK_JAVA_OPTIONS}
 * and leaves out the main class and the application's arguments. JDK 17 to 25
 * report an option given as two words ({@code --add-opens x=y}) as one
 * ({@code --add-opens=x=y}); {@link #normalize} makes sure of it, so a prefix
 * such as {@code --add-opens} matches whichever way the option was written.
 * Stateless and thread-safe.
 */
final class JvmOptions {
    /** The launcher's options whose value may come as the next word. */
    private static final Set<String> TWO_WORDS = Set.of("--add-opens", "--add-exports", "--add-reads",
            "--add-modules", "--limit-modules", "--patch-module", "--module-path", "-p", "--upgrade-module-path",
            "--enable-native-access");

    /**
     * Never inherited, whatever the prefixes: a debugger agent listens on a
     * fixed port, already taken by this JVM (or waits for a debugger before
     * main, with {@code suspend=y}), so a worker would fail to start or hang;
     * the class-data-sharing options write or map an archive that the pool
     * manages itself; the class path and the {@code jdk.module.*} properties
     * are the launch's to set (the JVM ignores the latter from a command line).
     */
    private static final List<String> NEVER = List.of("-agentlib:jdwp", "-Xrunjdwp", "-Xdebug",
            "-XX:ArchiveClassesAtExit", "-XX:SharedArchiveFile", "-XX:+AutoCreateSharedArchive",
            "-XX:DumpLoadedClassList", "-XX:SharedClassListFile", "-Xshare:",
            "-Djava.class.path=", "-Djdk.module.", "--module-path=", "-p=");

    private JvmOptions() {
    }

    /** This JVM's start-up options, each one word. */
    static List<String> ofThisJvm() {
        return normalize(ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** {@code options} with every two-word option ({@code --add-opens x=y}) joined into one ({@code --add-opens=x=y}). */
    static List<String> normalize(List<String> options) {
        List<String> joined = new ArrayList<>();
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            if (TWO_WORDS.contains(option) && i + 1 < options.size()) {
                joined.add(option + "=" + options.get(++i));
            } else {
                joined.add(option);
            }
        }
        return joined;
    }

    /**
     * The options a worker inherits: those of {@code options} that start
     * with one of {@code prefixes}, less those {@link #NEVER never}
     * inherited and those named like one the launch sets itself (its value
     * wins), in their order.
     *
     * @param options this JVM's options, {@link #normalize normalized}
     * @param prefixes what the user asked for, none empty
     * @param launch the worker's launch, whose own options are not inherited
     */
    static List<String> inherited(List<String> options, List<String> prefixes, WorkerLaunch launch) {
        Set<String> launchSets = launch.optionNames();
        List<String> inherited = new ArrayList<>();
        for (String option : options) {
            if (prefixes.stream().anyMatch(option::startsWith) && NEVER.stream().noneMatch(option::startsWith)
                    && !launchSets.contains(name(option))) {
                inherited.add(option);
            }
        }
        return inherited;
    }

    /** An option's name: what comes before its {@code =}, if it has one. */
    static String name(String option) {
        int equals = option.indexOf('=');
        return equals < 0 ? option : option.substring(0, equals);
    }
}
