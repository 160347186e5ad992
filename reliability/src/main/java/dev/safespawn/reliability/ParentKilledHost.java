package dev.safespawn.reliability;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM that {@link ParentKilled} SIGKILLs: spawns sleeping probes through
 * the strategy named in {@code args[0]} (its mode comes from the system
 * properties it was started with), prints {@code pid N} for each, then
 * {@value #READY}, and waits to be killed. It also ends when its stdin
 * does, so it never outlives a scenario that died before killing it.
 *
 * <p>Each child is spawned from a thread of its own that has ended before
 * the pids are printed: {@code PR_SET_PDEATHSIG} fires when the thread that
 * made the child ends, so a library that sets it from the calling thread
 * loses its children early, and the scenario sees them gone before the kill.
 */
public final class ParentKilledHost {
    static final String READY = "ready";

    private ParentKilledHost() {
    }

    /**
     * Spawns and reports, as above.
     *
     * @param args the strategy's name; how many children die with the parent
     *        because of {@code killOnParentDeath}; how many without it (0
     *        unless the strategy promises that all its children die with the JVM)
     * @throws Exception if a child cannot be spawned; the JVM then exits before {@value #READY}
     */
    public static void main(String[] args) throws Exception {
        int withOption = Integer.parseInt(args[1]);
        int without = Integer.parseInt(args[2]);
        Spawner spawner = Spawner.of(args[0]);
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < withOption + without; i++) {
            Command.Builder sleep = Faults.probe(Redirect.DISCARD, "sleep");
            Command command = (i < withOption ? sleep.killOnParentDeath() : sleep).build();
            Exception[] failure = new Exception[1];
            Thread spawning = new Thread(() -> {
                try {
                    ChildProcess child = spawner.spawn(command);
                    synchronized (pids) {
                        pids.add(child.pid());
                    }
                } catch (Exception e) {
                    failure[0] = e;
                }
            }, "parent-killed-spawner-" + i);
            spawning.start();
            spawning.join();
            if (failure[0] != null) {
                throw failure[0];
            }
        }
        synchronized (pids) {
            pids.forEach(pid -> System.out.println("pid " + pid));
        }
        System.out.println(READY);
        System.out.flush();
        while (System.in.read() >= 0) {
            // the scenario writes nothing: this waits for the kill, or for the scenario's end
        }
    }
}
