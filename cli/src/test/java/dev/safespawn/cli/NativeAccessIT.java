package dev.safespawn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On JDK 24 and later the JVM warns the first time JNA loads its native
 * library, unless native access was granted: the built {@code safespawn}
 * jar grants it in its manifest, and a pool gives its workers the access
 * of their parent. Each check has a control run without the grant that
 * must show the warning, so a check cannot pass because JNA was never
 * loaded or the warning went elsewhere. Needs a JDK 24+ {@code java}: this
 * JVM's, else the one {@value #JDK21_PROPERTY} names (CI points it at JDK
 * 25); without one the tests skip, saying why, or fail when {@code CI=true}.
 * The JVMs are started with {@link ProcessBuilder}, not the library under test.
 */
class NativeAccessIT {
    private static final String JDK21_PROPERTY = "safespawn.test.jdk21";
    /** The first line of the JDK's warning, and the option its advice names. */
    private static final List<String> WARNING = List.of("A restricted method", "--enable-native-access");
    private static final Pattern SPECIFICATION = Pattern.compile("java\\.specification\\.version = (\\d+)");

    private static String java;

    @TempDir
    Path dir;

    @BeforeAll
    static void findAJdkThatWarns() throws Exception {
        String own = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String given = System.getProperty(JDK21_PROPERTY, "");
        String candidate = Runtime.version().feature() >= 24 ? own : given.isBlank() ? null : given;
        int feature = candidate == null || !Files.isExecutable(Path.of(candidate)) ? 0 : featureOf(candidate);
        if (feature < 24) {
            String why = "the native-access warning exists from JDK 24; this JVM is " + Runtime.version() + " and -D"
                    + JDK21_PROPERTY + " names " + (given.isBlank() ? "no java" : given
                    + (feature == 0 ? ", not a java" : ", a JDK " + feature));
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(why);
            }
            System.out.println("SKIPPED NativeAccessIT: " + why);
            Assumptions.abort(why);
        }
        java = candidate;
    }

    @Test
    void theCliJarRunsItsCommandsWithoutTheWarning() throws Exception {
        String jar = System.getProperty("safespawn.cli.jar");
        Run doctor = run(List.of(java, "-jar", jar, "doctor"));
        // A native strategy found available: JNA has loaded its library.
        assertThat(doctor.out()).as(doctor.describe()).containsPattern("posix_spawn +available")
                .doesNotContain(WARNING);
        Run spawn = run(List.of(java, "-jar", jar, "run", "--", "/bin/true"));
        assertThat(spawn.status()).as(spawn.describe()).isZero();
        assertThat(spawn.out()).as(spawn.describe()).doesNotContain(WARNING);
        // Control: the same classes without the manifest do warn.
        Run control = run(List.of(java, "-cp", jar, SafespawnCli.class.getName(), "run", "--", "/bin/true"));
        assertThat(control.status()).as(control.describe()).isZero();
        assertThat(control.out()).as(control.describe()).contains(WARNING);
    }

    @Test
    void aPoolWorkerHasItsParentsNativeAccess() throws Exception {
        Path workerOut = dir.resolve("worker.out");
        Run r = run(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                NativeAccessHost.class.getName(), "posix_spawn", workerOut.toString()));
        assertThat(r.status()).as(r.describe()).isZero();
        assertThat(r.out()).as(r.describe()).contains("host exit=0", "worker exit=0").doesNotContain(WARNING);
        assertThat(Files.readString(workerOut)).as("the worker's output").doesNotContain(WARNING);
    }

    /** Control: a parent that never loaded JNA, without the grant, gives its worker none, and the worker warns. */
    @Test
    void aWorkerOfAParentWithoutNativeAccessWarnsWhereTheCheckLooks() throws Exception {
        Path workerOut = dir.resolve("worker.out");
        Run r = run(List.of(java, "-cp", System.getProperty("java.class.path"),
                NativeAccessHost.class.getName(), "jdk", workerOut.toString()));
        assertThat(r.status()).as(r.describe()).isZero();
        assertThat(r.out()).as(r.describe()).contains("host exit=0", "worker exit=0").doesNotContain(WARNING);
        assertThat(Files.readString(workerOut)).as("the worker's output").contains(WARNING);
    }

    private static int featureOf(String java) throws Exception {
        Run r = run(List.of(java, "-XshowSettings:properties", "-version"));
        Matcher m = SPECIFICATION.matcher(r.out());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** Runs {@code argv} to its end, stdout and stderr together; a run over two minutes is killed and fails. */
    private static Run run(List<String> argv) throws Exception {
        File out = File.createTempFile("safespawn-native-access-", ".out");
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                p.waitFor();
                throw new AssertionError(argv + " did not end within two minutes:\n" + read(out));
            }
            return new Run(argv, p.exitValue(), read(out));
        } finally {
            Files.deleteIfExists(out.toPath());
        }
    }

    private static String read(File file) throws IOException {
        return Files.readString(file.toPath(), StandardCharsets.UTF_8);
    }

    private record Run(List<String> argv, int status, String out) {
        String describe() {
            return String.join(" ", argv) + " exited " + status + ":\n" + out;
        }
    }
}
