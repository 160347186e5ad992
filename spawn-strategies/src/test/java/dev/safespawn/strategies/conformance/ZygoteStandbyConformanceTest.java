package dev.safespawn.strategies.conformance;

import dev.safespawn.Spawner;
import dev.safespawn.testkit.StrategySuite;

/** The whole contract again with pre-forked standby children serving the spawns. */
class ZygoteStandbyConformanceTest extends StrategySuite {
    @Override
    protected Spawner open() {
        System.setProperty("safespawn.zygote.standby", "2");
        try {
            return Spawner.of("zygote");
        } finally {
            System.clearProperty("safespawn.zygote.standby");
        }
    }
}
