package dev.safespawn.pool;

import java.io.Serializable;

/**
 * A {@link Runnable} that can travel to a worker JVM; see {@link SerializableCallable}
 * for what it must capture and where it runs.
 */
@FunctionalInterface
public interface SerializableRunnable extends Runnable, Serializable {
}
