package dev.safespawn.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the helper programs of a benchmark run: scenario JVMs, the C floor,
 * the Python reference. The harness uses plain {@link ProcessBuilder} for
 * them, so its own plumbing never depends on a launcher under test.
 */
final class Helpers {
    private Helpers() {
    }

    /** Runs {@code command}, echoing its progress; returns its {@code @result} values; fails on a non-zero exit. */
    static Map<String, String> run(List<String> command, String echoPrefix) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.INHERIT)
                .start();
        p.getOutputStream().close();
        Map<String, String> results = ResultLines.read(p.getInputStream(), echoPrefix);
        int code = p.waitFor();
        if (code != 0) {
            throw new IOException(String.join(" ", command) + " exited " + code);
        }
        return results;
    }

    /**
     * Writes the Python script {@code name}, which travels in the jar under
     * {@code /python/}, to a temporary file to run; the caller deletes it.
     */
    static Path pythonScript(String name) throws IOException {
        Path script = Files.createTempFile("safespawn-" + name.replace(".py", "-"), ".py");
        try (InputStream in = Helpers.class.getResourceAsStream("/python/" + name)) {
            if (in == null) {
                throw new IOException("no /python/" + name + " in the jar");
            }
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    /** A fresh JVM running {@code mainClass} from this jar with {@code args}. */
    static List<String> javaMain(Class<?> mainClass, List<String> jvmArgs, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The scenarios spawn through JNA: JDK 24+ warns unless allowed (17 takes the option silently).
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return command;
    }
}
