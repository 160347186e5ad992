package dev.safespawn.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safespawn.Feature;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class-data sharing for workers, with real worker JVMs. The JDK archives
 * only from jars, and tests run from directories of classes, so these tests
 * jar up core's classes and their own into a class path of jars.
 */
class WorkerCdsTest {
    @TempDir
    static Path jars;
    private static Path coreJar;
    private static Path testJar;
    private static Path testClasses;

    /** Where the JVM's class-load log says a class came from when it came from a dynamic archive. */
    private static final String ARCHIVED = "shared objects file (top)";

    @TempDir
    Path cache;

    @BeforeAll
    static void jarUpClasses() throws IOException {
        Path coreClasses = WorkerLaunch.locationOf(WorkerMain.class).orElseThrow();
        testClasses = WorkerLaunch.locationOf(WorkerCdsTest.class).orElseThrow();
        coreJar = jar(coreClasses, jars.resolve("core.jar"));
        testJar = jar(testClasses, jars.resolve("tests.jar"));
    }

    private static Path jar(Path classes, Path jar) throws IOException {
        return jar(classes, jar, false);
    }

    private static Path jar(Path classes, Path jar, boolean changed) throws IOException {
        assertTrue(Files.isDirectory(classes), classes + " should be a directory of classes");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
            if (changed) {
                out.putNextEntry(new JarEntry("changed.txt"));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static String classpath(Path... entries) {
        return Stream.of(entries).map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * A one-worker pool whose JVMs log where each class came from to a file
     * per process: evidence of the archive's use that holds on every JDK
     * (JDK 25 keeps an archive it refused mapped, so /proc/self/maps is none).
     */
    private ProcessPool.Builder pool(String classpath) {
        return ProcessPool.builder().workers(1).spawner(JdkSpawner.SHARED).classpath(classpath)
                .cdsCache(cache.resolve("cds"))
                .jvmOptions("-Xlog:class+load=info:file=" + cache.resolve("class-load-%p.log"));
    }

    /** Runs one task in a fresh worker and says where its JVM loaded the worker's main class from. */
    private String workerMainSource(ProcessPool.Builder builder) throws Exception {
        long pid;
        try (ProcessPool pool = builder.build()) {
            pid = pool.submit(Probe.task()).get(2, TimeUnit.MINUTES);
        }
        String loaded = " " + WorkerMain.class.getName() + " source: ";
        return Files.readAllLines(cache.resolve("class-load-" + pid + ".log")).stream()
                .filter(l -> l.contains(loaded))
                .map(l -> l.substring(l.indexOf(loaded) + loaded.length()))
                .findFirst().orElseThrow();
    }

    private static Path archiveOf(ProcessPool.Builder builder) throws Exception {
        Optional<Path> archive = WorkerCds.archive(builder.config()).get(5, TimeUnit.MINUTES);
        assertTrue(archive.isPresent(), "the training should have installed an archive");
        return archive.get();
    }

    /** What the cache directory holds. */
    private List<Path> archives() throws IOException {
        try (Stream<Path> files = Files.list(cache.resolve("cds"))) {
            return files.sorted().collect(Collectors.toList());
        }
    }

    @Test
    void aJarOnlyClassPathGetsAnArchiveMadeOnceThenMappedByWorkers() throws Exception {
        ProcessPool.Builder builder = pool(classpath(coreJar, testJar));
        workerMainSource(builder); // the first worker starts the training; whether it uses the archive is a race
        Path archive = archiveOf(builder);
        FileTime made = Files.getLastModifiedTime(archive);

        assertEquals(ARCHIVED, workerMainSource(builder));
        assertEquals(List.of(archive), archives(), "one archive, no temporary file left");
        assertEquals(made, Files.getLastModifiedTime(archive), "the archive is made once, not again");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.resolve("cds"))));
    }

    @Test
    void aClassPathWithADirectoryGetsNoArchiveAndItsWorkersStillRun() throws Exception {
        ProcessPool.Builder builder = pool(classpath(coreJar, testClasses));

        assertEquals(Optional.empty(), WorkerCds.name(builder.config()));
        assertEquals(Optional.empty(), WorkerCds.archive(builder.config()).getNow(null), "no training starts");
        String source = workerMainSource(builder);

        assertTrue(source.startsWith("file:"), source);
        assertFalse(Files.exists(cache.resolve("cds")), "no cache directory made");
    }

    @Test
    void aChangedJarGivesAnotherArchiveName() throws Exception {
        Path extra = Files.write(jars.resolve("changing-" + System.nanoTime() + ".jar"), new byte[] {1});
        PoolConfig config = pool(classpath(coreJar, extra)).config();
        String first = WorkerCds.name(config).orElseThrow();
        assertEquals(first, WorkerCds.name(config).orElseThrow(), "the same jars give the same name");

        Files.setLastModifiedTime(extra, FileTime.fromMillis(Files.getLastModifiedTime(extra).toMillis() - 60_000));
        String touched = WorkerCds.name(config).orElseThrow();
        Files.write(extra, new byte[] {1, 2}); // another size (and modification time)
        String grown = WorkerCds.name(config).orElseThrow();

        assertNotEquals(first, touched);
        assertNotEquals(touched, grown);
        assertNotEquals(first, grown);
    }

