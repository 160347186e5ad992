package dev.safespawn.reliability;

import dev.safespawn.testkit.Probe;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Another JVM running one of this module's host mains, for a fault this
 * JVM must not suffer itself (being killed, a process limit). Started with
 * ProcessBuilder, which is not under test here; its stdout and stderr are
 * read as lines, each within a deadline, so a host that hangs costs a
 * problem, never the run. Closing it kills it if it still runs. Not
 * thread-safe: one scenario thread drives it.
 */
final class HostJvm implements AutoCloseable {
    private static final String END = new String("end of output"); // compared by identity: no line can be it

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> transcript = new ArrayList<>();
    private final Thread reader;

    private HostJvm(Process process) {
        this.process = process;
        this.reader = new Thread(this::readAll, "reliability-host-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code main} in a JVM of this JVM's java, after {@code launcher}
     * (a command that runs the rest, such as {@code setpriv ...}; may be empty).
     *
     * @param probe the probe the host's children run
     * @param environment the host's environment, replacing this JVM's; null to inherit it
     */
    static HostJvm start(List<String> launcher, String classPath, Path probe, List<String> jvmOptions,
            Map<String, String> environment, Class<?> main, String... args) throws IOException {
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-D" + Probe.PROPERTY + "=" + probe);
        // No stdin pipe: a host reads nothing, and each pipe of the JDK's is one more
        // descriptor its process reaper closes on a thread of its own after a kill.
        ProcessBuilder builder = new ProcessBuilder(command(launcher, thisJava(), classPath, options, main, args))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectErrorStream(true);
        if (environment != null) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        return new HostJvm(builder.start());
    }

    /** This JVM's {@code java} launcher. */
    static String thisJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The command that runs {@code main} with {@code args} under {@code java}, after {@code launcher} (may be empty). */
    static List<String> command(List<String> launcher, String java, String classPath, List<String> jvmOptions,
            Class<?> main, String... args) {
        List<String> command = new ArrayList<>(launcher);
        command.add(java);
        // The host's JNA loads natives from the class path: JDK 24+ warns unless allowed (17 takes it silently).
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code main} with this JVM's class path and environment. */
    static HostJvm start(List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        return start(List.of(), System.getProperty("java.class.path"), Probe.path(), jvmOptions, null, main, args);
    }

    private void readAll() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(reading the host's output failed: " + e + ")");
        } finally {
            lines.add(END);
        }
    }

    /** The host's next line of output, or null if it ended its output or printed nothing more within {@code wait}. */
    String nextLine(Duration wait) throws InterruptedException {
        String line = lines.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (line == END) {
            lines.add(END); // every later call sees the end too
            return null;
        }
        if (line != null) {
            transcript.add(line);
        }
        return line;
    }

    /** Every line read so far, and what is left to read once it has exited, for a problem's detail. */
    String transcript() {
        List<String> all = new ArrayList<>(transcript);
        lines.stream().filter(l -> l != END).forEach(all::add);
        return String.join("\n", all);
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the host to exit; its exit value, or empty if it had not exited within {@code wait}. */
    java.util.OptionalInt awaitExit(Duration wait) throws InterruptedException {
        return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)
                ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly(); // our own child, by the JDK's handle on it
        }
        process.waitFor();
        reader.join();
    }
}
