package dev.safespawn.pool;

import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * How a worker JVM finds and runs {@link WorkerMain}: the {@code java}
 * arguments between the JVM options and the worker's own, derived from where
 * the pool's classes were actually loaded, not only from
 * {@code java.class.path} (which, under a launcher with its own class loaders
 * such as {@code mvn exec:java}, or on the module path, lacks safespawn-core).
 *
 * <p>When safespawn-core runs as a named module of the boot layer, so do
 * workers, with the same module graph: this JVM's module path and upgrade
 * module path, its {@code --patch-module} and {@code --limit-modules}, and
 * every module of its boot layer named as a root. Naming them all, rather
 * than the main module alone or {@code ALL-MODULE-PATH}, resolves exactly
 * the parent's modules: those it added with {@code --add-modules} and those
 * bound as service providers too, and none that it did not resolve (which
 * might not resolve at all). Otherwise workers run from a class path.
 * Immutable and thread-safe.
 *
 * @param arguments the {@code java} arguments, ending with the main class or module
 */
record WorkerLaunch(List<String> arguments) {
    /** The module-resolution options a worker is given as the parent was; others only on request. */
    private static final Set<String> MODULE_GRAPH = Set.of("--patch-module", "--limit-modules");

    WorkerLaunch {
        arguments = List.copyOf(arguments);
    }

    /** Workers run from {@code classPath}, as a user set it. */
    static WorkerLaunch classPath(String classPath) {
        return new WorkerLaunch(List.of("-cp", classPath, WorkerMain.class.getName()));
    }

    /** Whether workers run on the module path, with this JVM's named modules as named modules. */
    boolean isModular() {
        return arguments.size() >= 2 && arguments.get(arguments.size() - 2).equals("-m");
    }

    /** The names of the options this launch sets, which a worker must not inherit a second time. */
    Set<String> optionNames() {
        Set<String> names = new LinkedHashSet<>();
        arguments.stream().filter(a -> a.startsWith("-")).forEach(a -> names.add(JvmOptions.name(a)));
        return names;
    }

    /**
     * This JVM's launch for workers.
     *
     * @param extra classes whose locations workers need too, such as the initializer's
     * @throws IllegalStateException if neither a module path nor a class path can be told
     */
    static WorkerLaunch derive(List<Class<?>> extra) {
        Module core = WorkerMain.class.getModule();
        String classPath = System.getProperty("java.class.path", "");
        if (core.isNamed() && core.getLayer() == ModuleLayer.boot()) {
            Map<String, Optional<URI>> modules = new TreeMap<>();
            ModuleLayer.boot().configuration().modules()
                    .forEach(m -> modules.put(m.name(), m.reference().location()));
            List<Path> unnamed = new ArrayList<>();
            extra.stream().filter(c -> !c.getModule().isNamed())
                    .forEach(c -> locationOf(c).ifPresent(unnamed::add));
            return modular(core.getName(), System.getProperty("jdk.module.path"),
                    System.getProperty("jdk.module.upgrade.path"), modules, JvmOptions.ofThisJvm(), classPath,
                    unnamed);
        }
        List<Path> extraLocations = new ArrayList<>();
        extra.forEach(c -> locationOf(c).ifPresent(extraLocations::add));
        extraLocations.addAll(locationsOf(Thread.currentThread().getContextClassLoader()));
        return classPath(deriveClassPath(locationOf(WorkerMain.class), classPath,
                System.getProperty("jdk.module.path"), extraLocations));
    }

