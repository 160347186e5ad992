/**
 * Not API: the {@code zygote} strategy, a single-threaded C fork server
 * started early and fed over a private socketpair. Reached through
 * {@link dev.safespawn.Spawner} as a service; unexported.
 */
package dev.safespawn.strategies.zygote;
