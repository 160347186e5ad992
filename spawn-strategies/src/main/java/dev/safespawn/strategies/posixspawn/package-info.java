/**
 * Not API: the {@code posix_spawn} strategy, glibc's {@code posix_spawn}
 * through JNA with file actions that close every other descriptor. Reached
 * through {@link dev.safespawn.Spawner} as a service; unexported.
 */
package dev.safespawn.strategies.posixspawn;