    /**
     * A launch on the module path, with this JVM's module graph.
     *
     * @param coreModule safespawn-core's module name
     * @param modulePath this JVM's {@code jdk.module.path}, or null
     * @param upgradeModulePath this JVM's {@code jdk.module.upgrade.path}, or null
     * @param bootModules every module of the boot layer, by name, with its location
     * @param jvmOptions this JVM's options, {@link JvmOptions#normalize normalized}
     * @param classPath this JVM's {@code java.class.path}, possibly empty
     * @param extra locations of classes in no named module, such as the initializer's
     * @throws IllegalStateException if a module was loaded from somewhere a
     *         worker's {@code java} cannot be pointed at
     */
    static WorkerLaunch modular(String coreModule, String modulePath, String upgradeModulePath,
                                Map<String, Optional<URI>> bootModules, List<String> jvmOptions,
                                String classPath, List<Path> extra) {
        boolean fromFiles = false;
        for (Map.Entry<String, Optional<URI>> module : bootModules.entrySet()) {
            String scheme = module.getValue().map(URI::getScheme).orElse("");
            if (!scheme.equals("jrt") && !scheme.equals("file")) {
                throw cannotTell("module path", "module " + module.getKey() + " was loaded from "
                        + module.getValue().map(URI::toString).orElse("no location"));
            }
            fromFiles |= scheme.equals("file");
        }
        if (fromFiles && modulePath == null && upgradeModulePath == null) {
            throw cannotTell("module path", "modules were loaded from files, but jdk.module.path is not set");
        }
        List<String> arguments = new ArrayList<>();
        if (modulePath != null) {
            arguments.addAll(List.of("--module-path", absolutePath(modulePath)));
        }
        if (upgradeModulePath != null) {
            arguments.addAll(List.of("--upgrade-module-path", absolutePath(upgradeModulePath)));
        }
        for (String option : jvmOptions) {
            String name = JvmOptions.name(option);
            if (MODULE_GRAPH.contains(name) && option.length() > name.length()) {
                String value = option.substring(name.length() + 1);
                int equals = value.indexOf('='); // --patch-module module=paths
                arguments.addAll(List.of(name, equals < 0 ? value
                        : value.substring(0, equals + 1) + absolutePath(value.substring(equals + 1))));
            }
        }
        arguments.addAll(List.of("--add-modules", String.join(",", new TreeMap<>(bootModules).keySet())));
        Set<String> classPathEntries = new LinkedHashSet<>();
        split(classPath).forEach(e -> classPathEntries.add(absolute(e)));
        extra.forEach(p -> classPathEntries.add(absolute(p.toString())));
        if (!classPathEntries.isEmpty()) {
            arguments.addAll(List.of("-cp", String.join(File.pathSeparator, classPathEntries)));
        }
        arguments.addAll(List.of("-m", coreModule + "/" + WorkerMain.class.getName()));
        return new WorkerLaunch(arguments);
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
        return source == null ? Optional.empty() : fileOf(source.getLocation());
    }

    /**
     * The jars and directories of {@code loader} and its parents, parents'
     * first as they are searched: under a launcher that loads the
     * application through a class loader of its own ({@code mvn exec:java},
     * which makes it the context class loader), that is where the tasks'
     * classes and their libraries are. Loaders that do not list their
     * locations (the JDK's own) add nothing.
     */
    static List<Path> locationsOf(ClassLoader loader) {
        List<Path> locations = new ArrayList<>();
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader urls) {
                List<Path> own = new ArrayList<>();
                for (URL url : urls.getURLs()) {
                    fileOf(url).ifPresent(own::add);
                }
                locations.addAll(0, own);
            }
        }
        return locations;
    }

    private static Optional<Path> fileOf(URL url) {
        if (url == null || !"file".equals(url.getProtocol())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(url.toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) { // InvalidPathException among them
            return Optional.empty();
        }
    }

    /**
     * The class path for workers when safespawn-core is not a named module:
     * the pool's own location first (so a different copy of safespawn-core
     * further along cannot shadow the one that speaks this pool's protocol),
     * then this JVM's class path, then its module path (modules run as plain
     * jars in a worker, which is all a task needs to be deserialized and
     * run), then {@code extra} (the initializer's location, the context
     * class loader's). Relative entries are made absolute, since a
     * worker may run in another directory; duplicates are dropped.
     *
     * @param poolLocation where {@link WorkerMain} was loaded from
     * @param javaClassPath this JVM's {@code java.class.path}, possibly empty
     * @param modulePath this JVM's {@code jdk.module.path}, or null
     * @param extra further locations, such as the initializer's
     * @return the class path, in the {@code -cp} syntax
     * @throws IllegalStateException if {@code poolLocation} is empty
     */
    static String deriveClassPath(Optional<Path> poolLocation, String javaClassPath, String modulePath,
                                  List<Path> extra) {
        Path pool = poolLocation.orElseThrow(() -> cannotTell("class path", WorkerMain.class.getName()
                + " was not loaded from a jar or directory (it has no file code source)"));
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

    private static IllegalStateException cannotTell(String what, String why) {
        return new IllegalStateException("cannot tell the workers' " + what + ": " + why + "; call"
                + " ProcessPool.Builder.classpath(...) with a class path that holds safespawn-core and the"
                + " tasks' classes");
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

    private static String absolutePath(String path) {
        List<String> entries = new ArrayList<>();
        split(path).forEach(e -> entries.add(absolute(e)));
        return String.join(File.pathSeparator, entries);
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
