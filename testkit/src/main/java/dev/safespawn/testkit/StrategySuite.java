package dev.safespawn.testkit;

import dev.safespawn.Spawner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole child contract against one strategy: a subclass says which
 * spawner to open, and every test of {@link ChildContractSuite} runs on it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StrategySuite implements ChildContractSuite {
    private Spawner spawner;

    /** Opens the spawner under test; called once per test class. */
    protected abstract Spawner open();

    @BeforeAll
    void openSpawner() {
        spawner = open();
    }

    @AfterAll
    void closeSpawner() {
        spawner.close();
    }

    @Override
    public Spawner spawner() {
        return spawner;
    }
}
