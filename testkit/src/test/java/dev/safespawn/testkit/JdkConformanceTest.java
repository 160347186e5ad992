package dev.safespawn.testkit;

import dev.safespawn.Spawner;

class JdkConformanceTest extends StrategySuite {
    @Override
    protected Spawner open() {
        return Spawner.of("jdk");
    }
}
