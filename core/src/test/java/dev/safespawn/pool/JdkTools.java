package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs this JDK's tools ({@code javac}, {@code java}) as processes of their
 * own: the tests are compiled into {@code dev.safespawn.core}, which does not
 * read {@code java.compiler}, and an application under test needs a JVM of
 * its own anyway.
 */
final class JdkTools {
    /** A guard against a hung tool, not a synchronisation. */
    private static final long TIMEOUT_SECONDS = 120;

    private JdkTools() {
    }

    static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    /** Runs {@code command} through the jdk strategy and returns its merged output, asserting exit 0. */
    static String run(String... command) throws Exception {
        ChildProcess child = JdkSpawner.SHARED.spawn(Command.builder(command).redirectErrorStream().build());
        child.getOutputStream().close();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as(out).isTrue();
        assertThat(child.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }
}
