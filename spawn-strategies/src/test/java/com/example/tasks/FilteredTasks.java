package com.example.tasks;

import dev.safespawn.pool.SerializableCallable;

/**
 * Tasks for the serial-filter tests, in the package the documentation's
 * allow-list example names: outside {@code dev.safespawn.pool}, whose own
 * classes the channel always allows, so that a filter's verdict on a task
 * is the user's pattern's and nothing else's.
 */
public final class FilteredTasks {
    private FilteredTasks() {
    }

    /** A task that answers 42; its lambda's capturing class is this one. */
    public static SerializableCallable<Integer> answer() {
        return () -> 6 * 7;
    }
}
