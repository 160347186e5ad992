package dev.safespawn.strategies.conformance;

import dev.safespawn.Spawner;

class ForkExecVforkConformanceTest extends StrategySuite {
    @Override
    Spawner open() {
        return ForkExecModes.open("vfork");
    }
}
