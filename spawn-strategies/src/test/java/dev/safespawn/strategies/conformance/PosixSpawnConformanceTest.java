package dev.safespawn.strategies.conformance;

import dev.safespawn.Spawner;

class PosixSpawnConformanceTest extends StrategySuite {
    @Override
    Spawner open() {
        return Spawner.of("posix_spawn");
    }
}
