package dev.safespawn.strategies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a test's host program in a JVM of its own, with this JVM's java and
 * class path, for a test that must change process-wide state (a descriptor
 * limit, the library's thread factory) without touching the test JVM.
 */
public final class HostJvm {
    /**
     * For every JVM a test starts on this class path: JNA loads natives, and
     * from JDK 24 that warns unless allowed (JDK 17 takes the option silently).
     */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private HostJvm() {
    }

    /** Runs {@code main} with {@code args} to its end; returns its stdout and stderr, once it exited 0. */
    public static String run(Class<?> main, String... args) throws Exception {
        return runWith(Path.of(System.getProperty("java.home"), "bin", "java").toString(), main, args);
    }

    /** {@link #run} on the {@code java} executable given, for a host that needs another JDK. */
    public static String runWith(String java, Class<?> main, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java, NATIVE_ACCESS,
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process host = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(host.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(host.waitFor()).as(out).isZero();
        return out;
    }
}
