package dev.safespawn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs each example's {@code main} as a user would, in a JVM of its own
 * started through safespawn with this JVM's class path, and checks its
 * one-line summary and exit status.
 */
class ExamplesTest {
    /** A guard against a hung example, not a synchronisation; a few seconds is the normal run. */
    private static final long TIMEOUT_SECONDS = 60;

    /** What an example JVM did. */
    private record Result(int status, String out, String err) {
        String describe() {
            return "exit status " + status + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    @Test
    void captureOutput() throws Exception {
        Result r = runExample(CaptureOutput.class);

        assertThat(r.status()).as(r.describe()).isZero();
        assertThat(r.out()).matches(
                "CaptureOutput: echo said \"hello from a child\" and exited with code 0 \\(strategy \\S+\\)\n");
    }

    @Test
    void captureOutputOfAGivenCommandWithItsStatus() throws Exception {
        Result r = runExample(CaptureOutput.class, "/bin/sh", "-c", "echo out; exit 3");

        assertThat(r.status()).as(r.describe()).isZero();
        assertThat(r.out()).startsWith("CaptureOutput: /bin/sh said \"out\" and exited with code 3 ");
    }

    @Test
    void pipeline() throws Exception {
        Result r = runExample(Pipeline.class);

        assertThat(r.status()).as(r.describe()).isZero();
        // 271 of 1..1000 contain a 7: 1000 minus the 729 (9^3) whose three digits avoid it.
        assertThat(r.out()).matches("Pipeline: seq 1 1000 \\| grep 7 \\| wc -l = 271 \\(.*\\)\n");
    }

    @Test
    void passListeningSocket() throws Exception {
        Result r = runExample(PassListeningSocket.class);

        assertThat(r.status()).as(r.describe()).isZero();
        if (onPath("python3")) {
            assertThat(r.out()).matches("PassListeningSocket: connected to 127\\.0\\.0\\.1:\\d+ and the child said "
                    + "\"hello from pid \\d+, accepting on inherited fd 3\"\n");
        } else {
            assertThat(r.out()).isEqualTo("PassListeningSocket: skipped, python3 is not on the PATH\n");
        }
    }

    @Test
    void processGroupKill() throws Exception {
        Result r = runExample(ProcessGroupKill.class);

        assertThat(r.status()).as(r.describe()).isZero();
        assertThat(r.out()).matches("ProcessGroupKill: one SIGKILL to process group (\\d+) ended all 3 processes "
                + "\\(pids \\1, \\d+, \\d+\\); the shell killed by SIGKILL\n");
    }

    @Test
    void parallelPool() throws Exception {
        Result r = runExample(ParallelPool.class);

        assertThat(r.status()).as(r.describe()).isZero();
        assertThat(r.out()).matches("ParallelPool: the primes below 1000000 sum to 37550402023, computed in 4 ranges"
                + " by [1-4] worker JVMs in \\d+ ms\n");
    }

    private static Result runExample(Class<?> example, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The examples spawn through JNA: JDK 24+ warns unless allowed (17 takes the option silently).
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), example.getName()));
        argv.addAll(Arrays.asList(args));
        try (Spawner spawner = Spawner.create()) {
            ChildProcess child = spawner.spawn(Command.builder(argv.toArray(new String[0]))
                    .stdin(Redirect.DISCARD).build());
            // Both streams at once: an example that fills one pipe must not deadlock the test on the other.
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(child, true));
            String out = readAll(child, false);
            if (!child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new AssertionError(example.getSimpleName() + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(child.exitValue(), out, err.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }

    private static String readAll(ChildProcess child, boolean stderr) {
        try (var in = stderr ? child.getErrorStream() : child.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(d -> !d.isEmpty())
                .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }
}
