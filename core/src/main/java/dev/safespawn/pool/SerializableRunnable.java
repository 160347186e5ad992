package dev.safespawn.pool;

import java.io.Serializable;

/** A {@link Runnable} that can travel to a worker JVM; see {@link SerializableCallable}. */
@FunctionalInterface
public interface SerializableRunnable extends Runnable, Serializable {
}
