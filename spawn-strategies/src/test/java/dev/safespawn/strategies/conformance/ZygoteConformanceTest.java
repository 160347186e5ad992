package dev.safespawn.strategies.conformance;

import dev.safespawn.Spawner;

class ZygoteConformanceTest extends StrategySuite {
    @Override
    Spawner open() {
        return Spawner.of("zygote");
    }
}
