package dev.safespawn.testkit;

import dev.safespawn.Spawner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole child contract against one strategy: a subclass says which
 * spawner to open, and every test of {@link ChildContractSuite} runs on it.
 *
 * <p>One instance per test class ({@code PER_CLASS} lifecycle): the spawner is
 * opened before the first test and closed after the last. Not thread-safe;
 * JUnit calls it from one thread at a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StrategySuite implements ChildContractSuite {
    private Spawner spawner;

    /** For a subclass; the spawner is opened later, before the first test. */
    protected StrategySuite() {
    }

    /**
     * Opens the spawner under test; called once per test class.
     *
     * @return the spawner, not null; the suite closes it after the last test
     */
    protected abstract Spawner open();

    @BeforeAll
    void openSpawner() {
        spawner = open();
    }

    @AfterAll
    void closeSpawner() {
        if (spawner != null) { // null when open() skipped the class (an assumption) or threw
            spawner.close();
        }
    }

    /**
     * The spawner {@link #open()} returned.
     *
     * @return the open spawner; null only before the first test starts
     */
    @Override
    public Spawner spawner() {
        return spawner;
    }
}
