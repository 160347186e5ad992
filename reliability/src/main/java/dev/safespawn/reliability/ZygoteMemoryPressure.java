package dev.safespawn.reliability;

import com.sun.jna.LastErrorException;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Memory pressure on the zygote server: its soft {@code RLIMIT_AS} is lowered
 * (with {@code prlimit}, on a process this JVM started) to the address space
 * it has now, so any allocation or mapping it makes fails with
 * {@code ENOMEM}, while this JVM spawns through it and talks to a child it
 * started before. Then the limit is lifted and spawning must work again.
 */
final class ZygoteMemoryPressure implements Scenario {
    static final int SPAWNS_UNDER_PRESSURE = 5;
    private static final String[] CAUSES = {"ENOMEM", "Cannot allocate memory", "zygote server"};

    @Override
    public String name() {
        return "zygote-memory";
    }

    @Override
    public String description() {
        return "The zygote server's soft RLIMIT_AS is lowered to the address space it holds, so whatever it allocates"
                + " or maps fails with ENOMEM; " + SPAWNS_UNDER_PRESSURE + " spawns go through it, and bytes go to and"
                + " from an echoing child started before; then the limit is lifted. Clean: each spawn works or fails"
                + " with an IOException naming ENOMEM (or the zygote server, if it died of it), never a JNA type or an"
                + " Error; the echoing child's I/O works; nothing hangs; the spawn after the limit is lifted exits 0."
                + " Children started under pressure inherit the server's limit and may fail to load: counted, not"
                + " judged. Only the zygote configurations have a server.";
    }

    @Override
    public List<Configuration> configurations() {
        return Configuration.zygotes();
    }

    @Override
    public void run(Configuration configuration, Budget budget, Outcome outcome) throws Exception {
        int rounds = budget.pick(2, 20);
        int refused = 0;
        int started = 0;
        int exitedZero = 0;
        Set<Long> serversBefore = Faults.zygoteServers();
        Command quick = Faults.probe(Redirect.PIPE, "exit", "0").build();
        Command echo = Faults.probe(Redirect.PIPE, "cat").stdin(Redirect.PIPE).build();
        try (Spawner spawner = configuration.open();
                BoundedCalls calls = new BoundedCalls(outcome, "zygote-memory", CAUSES)) {
            spawner.spawn(quick).waitFor(); // starts the server
            for (int round = 0; round < rounds; round++) {
                long server = Faults.newZygoteServer(serversBefore);
                ChildProcess echoing = spawner.spawn(echo);
                calls.at("with the zygote server at its memory limit", true);
                long[] earlier = new long[2];
                Libc.prlimit((int) server, Libc.RLIMIT_AS, null, earlier);
                Libc.prlimit((int) server, Libc.RLIMIT_AS, new long[] {addressSpace(server), earlier[1]}, null);
                try {
                    for (int i = 0; i < SPAWNS_UNDER_PRESSURE; i++) {
                        ChildProcess child = calls.spawn(spawner, quick);
                        if (child == null) {
                            refused++;
                            continue;
                        }
                        started++;
                        Integer exit = calls.finish(child);
                        exitedZero += exit != null && exit == 0 ? 1 : 0;
                    }
                    calls.echo(echoing);
                } finally {
                    try {
                        Libc.prlimit((int) server, Libc.RLIMIT_AS, earlier, null);
                    } catch (LastErrorException e) {
                        // the server died under the limit: the next spawn starts a new one, unlimited
                    }
                    echoing.destroyForcibly();
                }
                echoing.waitFor();
                echoing.close();
                ChildProcess after = spawner.spawn(quick);
                after.getInputStream().readAllBytes();
                if (after.waitFor() != 0) {
                    outcome.problem("a spawn after the limit was lifted ended " + after.exitStatus());
                }
                after.close();
            }
            outcome.figure("worst call (ms)", Faults.millis(calls.worst()));
            outcome.figure("first refusal", calls.firstRefusal());
        }
        outcome.figure("spawns under pressure", rounds * SPAWNS_UNDER_PRESSURE);
        outcome.figure("refused (typed)", refused);
        outcome.figure("started", started);
        outcome.figure("started and exited 0", exitedZero);
    }

    /** The server's address space now, in bytes ({@code VmSize}). */
    private static long addressSpace(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmSize:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmSize in /proc/" + pid + "/status");
    }
}
