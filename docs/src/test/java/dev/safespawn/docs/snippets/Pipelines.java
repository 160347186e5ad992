package dev.safespawn.docs.snippets;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.safespawn.Command;
import dev.safespawn.Pipeline;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** The pipelines guide. */
public final class Pipelines {
    private Pipelines() {
    }

    // tag::count[]
    static String countJavaLines(Spawner spawner, Path dir) throws IOException, InterruptedException {
        Pipeline count = Pipeline.of(                      // find DIR -name '*.java' | xargs cat | wc -l
                Command.builder("find", dir.toString(), "-name", "*.java").stderr(Redirect.INHERIT).build(),
                Command.builder("xargs", "cat").stderr(Redirect.INHERIT).build(),
                Command.builder("wc", "-l").stderr(Redirect.INHERIT).build());
        try (Pipeline.Running run = spawner.spawn(count)) {
            run.stdin().close();                           // find reads nothing
            String lines = new String(run.stdout().readAllBytes(), UTF_8).strip();
            Pipeline.Result result = run.waitFor(Duration.ofMinutes(1), Duration.ofSeconds(5));
            if (!result.succeeded()) {
                throw new IOException("failed with " + result.pipefailStatus() + "; stages: " + result.statuses());
            }
            return lines;
        }
    }
    // end::count[]

    // tag::pipefail[]
    static Pipeline.Result yesHead(Spawner spawner) throws IOException, InterruptedException {
        try (Pipeline.Running run = spawner.spawn(Pipeline.of(Command.of("yes"), Command.of("head", "-1")))) {
            run.stdin().close();
            run.stdout().readAllBytes();                   // "y\n"
            return run.waitFor();  // lastStatus(): exited with code 0; pipefailStatus(): killed by SIGPIPE
        }
    }
    // end::pipefail[]
}
