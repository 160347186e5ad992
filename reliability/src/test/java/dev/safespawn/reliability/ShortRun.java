package dev.safespawn.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

/** How a test runs a scenario's short version: on one configuration, with every problem failing the test. */
final class ShortRun {
    private ShortRun() {
    }

    /** Every configuration, as a parameterized test's source. */
    static Stream<Configuration> configurations() {
        return Configuration.ALL.stream();
    }

    static void assertClean(Scenario scenario, Configuration configuration) throws InterruptedException {
        Outcome outcome = Runs.run(scenario, configuration, Budget.SHORT);
        System.out.println(outcome);
        assertThat(outcome.problems()).as("problems of %s (%d in all)", outcome, outcome.problemCount()).isEmpty();
    }
}
