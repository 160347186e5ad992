package dev.safespawn.strategies.forkexec;

import dev.safespawn.strategies.internal.SafespawnShim;

/** Main class of ShimMissingTest's JVM, whose class path has no natives: what the strategy says then. */
public final class ShimMissing {
    private ShimMissing() {
    }

    public static void main(String[] args) {
        System.out.println("load failure: " + SafespawnShim.loadFailure().orElse("none"));
        ForkExecStrategy strategy = new ForkExecStrategy();
        System.out.println("available: " + strategy.isAvailable());
        System.out.println("cause: " + strategy.unavailabilityCause().orElse("none"));
    }
}
