package dev.safespawn.strategies.conformance;

import dev.safespawn.Spawner;
import dev.safespawn.testkit.StrategySuite;

class ForkExecVforkConformanceTest extends StrategySuite {
    @Override
    protected Spawner open() {
        return ForkExecModes.open("vfork");
    }
}
