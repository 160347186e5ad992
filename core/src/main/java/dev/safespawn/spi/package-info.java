/**
 * The service provider interface for launch strategies. A strategy implements
 * {@link dev.safespawn.spi.SpawnStrategy} and is found with
 * {@link java.util.ServiceLoader}; applications do not call it directly but
 * through {@link dev.safespawn.Spawner}.
 */
package dev.safespawn.spi;
