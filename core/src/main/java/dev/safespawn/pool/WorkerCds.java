package dev.safespawn.pool;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Class-data sharing for worker JVMs: a dynamic CDS archive per worker
 * configuration, made once by a training JVM and mapped by every worker
 * started afterwards, so a worker boots without loading and verifying the
 * classes of its hot path again.
 *
 * <p>An archive's name is a hash of everything that makes it valid (the
 * JDK's real path and {@code release} file, each class path jar's path,
 * size and modification time, the JVM options and the option-carrying
 * environment variables), so a stale archive is never looked up: a changed
 * key is a new name, and the old archive is pruned later. Archives live in
 * a private directory ({@code $XDG_CACHE_HOME/safespawn/cds} or
 * {@code ~/.cache/safespawn/cds}, created {@code 0700}); a directory or
 * archive that is a symbolic link, is not owned by this process's user or is
 * writable by group or others is not used, since a worker JVM trusts what an
 * archive holds as it trusts its class path.
 *
 * <p>The archive is made in the background by a JVM of its own
 * ({@code WorkerMain cds}, see {@link #install}), at most one per archive
 * name in this JVM and none while another JVM's is under way (its temporary
 * file is recent). It ends with this JVM, as a worker does: it watches a pipe
 * from this JVM, and at its end kills the JVMs it runs, deletes its
 * temporary file and halts; so no process of the pool's outlives the
 * program, and a program that ends first leaves no archive (the next one
 * tries again). It runs the
 * training JVM ({@code WorkerMain train}, see {@link WorkerTraining}), which
 * writes to a temporary file; that is checked (exit status, magic, then a
 * {@code -Xshare:on -version} run that fails if the JVM cannot map it) and
 * only then renamed into place, atomically, so JVMs racing each install a
 * whole, working archive and a worker never maps half of one. Workers
 * started before the archive is ready boot without it. A training that
 * fails is not retried by this JVM.
 *
 * <p>Nothing here ever fails a worker: any doubt means no CDS. Thread-safe;
 * no method takes null, and only {@link #defaultCache} returns it.
 */
final class WorkerCds {
    /** Part of every archive's key: changed when the training or the options change, so older archives go unused. */
    private static final String FORMAT = "safespawn-cds-1";
    private static final String SUFFIX = ".jsa";
    private static final String TEMPORARY = ".tmp";
    /** Archives kept in the cache (the newest); each is one or two megabytes. */
    private static final int KEEP = 8;
    /** A temporary file this old was left by a training JVM killed midway. */
    private static final Duration ABANDONED = Duration.ofDays(1);
    /** Longest a training or check JVM may run before it is killed and CDS given up for its key. */
    private static final Duration RUN_LIMIT = Duration.ofMinutes(2);
    /** The first JDK that writes a dynamic archive ({@code -XX:ArchiveClassesAtExit}). */
    private static final int FIRST_JDK = 13;
    /** A dynamic archive's header magic, 0xf00baba8, as a little-endian JVM writes it. */
    private static final byte[] MAGIC = {(byte) 0xa8, (byte) 0xab, 0x0b, (byte) 0xf0};
    /**
     * JVM log output moved off stdout: with the stdio channel a worker's
     * stdout is the task channel, and a CDS warning there (an archive the JVM
     * refuses after all, say) would corrupt it. Given before the user's
     * options, so their own {@code -Xlog} still applies.
     */
    private static final List<String> QUIET = List.of("-Xlog:disable", "-Xlog:all=warning:stderr");
    /** Environment variables the JVM reads options from: they change what an archive must match. */
    private static final List<String> OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(?:1\\.)?(\\d+)");
    private static final CompletableFuture<Optional<Path>> NONE = CompletableFuture.completedFuture(Optional.empty());

    /** Trainings started by this JVM, by archive name; a finished one stays, so a failure is not repeated. */
    private static final Map<String, CompletableFuture<Optional<Path>>> TRAININGS = new ConcurrentHashMap<>();

    private WorkerCds() {
    }

    /** The default cache directory, or null if this JVM's environment names none that is absolute. */
    static Path defaultCache() {
        try {
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path base = xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                    : Path.of(System.getProperty("user.home", ""), ".cache");
            return base.isAbsolute() ? base.resolve("safespawn").resolve("cds") : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /**
     * The options to put before a worker's own: its archive and the log
     * settings, if an archive is ready; otherwise none, and a training is
     * started if there can be one.
     */
    static List<String> options(PoolConfig config) {
        return archive(config).getNow(Optional.empty()).map(WorkerCds::optionsFor).orElse(List.of());
    }

    private static List<String> optionsFor(Path archive) {
        List<String> options = new ArrayList<>(QUIET);
        options.add("-XX:SharedArchiveFile=" + archive);
        options.add("-Xshare:auto"); // an archive the JVM refuses after all means no CDS, not no worker
        return options;
    }

    /**
     * The archive for {@code config}: done with it if it is in the cache,
     * done with empty if there can be none, or the training making it.
     */
    static CompletableFuture<Optional<Path>> archive(PoolConfig config) {
        Path dir = config.cdsCache();
        try {
            Optional<String> name = dir == null ? Optional.empty() : name(config);
            // a path separator would split -XX:SharedArchiveFile into a base and a top archive
            if (name.isEmpty() || dir.toString().contains(File.pathSeparator) || !secureDirectory(dir)) {
                return NONE;
            }
            Path archive = dir.resolve(name.get() + SUFFIX);
            if (trusted(archive)) {
                return CompletableFuture.completedFuture(Optional.of(archive));
            }
            CompletableFuture<Optional<Path>> training = TRAININGS.computeIfAbsent(name.get(),
                    n -> startTraining(config, archive));
            if (training.isDone() && training.getNow(Optional.empty()).isPresent()) {
                // made here once, since pruned by another JVM: make it again
                TRAININGS.remove(name.get(), training);
                training = TRAININGS.computeIfAbsent(name.get(), n -> startTraining(config, archive));
            }
            return training;
        } catch (IOException | RuntimeException e) {
            return NONE; // CDS is only ever a speed-up
        }
    }

    /**
     * The archive's file name without suffix, or empty if the configuration
     * cannot have one: the workers run on the module path, the user chose
     * CDS options, a class path entry is not an existing jar (the JDK refuses
     * to archive with a non-empty directory on the class path), or the JDK is
     * older than 13 or has no {@code release} file to tell.
     */
    static Optional<String> name(PoolConfig config) throws IOException {
        Optional<String> classPath = classPath(config.launch());
        if (classPath.isEmpty()) {
            return Optional.empty();
        }
        for (String option : config.jvmOptions()) {
            if (option.startsWith("-Xshare:") && !option.equals("-Xshare:auto") || option.contains("SharedArchive")
                    || option.contains("ArchiveClassesAtExit") || option.contains("AOTCache")
                    || option.contains("AOTMode") || option.contains("SharedSpaces")) {
                return Optional.empty();
            }
        }
        Path java = config.javaExecutable().toRealPath();
        Path release = java.getParent().getParent().resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        String releaseText = Files.readString(release, StandardCharsets.UTF_8);
        Matcher version = JAVA_VERSION.matcher(releaseText);
        if (!version.find() || Integer.parseInt(version.group(1)) < FIRST_JDK) {
            return Optional.empty();
        }
        MessageDigest key = sha256();
        add(key, FORMAT);
        add(key, java.toString());
        add(key, releaseText);
        Path base = config.directory().orElse(Path.of("")).toAbsolutePath();
        for (String entry : classPath.get().split(File.pathSeparator, -1)) {
            if (entry.isEmpty() || entry.endsWith("*")) {
                return Optional.empty(); // the working directory, or a wildcard: directories after all
            }
            Path jar = base.resolve(entry);
            if (!Files.isRegularFile(jar)) {
                return Optional.empty();
            }
            add(key, jar.toString());
            add(key, Long.toString(Files.size(jar)));
            add(key, Long.toString(Files.getLastModifiedTime(jar).to(TimeUnit.NANOSECONDS)));
        }
        config.jvmOptions().forEach(o -> add(key, o));
        for (String variable : OPTION_VARIABLES) {
            add(key, variable + "=" + config.environment().getOrDefault(variable, ""));
        }
        return Optional.of(HexFormat.of().formatHex(key.digest(), 0, 20));
    }

    /**
     * The workers' class path, if they run from one ({@code -cp}, then
     * {@link WorkerMain}, as {@link WorkerLaunch#classPath} has it); empty for
     * workers on the module path, which get no archive.
     */
    static Optional<String> classPath(WorkerLaunch launch) {
        List<String> a = launch.arguments();
        return a.size() == 3 && a.get(0).equals("-cp") && a.get(2).equals(WorkerMain.class.getName())
                ? Optional.of(a.get(1)) : Optional.empty();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void add(MessageDigest key, String part) {
        key.update(part.getBytes(StandardCharsets.UTF_8));
        key.update((byte) 0); // no two sequences of parts hash alike
    }

    /** The cache directory, created private if missing; false if it is not this user's alone to write. */
    static boolean secureDirectory(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Map<String, Object> a = Files.readAttributes(dir, "unix:uid,mode,isDirectory", LinkOption.NOFOLLOW_LINKS);
        return (Boolean) a.get("isDirectory") && ownedAlone(a); // a symbolic link is not a directory here
    }

    /** True if {@code archive} is a regular file of this user's alone, starting as a dynamic archive does. */
    static boolean trusted(Path archive) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(archive, "unix:uid,mode,isRegularFile", LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        if (!(Boolean) a.get("isRegularFile") || !ownedAlone(a)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(archive, LinkOption.NOFOLLOW_LINKS)) {
            byte[] head = in.readNBytes(MAGIC.length);
            return java.util.Arrays.equals(head, MAGIC);
        }
    }

    private static boolean ownedAlone(Map<String, Object> attributes) {
        int writableByOthers = 0022;
        return ((Integer) attributes.get("uid")) == Uid.CURRENT && ((Integer) attributes.get("mode") & writableByOthers) == 0;
    }

    /** This process's user, read once. */
    private static final class Uid {
        /** /proc/self belongs to the process's effective user. */
        static final int CURRENT = current();

        private static int current() {
            try {
                return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            } catch (IOException | RuntimeException e) {
                return -1; // matches no file: no CDS
            }
        }
    }

    /**
     * Starts the training, unless another JVM's is under way: a JVM of its
     * own ({@code WorkerMain cds}, see {@link #install}) that runs the
     * training JVM, checks and installs its archive, and ends with this JVM
     * (its stdin is a pipe from this JVM, which the JDK's process reaper
     * keeps open while it runs). The JDK's own process launcher starts it,
     * not the pool's spawner: it outlives a pool closed at once, and the
     * spawner such a pool owns. It gets the workers' environment and directory.
     */
    private static CompletableFuture<Optional<Path>> startTraining(PoolConfig config, Path archive) {
        try {
            if (underWay(archive)) {
                return NONE; // the other JVM's archive is used once it is there
            }
            // the temporary file exists from now on, telling other JVMs that this training is under way
            Path tmp = Files.createFile(archive.resolveSibling(archive.getFileName() + "."
                    + ProcessHandle.current().pid() + "-" + System.nanoTime() + TEMPORARY),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            String classPath = classPath(config.launch()).orElseThrow(); // name() said there is one
            List<String> command = new ArrayList<>(List.of(config.javaExecutable().toString()));
            command.addAll(QUIET);
            command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp",
                    classPath, WorkerMain.class.getName(), "cds", tmp.toString(), archive.toString(),
                    config.javaExecutable().toString(), classPath));
            command.addAll(config.jvmOptions());
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.PIPE) // its end tells it this JVM is gone
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().clear();
            pb.environment().putAll(config.environment());
            config.directory().ifPresent(d -> pb.directory(d.toFile()));
            Process trainer;
            try {
                trainer = pb.start();
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp); // else it would say "under way" for a while
                throw e;
            }
            return trainer.onExit().thenApply(p -> {
                try {
                    return p.exitValue() == 0 && trusted(archive) ? Optional.of(archive) : Optional.<Path>empty();
                } catch (IOException e) {
                    return Optional.<Path>empty();
                }
            });
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** True if a training for {@code archive} started recently, in any JVM. */
    private static boolean underWay(Path archive) throws IOException {
        Instant recently = Instant.now().minus(RUN_LIMIT.multipliedBy(3)); // its two runs, and its own start
        try (DirectoryStream<Path> files = Files.newDirectoryStream(archive.getParent(),
                archive.getFileName() + ".*" + TEMPORARY)) {
            for (Path f : files) {
                if (modified(f).toInstant().isAfter(recently)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The training's own JVM: runs the training JVM, which writes the
     * archive to {@code tmp}; checks the archive (exit status, magic, then a
     * {@code -Xshare:on -version} run, which fails if the JVM cannot map
     * it); renames it into place atomically; prunes the cache.
     *
     * @param args {@code tmp}, the archive, the workers' java, class path, then their JVM options
     * @return whether the archive was installed
     */
    static boolean install(List<String> args) throws IOException, InterruptedException {
        Path tmp = Path.of(args.get(0));
        endWithTheParent(tmp);
        Path archive = Path.of(args.get(1));
        String java = args.get(2);
        String classpath = args.get(3);
        List<String> jvmOptions = args.subList(4, args.size());
        try {
            List<String> training = new ArrayList<>(List.of(java));
            training.addAll(QUIET);
            training.addAll(jvmOptions);
            training.addAll(List.of("-XX:ArchiveClassesAtExit=" + tmp, "-cp", classpath,
                    WorkerMain.class.getName(), "train"));
            List<String> check = new ArrayList<>(List.of(java));
            check.addAll(QUIET);
            check.addAll(jvmOptions);
            check.addAll(List.of("-XX:SharedArchiveFile=" + tmp, "-Xshare:on", "-cp", classpath, "-version"));
            if (run(training) != 0 || !trusted(tmp) || run(check) != 0) {
                return false;
            }
            Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE);
            prune(archive.getParent());
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Once stdin, a pipe from the JVM that started this one, ends (that JVM
     * is gone): kills the JVMs this one started, deletes {@code tmp}, halts.
     */
    private static void endWithTheParent(Path tmp) {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent: only the end matters
                }
            } catch (IOException e) {
                // as the end
            }
            ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // pruned later as abandoned
            }
            Runtime.getRuntime().halt(1);
        }, "safespawn-cds-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Runs a JVM to its end, with no input or output; -1 if it ran too long. */
    private static int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            return p.waitFor(RUN_LIMIT.toMillis(), TimeUnit.MILLISECONDS) ? p.exitValue() : -1;
        } finally {
            p.destroyForcibly(); // ended already, or ran too long
        }
    }

    /** Keeps the newest {@value #KEEP} archives and deletes abandoned temporary files. */
    private static void prune(Path dir) throws IOException {
        List<Path> archives = new ArrayList<>();
        Instant abandoned = Instant.now().minus(ABANDONED);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(SUFFIX)) {
                    archives.add(f);
                } else if (name.endsWith(TEMPORARY) && modified(f).toInstant().isBefore(abandoned)) {
                    Files.deleteIfExists(f);
                }
            }
        }
        archives.sort(Comparator.comparing(WorkerCds::modified).reversed());
        for (Path old : archives.subList(Math.min(KEEP, archives.size()), archives.size())) {
            Files.deleteIfExists(old); // a worker that mapped it keeps its mapping
        }
    }

    private static FileTime modified(Path f) {
        try {
            return Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(Long.MAX_VALUE); // vanished meanwhile: sorted as newest, left alone
        }
    }
}
