package dev.safespawn.strategies.conformance;

import dev.safespawn.Spawner;
import dev.safespawn.testkit.StrategySuite;

class ZygoteConformanceTest extends StrategySuite {
    @Override
    protected Spawner open() {
        return Spawner.of("zygote");
    }
}