    @Test
    void cdsOptionsOfTheUsersOwnTheModulePathOrTheSwitchOffMeanNoArchive() throws Exception {
        String cp = classpath(coreJar, testJar);
        assertTrue(WorkerCds.name(pool(cp).config()).isPresent());
        for (String option : List.of("-Xshare:off", "-XX:SharedArchiveFile=mine.jsa", "-XX:ArchiveClassesAtExit=x.jsa")) {
            assertEquals(Optional.empty(), WorkerCds.name(pool(cp).jvmOptions(option).config()), option);
        }
        assertEquals(Optional.of(cp), WorkerCds.classPath(pool(cp).config().launch()));
        assertEquals(Optional.empty(), WorkerCds.classPath(new WorkerLaunch(List.of("--module-path", cp,
                "--add-modules", "dev.safespawn.core", "-m", "dev.safespawn.core/" + WorkerMain.class.getName()))),
                "workers on the module path get no archive");
        PoolConfig off = pool(cp).classDataSharing(false).config();
        assertNull(off.cdsCache());
        assertEquals(List.of(), WorkerCds.options(off));
    }

    @Test
    void aCacheDirectoryOthersCanWriteOrASymbolicLinkIsRefused() throws Exception {
        Path open = Files.createDirectory(cache.resolve("cds"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        PoolConfig config = pool(classpath(coreJar, testJar)).config();

        assertFalse(WorkerCds.secureDirectory(open));
        assertEquals(Optional.empty(), WorkerCds.archive(config).getNow(null));
        assertEquals(List.of(), archives(), "nothing written into it");

        Path real = Files.createDirectory(cache.resolve("real"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(cache.resolve("link"), real);
        assertTrue(WorkerCds.secureDirectory(real));
        assertFalse(WorkerCds.secureDirectory(link));
        assertEquals(Optional.empty(), WorkerCds.archive(pool(classpath(coreJar, testJar)).cdsCache(link).config())
                .getNow(null));
    }

    @Test
    void anArchiveOthersCanWriteOrThatIsALinkOrNotAnArchiveIsNotTrusted() throws Exception {
        Path archive = cache.resolve("a.jsa");
        Files.write(archive, new byte[] {(byte) 0xa8, (byte) 0xab, 0x0b, (byte) 0xf0, 0});
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-------"));
        assertTrue(WorkerCds.trusted(archive));

        assertFalse(WorkerCds.trusted(Files.createSymbolicLink(cache.resolve("link.jsa"), archive)));
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw--w----"));
        assertFalse(WorkerCds.trusted(archive));
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-------"));
        Files.write(archive, new byte[] {'P', 'K', 3, 4});
        assertFalse(WorkerCds.trusted(archive));
        assertFalse(WorkerCds.trusted(cache.resolve("missing.jsa")));
    }

    /**
     * An archive the JVM refuses after all (its jar changed after the name
     * was chosen) makes the JVM warn: the warning must go to the worker's
     * stderr, never its stdout, which the jdk strategy's workers use as the
     * task channel, so the task still runs.
     */
    @Test
    void theJvmsCdsWarningsGoToStderrNotTheTaskChannel() throws Exception {
        assertFalse(JdkSpawner.SHARED.features().contains(Feature.PASS_FD), "this test needs the stdio channel");
        // its own jar of core's classes, which the archive holds: the JVM checks only the jars it archived from
        Path coreClasses = WorkerLaunch.locationOf(WorkerMain.class).orElseThrow();
        Path core = jar(coreClasses, jars.resolve("core-" + System.nanoTime() + ".jar"));
        ProcessPool.Builder builder = pool(classpath(core, testJar));
        Path archive = archiveOf(builder);
        jar(coreClasses, core, true); // a new size: JDK 25 checks no modification time
        // the stale archive where the changed class path's archive goes: the JVM checks it and refuses it
        Path stale = Files.copy(archive, archive.resolveSibling(WorkerCds.name(builder.config()).orElseThrow() + ".jsa"));
        Path log = cache.resolve("worker.log");

        String source = workerMainSource(builder.output(ProcessPool.Output.toFile(log)));

        assertTrue(Files.exists(stale));
        assertTrue(source.startsWith("file:"), "the JVM should have refused the stale archive: " + source);
        String stderr = Files.readString(log);
        assertTrue(stderr.contains("[cds"), "the JVM's warning should be in the worker's stderr: " + stderr);
    }

    /** What runs in the worker; apart from the test class, so the worker loads no JUnit class. */
    static final class Probe {
        private Probe() {
        }

        /** The worker's pid; made here, so deserializing it in the worker loads this class alone. */
        static SerializableCallable<Long> task() {
            return () -> ProcessHandle.current().pid();
        }
    }
}
