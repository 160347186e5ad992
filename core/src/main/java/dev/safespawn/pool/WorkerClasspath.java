package dev.safespawn.pool;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Derives a worker's class path from where the pool's classes were actually
 * loaded, not only from {@code java.class.path}: under a launcher with its own
 * class loaders ({@code mvn exec:java}, an application server) or on the
 * module path, {@code java.class.path} does not hold safespawn-core, and a
 * worker started with it cannot find its main class. Kept apart from the
 * builder so the rule changes here alone. Stateless and thread-safe.
 */
final class WorkerClasspath {
    private WorkerClasspath() {
    }

    /**
     * Where {@code type} was loaded from, as a file or directory, if that can be told.
     *
     * @return empty for a class without a code source (the JDK's, a generated
     *         one) or whose code source is not a file (inside a nested jar, a
     *         runtime image)
     */
    static Optional<Path> locationOf(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        URL url = source == null ? null : source.getLocation();
        if (url == null || !"file".equals(url.getProtocol())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(url.toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) { // InvalidPathException among them
            return Optional.empty();
        }
    }

    /** This JVM's inputs: the pool's own classes, the class and module paths, and {@code extra}'s locations. */
    static String derive(List<Class<?>> extra) {
        List<Path> extraLocations = new ArrayList<>();
        extra.forEach(c -> locationOf(c).ifPresent(extraLocations::add));
        return derive(locationOf(WorkerMain.class), System.getProperty("java.class.path", ""),
                System.getProperty("jdk.module.path"), extraLocations);
    }

    /**
     * The class path for workers: the pool's own location first (so a
     * different copy of safespawn-core further along cannot shadow the one
     * that speaks this pool's protocol), then this JVM's class path, then its
     * module path (modules run as plain jars in a worker, which is all a task
     * needs to be deserialized and run), then {@code extra}. Relative entries
     * are made absolute, since a worker may run in another directory;
     * duplicates are dropped.
     *
     * @param poolLocation where {@link WorkerMain} was loaded from
     * @param javaClassPath this JVM's {@code java.class.path}, possibly empty
     * @param modulePath this JVM's {@code jdk.module.path}, or null
     * @param extra further locations, such as the initializer's
     * @return the class path, in the {@code -cp} syntax
     * @throws IllegalStateException if {@code poolLocation} is empty
     */
    static String derive(Optional<Path> poolLocation, String javaClassPath, String modulePath, List<Path> extra) {
        Path pool = poolLocation.orElseThrow(() -> new IllegalStateException("cannot tell the workers' class path:"
                + " " + WorkerMain.class.getName() + " was not loaded from a jar or directory (it has no file"
                + " code source); call ProcessPool.Builder.classpath(...) with a class path that holds"
                + " safespawn-core and the tasks' classes"));
        Set<String> entries = new LinkedHashSet<>();
        entries.add(absolute(pool.toString()));
        for (String entry : split(javaClassPath)) {
            entries.add(absolute(entry));
        }
        for (String entry : split(modulePath)) {
            entries.add(moduleEntry(absolute(entry)));
        }
        extra.forEach(p -> entries.add(absolute(p.toString())));
        return String.join(File.pathSeparator, entries);
    }

    private static List<String> split(String path) {
        List<String> entries = new ArrayList<>();
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    entries.add(entry);
                }
            }
        }
        return entries;
    }

    private static String absolute(String entry) {
        try {
            return Path.of(entry).toAbsolutePath().normalize().toString();
        } catch (InvalidPathException e) {
            return entry; // the worker's JVM will ignore it as this one did
        }
    }

    /**
     * A module path entry as a class path entry: a directory on the module
     * path holds module jars (unless it is an exploded module), which a class
     * path reaches only through a wildcard.
     */
    private static String moduleEntry(String entry) {
        try {
            Path p = Path.of(entry);
            if (Files.isDirectory(p) && !Files.exists(p.resolve("module-info.class"))) {
                return p.resolve("*").toString();
            }
        } catch (InvalidPathException e) {
            // kept as it is, like any entry the worker's JVM will ignore
        }
        return entry;
    }
}
