package dev.safespawn.strategies.conformance;

import dev.safespawn.Spawner;
import dev.safespawn.strategies.forkexec.ForkExecStrategy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class ForkExecForkConformanceTest implements ChildContractSuite {
    private static Spawner spawner;

    @BeforeAll
    static void open() {
        spawner = ForkExecModes.open("fork");
    }

    @AfterAll
    static void close() {
        spawner.close();
    }

    @Override
    public Spawner spawner() {
        return spawner;
    }
}
