package dev.safespawn.pool;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A {@link Function} that can travel to a worker JVM, for
 * {@link ProcessPool#map(Iterable, SerializableFunction, MapOptions)} and
 * {@link ProcessPool#imap(Iterable, SerializableFunction, MapOptions)}; see
 * {@link SerializableCallable} for what it must capture and where it runs.
 *
 * @param <T> the element type, which must be serializable
 * @param <R> the result type, which must be serializable
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Function<T, R>, Serializable {
}
