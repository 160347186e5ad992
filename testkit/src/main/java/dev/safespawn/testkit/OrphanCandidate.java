package dev.safespawn.testkit;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Spawner;

/**
 * Main class of the intermediate JVM in the parent-death test: spawns a
 * sleeping probe with killOnParentDeath through the strategy named in args[0],
 * prints its pid, and waits to be killed.
 *
 * <p>Public only so that a child JVM can launch it; not for other use.
 */
public final class OrphanCandidate {
    private OrphanCandidate() {
    }

    /**
     * Spawns the probe, prints {@code pid N} on a line, and waits.
     *
     * @param args the strategy's name, as {@link Spawner#of(String)} takes it
     * @throws Exception if the strategy cannot be opened or the probe cannot
     *         be started; the JVM then exits without printing the pid line
     */
    public static void main(String[] args) throws Exception {
        Spawner spawner = Spawner.of(args[0]);
        ChildProcess child = spawner.spawn(Command.builder(Probe.path().toString(), "sleep")
                .killOnParentDeath().build());
        System.out.println("pid " + child.pid());
        System.out.flush();
        child.waitFor(); // killed before this returns
    }
}
