package dev.safespawn.reliability;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.util.Set;

/**
 * The JVM in which {@link ProcessLimit} runs out of processes: as a user the
 * limit applies to, it lowers its own soft {@code RLIMIT_NPROC} (and its
 * zygote server's) to 1, below what the user already runs, so every new
 * process or thread fails with {@code EAGAIN}; spawns, stream I/O and waits
 * are made there; the limit is put back and a spawn must work again. It
 * prints each figure as {@code figure NAME=VALUE} and each problem as
 * {@code problem TEXT} (on one line), then exits 0.
 *
 * <p>Public only so that a child JVM can launch it; not for other use.
 */
public final class ProcessLimitHost {
    static final String FIGURE = "figure ";
    static final String PROBLEM = "problem ";
    private static final String[] CAUSES = {"EAGAIN", "Resource temporarily unavailable"};
    private static final int SPAWNS_AT_LIMIT = 3;

    private ProcessLimitHost() {
    }

    /**
     * Runs the fault, as above.
     *
     * @param args the strategy's name, as {@link Spawner#of(String)} takes it
     * @throws Exception if the run cannot be made at all (the scenario then reports the host's output)
     */
    public static void main(String[] args) throws Exception {
        Outcome outcome = new Outcome("eagain", args[0]);
        try {
            run(args[0], outcome);
        } catch (Exception | Error e) {
            outcome.problem("the host's run failed: " + Runs.stackTrace(e));
        }
        outcome.figures().forEach((name, value) -> System.out.println(FIGURE + name + "=" + value));
        outcome.problems().forEach(p -> System.out.println(PROBLEM + p.replace('\n', ' ')));
        System.out.flush();
        // Not System.exit(0) straight away: a thread stuck in a call would keep the JVM; exit regardless.
        Runtime.getRuntime().halt(0);
    }

    private static void run(String strategy, Outcome outcome) throws Exception {
        Command piped = Faults.probe(Redirect.PIPE, "exit", "0").build();
        Command inherited = Command.builder(piped.argv().toArray(String[]::new))
                .stdin(Redirect.INHERIT).stdout(Redirect.INHERIT).stderr(Redirect.INHERIT).build();
        Command echo = Faults.probe(Redirect.PIPE, "cat").stdin(Redirect.PIPE).build();
        Command sleep = Faults.probe(Redirect.DISCARD, "sleep").build();
        try (Spawner spawner = Spawner.of(strategy); BoundedCalls calls = new BoundedCalls(outcome, "eagain", CAUSES)) {
            // Every path once at no limit, so the library's threads and classes exist before none can be made.
            for (boolean atLimit : new boolean[] {false, true}) {
                ChildProcess echoing = spawner.spawn(echo);
                ChildProcess sleeper = spawner.spawn(sleep);
                calls.at(atLimit ? "at the process limit" : "in rehearsal, at no limit,", atLimit);
                Set<Long> servers = Faults.zygoteServers();
                long[] earlier = atLimit ? lower(servers) : null;
                int refused = 0;
                try {
                    for (int i = 0; i < SPAWNS_AT_LIMIT; i++) {
                        for (Command command : new Command[] {piped, inherited}) {
                            ChildProcess child = calls.spawn(spawner, command);
                            if (child == null) {
                                refused++;
                                continue;
                            }
                            calls.finish(child);
                        }
                    }
                    calls.echo(echoing);
                    calls.endBoth(sleeper, echoing);
                } finally {
                    if (earlier != null) {
                        restore(servers, earlier);
                    }
                    sleeper.destroyForcibly();
                    echoing.destroyForcibly();
                }
                if (atLimit) {
                    outcome.figure("spawns refused (EAGAIN)", refused);
                    outcome.figure("spawns that worked at the limit", 2 * SPAWNS_AT_LIMIT - refused);
                }
            }
            outcome.figure("worst call (ms)", Faults.millis(calls.worst()));
            outcome.figure("first refusal", calls.firstRefusal());
            ChildProcess after = spawner.spawn(piped);
            after.getInputStream().readAllBytes();
            if (after.waitFor() != 0) {
                outcome.problem("a spawn after the limit was put back exited " + after.exitValue());
            }
        }
    }

    /** Lowers the soft process limit of this JVM and of its zygote servers to 1; returns the earlier one. */
    private static long[] lower(Set<Long> servers) {
        long[] earlier = new long[2];
        Libc.prlimit(0, Libc.RLIMIT_NPROC, null, earlier);
        long[] one = {1, earlier[1]};
        Libc.prlimit(0, Libc.RLIMIT_NPROC, one, null);
        for (long server : servers) {
            Libc.prlimit((int) server, Libc.RLIMIT_NPROC, one, null);
        }
        return earlier;
    }

    private static void restore(Set<Long> servers, long[] earlier) {
        Libc.prlimit(0, Libc.RLIMIT_NPROC, earlier, null);
        for (long server : servers) {
            try {
                Libc.prlimit((int) server, Libc.RLIMIT_NPROC, earlier, null);
            } catch (com.sun.jna.LastErrorException e) {
                // the server died at the limit: the next spawn starts another, with the limit put back
            }
        }
    }
}
