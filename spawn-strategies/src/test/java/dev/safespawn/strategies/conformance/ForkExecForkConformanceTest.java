package dev.safespawn.strategies.conformance;

import dev.safespawn.Spawner;
import dev.safespawn.testkit.StrategySuite;

class ForkExecForkConformanceTest extends StrategySuite {
    @Override
    protected Spawner open() {
        return ForkExecModes.open("fork");
    }

    /**
     * An eighth: each fork copies the JVM's page tables, and every page the
     * JVM writes while a child is between fork and exec faults: a spawn costs
     * about five times vfork's alone and fifteen times under sixteen
     * threads, and at the full numbers this suite took over four minutes of a
     * CI run, three and a half of them in its load tests. An eighth of the
     * low-limit test's 250 spawns, leaking, would still hold more than the 64
     * spare descriptors it leaves.
     */
    @Override
    public int loadSpawns(int spawns) {
        return spawns / 8;
    }
}
