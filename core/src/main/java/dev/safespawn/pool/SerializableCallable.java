package dev.safespawn.pool;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that can travel to a worker JVM. A lambda assigned to
 * this type is serializable; everything it captures must be too, and its class
 * must be on the worker's class path (by default the parent's).
 * The task runs in the worker JVM on one thread, so it needs no thread-safety
 * of its own; a copy of it, not the instance, reaches the worker.
 *
 * @param <T> the result type, which must be serializable
 */
@FunctionalInterface
public interface SerializableCallable<T> extends Callable<T>, Serializable {
}
