package dev.safespawn.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The C floor ({@code src/main/c/spawn_floor.c}, built next to the jar as
 * {@code spawn-floor}): posix_spawn + waitpid of /bin/true (or a command
 * given) from a tiny single-threaded process.
 */
final class Floor {
    private final Path binary;

    Floor(Path binary) {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("no C floor at " + binary + "; build the module with Maven first");
        }
        this.binary = binary;
    }

    /** The floor next to the jar this class came from. */
    static Floor besideJar() {
        return new Floor(Main.jarDirectory().resolve("spawn-floor"));
    }

    /**
     * One run: {@code iterations} timed spawns of {@code /bin/true} after
     * {@code warmup}; with {@code pipes}, the child gets stdio pipes as the
     * Java launchers make them.
     */
    Stats run(boolean pipes, int warmup, int iterations) throws IOException, InterruptedException {
        return run(pipes, warmup, iterations, List.of());
    }

    /**
     * As {@link #run(boolean, int, int)}, of {@code childArgv} (program first;
     * empty for {@code /bin/true}). The floor never reads the child's pipes: a
     * small output stays in the pipe's buffer.
     */
    Stats run(boolean pipes, int warmup, int iterations, List<String> childArgv)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--warmup", Integer.toString(warmup),
                "--iterations", Integer.toString(iterations)));
        if (pipes) {
            command.add("--pipes");
        }
        command.addAll(childArgv);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IOException("spawn-floor failed: " + out);
        }
        System.out.println("# C floor" + (pipes ? " (pipes)" : "") + ": " + out);
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : out.split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return Stats.fromNanos(values, "");
    }
}
