package dev.safespawn.cli;

import dev.safespawn.Command;
import dev.safespawn.Spawner;
import dev.safespawn.pool.ProcessPool;
import java.nio.file.Path;

/**
 * A small application for {@link NativeAccessIT}: spawns {@code /bin/true}
 * with a strategy, then has a pool worker (started by that strategy, its
 * output appended to a file) spawn it with posix_spawn, whose JNA loads
 * native code in the worker. Prints {@code host exit=N} and
 * {@code worker exit=N}. Arguments: the strategy, the workers' output file.
 */
public final class NativeAccessHost {
    private NativeAccessHost() {
    }

    public static void main(String[] args) throws Exception {
        String strategy = args[0];
        try (Spawner spawner = Spawner.of(strategy);
             ProcessPool pool = ProcessPool.builder().workers(1).spawner(spawner)
                     .output(ProcessPool.Output.toFile(Path.of(args[1]))).build()) {
            System.out.println("host exit=" + spawner.spawn(Command.of("/bin/true")).waitFor());
            int inWorker = pool.submit(() -> {
                try (Spawner workerSpawner = Spawner.of("posix_spawn")) {
                    return workerSpawner.spawn(Command.of("/bin/true")).waitFor();
                }
            }).get();
            System.out.println("worker exit=" + inWorker);
        }
    }
}
