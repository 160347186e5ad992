package dev.safespawn.reliability;

import java.util.List;

/**
 * One thing the campaign does to the library, on each configuration it
 * applies to. A scenario bounds its own time and stops by itself, signals
 * only processes it started, and counts every figure it reports. It leaves
 * the checks every run shares (descriptors, threads, children and zombies
 * left behind) to {@link Runs}.
 */
interface Scenario {

    /** A short name, for {@code --only} and the results' headings. */
    String name();

    /** One paragraph for the results: what it does and what counts as clean. */
    String description();

    /** The configurations it runs on: all, unless one does not apply (the results say why). */
    default List<Configuration> configurations() {
        return Configuration.ALL;
    }

    /**
     * Runs once on {@code configuration}, recording figures and problems in {@code outcome}.
     *
     * @throws Exception anything unexpected; {@link Runs} records it as a problem
     */
    void run(Configuration configuration, Budget budget, Outcome outcome) throws Exception;
}
