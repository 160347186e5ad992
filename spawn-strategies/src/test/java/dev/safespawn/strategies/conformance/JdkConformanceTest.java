package dev.safespawn.strategies.conformance;

import dev.safespawn.Spawner;

class JdkConformanceTest extends StrategySuite {
    @Override
    Spawner open() {
        return Spawner.of("jdk");
    }
}
