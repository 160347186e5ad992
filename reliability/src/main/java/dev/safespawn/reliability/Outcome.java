package dev.safespawn.reliability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one scenario did on one configuration: its figures, in the order they
 * were recorded, and every problem it found. A run with no problem is clean.
 * Thread-safe: a scenario's threads report problems as they find them.
 */
final class Outcome {
    /** More problems than this are counted, not kept: the first ones say what went wrong. */
    private static final int KEPT_PROBLEMS = 20;

    private final String scenario;
    private final String configuration;
    private final Map<String, String> figures = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private int problemCount;

    Outcome(String scenario, String configuration) {
        this.scenario = scenario;
        this.configuration = configuration;
    }

    String scenario() {
        return scenario;
    }

    String configuration() {
        return configuration;
    }

    /** Records a figure; a later one with the same name replaces it. */
    synchronized void figure(String name, Object value) {
        figures.put(name, String.valueOf(value));
    }

    /** Records a problem: anything the campaign promises that did not hold. */
    synchronized void problem(String what) {
        problemCount++;
        if (problems.size() < KEPT_PROBLEMS) {
            problems.add(what);
        }
    }

    synchronized Map<String, String> figures() {
        return new LinkedHashMap<>(figures);
    }

    /** The first problems found, at most {@value #KEPT_PROBLEMS}; {@link #problemCount()} counts them all. */
    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    synchronized int problemCount() {
        return problemCount;
    }

    synchronized boolean clean() {
        return problemCount == 0;
    }

    @Override
    public synchronized String toString() {
        return scenario + " on " + configuration + ": " + figures
                + (clean() ? ", clean" : ", " + problemCount + " problem(s): " + problems);
    }
}
