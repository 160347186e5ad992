package dev.safespawn.strategies.conformance;

import dev.safespawn.Spawner;
import dev.safespawn.testkit.StrategySuite;

class ForkExecForkConformanceTest extends StrategySuite {
    @Override
    protected Spawner open() {
        return ForkExecModes.open("fork");
    }
}
