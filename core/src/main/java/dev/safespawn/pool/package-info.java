/**
 * Java work in child JVMs: {@link dev.safespawn.pool.ProcessPool}, an
 * {@link java.util.concurrent.ExecutorService} whose tasks run in worker JVMs
 * started through a {@link dev.safespawn.Spawner}, and
 * {@link dev.safespawn.pool.Subprocess} for one task in a fresh JVM — what
 * Python users reach for with {@code multiprocessing}.
 */
package dev.safespawn.pool;
