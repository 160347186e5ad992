package dev.safespawn.strategies.modular;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Spawner;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * safespawn as a modular application uses it: a module that requires
 * {@code dev.safespawn.strategies}, compiled and run on the module path with the
 * built jars (core, strategies, JNA's modular jar) and nothing else, then linked
 * into a runtime image with {@code jlink} and run from there. Each native
 * strategy spawns a child, so the shim and the zygote load from inside a named
 * module, and the module graph shows that only the API is exported.
 */
class ModularApplicationIT {
    private static final String[] STRATEGIES = {"posix_spawn", "fork_exec", "zygote"};
    /** A guard against a hung JVM or tool, not a synchronisation. */
    private static final long TIMEOUT_SECONDS = 300;

    @TempDir
    static Path work;
    private static String modulePath;
    private static Path appModule;

    @BeforeAll
    static void compileTheApplication() throws Exception {
        modulePath = String.join(File.pathSeparator, System.getProperty("safespawn.jar"),
                System.getProperty("safespawn.core.jar"), System.getProperty("jna.jar"));
        Path sources = Path.of(ModularApplicationIT.class.getResource("/modular-app/module-info.java").toURI())
                .getParent();
        appModule = work.resolve("app");
        List<String> javac = new ArrayList<>(List.of(javaHomeTool("javac"),
                "-d", appModule.toString(), "--module-path", modulePath));
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(p -> javac.add(p.toString()));
        }
        run(javac);
    }

    @Test
    void aModularApplicationSpawnsThroughEveryNativeStrategy() throws Exception {
        List<String> command = new ArrayList<>(List.of(javaHomeTool("java"),
                "--module-path", appModule + File.pathSeparator + modulePath));
        command.addAll(nativeAccess());
        command.addAll(List.of("-m", "app/app.Main"));
        command.addAll(List.of(STRATEGIES));

        assertRanEveryStrategy(run(command));
    }

    @Test
    void jlinkBuildsARuntimeImageWithSafespawnThatSpawns() throws Exception {
        Path image = work.resolve("image");
        String jmods = Path.of(System.getProperty("java.home"), "jmods").toString();
        String linked = run(List.of(javaHomeTool("jlink"),
                "--module-path", jmods + File.pathSeparator + appModule + File.pathSeparator + modulePath,
                "--add-modules", "app", "--output", image.toString(), "--no-header-files", "--no-man-pages"));
        assertThat(image.resolve("bin/java")).as(linked).isExecutable();

        List<String> command = new ArrayList<>(List.of(image.resolve("bin/java").toString()));
        command.addAll(nativeAccess());
        command.addAll(List.of("-m", "app/app.Main"));
        command.addAll(List.of(STRATEGIES));

        assertRanEveryStrategy(run(command));
    }

    private static void assertRanEveryStrategy(String out) {
        for (String name : STRATEGIES) {
            assertThat(out).contains(name + ": hello from " + name + ", exit 0");
        }
        assertThat(out)
                .contains("dev.safespawn.core exports [dev.safespawn, dev.safespawn.internal to"
                        + " [dev.safespawn.strategies], dev.safespawn.pool, dev.safespawn.spi]")
                .contains("dev.safespawn.strategies exports []")
                .doesNotContain("WARNING");
    }

    /** JDK 22+ warns when JNA loads native code unless the module is allowed to. */
    private static List<String> nativeAccess() {
        return Runtime.version().feature() >= 22 ? List.of("--enable-native-access=com.sun.jna") : List.of();
    }

    private static String javaHomeTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    /** Runs {@code command} through safespawn and returns its merged output, asserting exit 0. */
    private static String run(List<String> command) throws Exception {
        try (Spawner spawner = Spawner.create()) {
            ChildProcess child = spawner.spawn(Command.builder(command.toArray(String[]::new))
                    .redirectErrorStream().build());
            child.getOutputStream().close();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as(out).isTrue();
            assertThat(child.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
            return out;
        }
    }
}
