package dev.safespawn.strategies.conformance;

import dev.safespawn.Spawner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class JdkConformanceTest implements ChildContractSuite {
    private static Spawner spawner;

    @BeforeAll
    static void open() {
        spawner = Spawner.of("jdk");
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
