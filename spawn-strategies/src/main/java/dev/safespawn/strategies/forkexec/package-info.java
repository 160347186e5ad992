/**
 * Not API: the {@code fork_exec} strategy, a C shim that forks (or clones in
 * vfork style) and runs the shared child set-up. Reached through
 * {@link dev.safespawn.Spawner} as a service; unexported.
 */
package dev.safespawn.strategies.forkexec;
