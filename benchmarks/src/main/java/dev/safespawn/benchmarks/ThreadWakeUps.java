package dev.safespawn.benchmarks;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Run;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts the hand-offs on a spawn's path: the voluntary context switches
 * (a thread going to sleep, to be woken later) of every thread of this JVM
 * per call, read from {@code /proc/self/task/}. A count, not a timing, so a
 * busy machine changes it little: each thread that must wake another to
 * pass a reply on adds one. Measures spawn+wait of {@code /bin/true} and
 * {@code Run} of {@code /bin/echo hello} per strategy named.
 *
 * <pre>
 * java -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.ThreadWakeUps CALLS STRATEGY...
 * </pre>
 */
public final class ThreadWakeUps {
    private ThreadWakeUps() {
    }

    /**
     * Runs the counts and prints them.
     *
     * @param args calls per count, then strategy names such as {@code posix_spawn zygote}
     * @throws Exception if a spawn fails
     */
    public static void main(String[] args) throws Exception {
        int calls = Integer.parseInt(args[0]);
        Command yes = Command.of(SpawnBenchmark.TRUE);
        Command echo = Command.of("/bin/echo", "hello");
        for (int i = 1; i < args.length; i++) {
            try (Spawner spawner = Spawner.of(args[i])) {
                Call spawnWait = () -> {
                    try (ChildProcess p = spawner.spawn(yes)) {
                        p.waitFor();
                    }
                };
                Call run = () -> Run.run(echo, spawner).check();
                System.out.printf("%-12s spawn+wait %.2f, Run echo %.2f voluntary switches per call%n", args[i],
                        perCall(spawnWait, calls), perCall(run, calls));
            }
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static double perCall(Call call, int calls) throws Exception {
        for (int i = 0; i < calls / 4; i++) { // warm-up: compiled code, started threads
            call.run();
        }
        long before = voluntarySwitches();
        for (int i = 0; i < calls; i++) {
            call.run();
        }
        return (voluntarySwitches() - before) / (double) calls;
    }

    /** The sum over this JVM's live threads (one that ended meanwhile takes its count with it). */
    private static long voluntarySwitches() throws IOException {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                        }
                    }
                } catch (IOException ended) {
                    // the thread ended while being read
                }
            }
        }
        return sum;
    }
}
