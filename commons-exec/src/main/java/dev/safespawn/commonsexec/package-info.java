/**
 * A bridge for Apache Commons Exec: {@link dev.safespawn.commonsexec.SafespawnExecutor}
 * is a {@code DefaultExecutor} whose processes are started through a safespawn
 * {@link dev.safespawn.Spawner} by a
 * {@link dev.safespawn.commonsexec.SpawnerCommandLauncher}.
 *
 * <p>Commons Exec is an optional dependency of this module: code using this
 * package must have {@code org.apache.commons:commons-exec} (1.5.0 or later) on
 * its class path.
 */
package dev.safespawn.commonsexec;
