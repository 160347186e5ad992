/**
 * A bridge for Apache Commons Exec: {@link dev.safespawn.commonsexec.SafespawnExecutor}
 * is a {@code DefaultExecutor} whose processes are started through a safespawn
 * {@link dev.safespawn.Spawner} by a
 * {@link dev.safespawn.commonsexec.SpawnerCommandLauncher}.
 *
 * <p>The artifact {@code safespawn-commons-exec} brings Commons Exec (1.5.0 or
 * later) with it; add {@code safespawn-strategies} for the native strategies,
 * without which the {@code jdk} fallback launches.
 */
package dev.safespawn.commonsexec;
