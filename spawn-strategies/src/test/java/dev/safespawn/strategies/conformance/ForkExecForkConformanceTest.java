package dev.safespawn.strategies.conformance;

import dev.safespawn.Spawner;

class ForkExecForkConformanceTest extends StrategySuite {
    @Override
    Spawner open() {
        return ForkExecModes.open("fork");
    }
}
