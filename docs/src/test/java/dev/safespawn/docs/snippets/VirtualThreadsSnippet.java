package dev.safespawn.docs.snippets;

import dev.safespawn.Command;
import dev.safespawn.Run;
import dev.safespawn.RunResult;
import dev.safespawn.Spawner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The virtual-threads guide. The site builds with {@code --release 17}, so
 * the executor comes in as a parameter; on JDK 21 and later it is
 * {@code Executors.newVirtualThreadPerTaskExecutor()}.
 */
public final class VirtualThreadsSnippet {
    private VirtualThreadsSnippet() {
    }

    // tag::checksums[]
    // executor: Executors.newVirtualThreadPerTaskExecutor(), one virtual thread per file
    static List<String> checksums(ExecutorService executor, Spawner spawner, List<Path> files) throws Exception {
        List<Future<RunResult>> runs = new ArrayList<>();
        for (Path file : files) {
            // Blocking calls park the virtual thread; none pins its carrier.
            runs.add(executor.submit(() -> Run.of(Command.of("sha256sum", file.toString())).run(spawner).check()));
        }
        List<String> sums = new ArrayList<>();
        for (Future<RunResult> run : runs) {
            sums.add(run.get().stdoutText().split(" ")[0]);
        }
        return sums;
    }
    // end::checksums[]
}
