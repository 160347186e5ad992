package dev.safespawn.strategies.forkexec;

import dev.safespawn.Command;
import dev.safespawn.Spawner;
import dev.safespawn.strategies.internal.SafespawnShim;

/** Main class of the packaging test's JVM: reports where the shim came from and uses it once. */
public final class ShimLocation {
    private ShimLocation() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("unavailable: " + SafespawnShim.loadFailure().orElse("none"));
        System.out.println("loaded from: " + SafespawnShim.loadedFrom());
        try (Spawner spawner = Spawner.of("fork_exec")) {
            var child = spawner.spawn(Command.of("/bin/true"));
            child.waitFor();
            System.out.println("spawned: " + child.exitStatus());
        }
    }
}
