package dev.safespawn.reliability;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * A full descriptor table ({@code EMFILE}) in this JVM while it spawns,
 * waits and moves bytes. Two children are started first: the probe echoing
 * stdin to stdout, and a sleeping probe. With the table full
 * ({@link FullDescriptorTable}), a spawn with a piped stdout and one with
 * inherited stdio must succeed or fail with an IOException naming the cause;
 * writing to and reading from the echoing child, killing the sleeper and
 * waiting for both must work, needing no new descriptor; nothing may throw a
 * JNA type or an Error. Once the table is released a spawn must work again.
 * The calls are {@link BoundedCalls}: a hang is a problem, not a stuck build.
 */
final class DescriptorLimit implements Scenario {
    private static final String[] CAUSES = {"EMFILE", "Too many open files"};

    @Override
    public String name() {
        return "emfile";
    }

    @Override
    public String description() {
        return "This JVM's descriptor table is filled (soft RLIMIT_NOFILE lowered, the gap filled with /dev/null until"
                + " EMFILE) while an echoing probe and a sleeping probe run. Clean: at the limit, spawning with a piped"
                + " stdout and with inherited stdio either works or fails with an IOException naming EMFILE; writing"
                + " to and reading from the echoing child, destroying the sleeper and waitFor() on both all work"
                + " (they need no new descriptor); nothing throws a JNA type or an Error, nothing hangs, nothing closes"
                + " a descriptor it does not own (the fillers must all be open still); after the"
                + " table is released a spawn works again; nothing is left behind.";
    }

    @Override
    public void run(Configuration configuration, Budget budget, Outcome outcome) throws Exception {
        int rounds = budget.pick(2, 20); // round 0 is a rehearsal at no limit
        int refused = 0;
        int spawnedAtLimit = 0;
        long worst = 0;
        try (Spawner spawner = configuration.open(); BoundedCalls calls = new BoundedCalls(outcome, "emfile", CAUSES)) {
            Command piped = Faults.probe(Redirect.PIPE, "exit", "0").build();
            Command inherited = Command.builder(piped.argv().toArray(String[]::new))
                    .stdin(Redirect.INHERIT).stdout(Redirect.INHERIT).stderr(Redirect.INHERIT).build();
            Command echo = Faults.probe(Redirect.PIPE, "cat").stdin(Redirect.PIPE).build();
            Command sleep = Faults.probe(Redirect.DISCARD, "sleep").build();
            for (int round = 0; round < rounds; round++) {
                // Round 0 rehearses at no limit, so that every class the calls need is loaded before one
                // would have to open a jar at the limit.
                boolean atLimit = round > 0;
                ChildProcess echoing = spawner.spawn(echo);
                ChildProcess sleeper = spawner.spawn(sleep);
                calls.at(atLimit ? "at the descriptor limit" : "in rehearsal, at no limit,", atLimit);
                FullDescriptorTable table = atLimit ? FullDescriptorTable.fill() : null;
                try {
                    for (Command command : new Command[] {piped, inherited}) {
                        ChildProcess child = calls.spawn(spawner, command);
                        if (child != null) {
                            spawnedAtLimit += atLimit ? 1 : 0;
                            calls.finish(child);
                        } else {
                            refused += atLimit ? 1 : 0;
                        }
                    }
                    calls.echo(echoing);
                    calls.endBoth(sleeper, echoing);
                    calls.call("read() of a child's stdout to its end", () -> echoing.getInputStream().read());
                } finally {
                    if (table != null) {
                        outcome.figure("descriptors filled", table.fillers());
                        table.close();
                        if (table.closedByOthers() > 0) {
                            outcome.problem("at the limit, " + table.closedByOthers() + " of the descriptors filling"
                                    + " the table were closed by code that did not own them (EBADF when released)");
                        }
                    }
                    // whatever happened at the limit, the two children end here
                    sleeper.destroyForcibly();
                    echoing.destroyForcibly();
                }
                sleeper.close();
                echoing.close();
                if (calls.hangs() > 0) {
                    // Each round would hang the same way: one is the finding, the rest only time.
                    outcome.figure("stopped after round", round);
                    rounds = round + 1;
                }
                ChildProcess after = spawner.spawn(piped);
                after.getInputStream().readAllBytes();
                if (!after.waitFor(Faults.HANG.toMillis(), TimeUnit.MILLISECONDS) || after.exitValue() != 0) {
                    outcome.problem("a spawn after the table was released did not exit 0: " + after);
                }
                after.close();
            }
            worst = calls.worst();
            outcome.figure("first refusal", calls.firstRefusal());
        }
        outcome.figure("rounds at the limit", rounds - 1);
        outcome.figure("spawns refused (EMFILE)", refused);
        outcome.figure("spawns that worked at the limit", spawnedAtLimit);
        outcome.figure("worst call (ms)", Faults.millis(worst));
    }
}
