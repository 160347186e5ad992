/**
 * Not API: the {@code jdk} strategy, a {@link java.lang.ProcessBuilder}
 * fallback that works anywhere. It is reached through
 * {@link dev.safespawn.Spawner} as a service; the package is not exported.
 */
package dev.safespawn.jdk;
